import type { PayloadOf } from '../types.js';
import type { fields } from './fields.js';

export type ContactPayload = PayloadOf<typeof fields>;

export interface ContactOp {
  /** The email as mapped: Segment puts it in the single-request URL unchanged. */
  email: string;
  /** Lower-cased: HubSpot's key for contacts. */
  key: string;
  properties: Record<string, unknown>;
  /** Desired stage, lower-cased, for the reset-and-retry when HubSpot will not move it backwards. */
  lifecyclestage?: string;
  batched: boolean;
  /** The userIds and anonymousIds of the events, remembered for Upsert Company's association. */
  identities: string[];
  /** Once merged: the data of each event merged, in input order, to apply one by one if HubSpot refuses the merge. */
  parts?: ContactOp[];
}
