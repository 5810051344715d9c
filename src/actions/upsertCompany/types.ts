import type { OpHandle } from '../../model.js';
import type { PayloadOf } from '../types.js';
import type { fields } from './fields.js';

export type CompanyPayload = PayloadOf<typeof fields>;

/** How a company op names its contact: the same event's upsertContact, or identities to look up. */
export interface ContactRef {
  op?: OpHandle;
  identities: string[];
  emailKey?: string;
}

export interface CompanyOp {
  groupid: string;
  properties: Record<string, unknown>;
  createNew: boolean;
  searchFields?: Record<string, unknown>;
  /** The contacts to associate (merged events name the same ones). */
  contacts: ContactRef[];
  /** Once merged: the data of each event merged, in input order, to apply one by one if HubSpot refuses the merge. */
  parts?: CompanyOp[];
}
