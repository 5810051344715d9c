import type { PayloadOf } from '../types.js';
import type { fields } from './fields.js';

export type BehavioralEventPayload = PayloadOf<typeof fields>;

/** One completion, exactly the body Segment sends to /events/v3/send. */
export interface BehavioralEventOp {
  eventName: string;
  occurredAt?: string | number;
  utk?: string;
  email?: string;
  objectId?: string;
  properties?: Record<string, unknown>;
  /** HubSpot keeps the first completion with a uuid: retries and resumed runs record it once. */
  uuid: string;
}
