/**
 * The data every stage passes along: an event and where it came from, the operations planned for
 * it and how they ended. A leaf: it imports nothing, so any layer may depend on it.
 */

/** A Segment event as read from a line: any JSON object; Segment's spec fields are optional here. */
export interface SegmentEvent {
  type?: string;
  event?: string;
  userId?: string | null;
  anonymousId?: string | null;
  messageId?: string;
  groupId?: string;
  traits?: Record<string, unknown>;
  properties?: Record<string, unknown>;
  context?: Record<string, any>;
  timestamp?: string;
  [k: string]: unknown;
}

/** Where an input line came from: every outcome and error names it. */
export interface Source {
  file: string;
  line: number;
}

export type ActionName = 'upsertContact' | 'upsertCompany' | 'upsertCustomObjectRecord' | 'sendCustomBehavioralEvent';

/** A unit of work on one HubSpot record (or one behavioral event), possibly serving several input events. */
export interface OpHandle<D = any> {
  readonly id: number;
  readonly action: ActionName;
  readonly mappingName: string;
  data: D;
  /** HubSpot's id of the record once known (contacts and companies), read by dependent operations. */
  recordId?: string;
  outcome?: OpOutcome;
}

export type OpOutcome =
  | { kind: 'delivered' }
  | { kind: 'skipped'; reason: string }
  | {
      kind: 'failed';
      error: FailureDetail;
      /**
       * When the op carried several merged events and was applied again part by part: each
       * event's own outcome, in the order they were merged (see actions/shared/merged-parts.ts).
       */
      parts?: OpOutcome[];
    };

/**
 * What a perform gives an op: its outcome, or, before it wrote anything, that it goes back to wait
 * for these earlier ops and is performed again (actions/types.ts RunOrder).
 */
export type PerformOutcome = OpOutcome | { kind: 'again'; after: OpHandle[] };

/** How a failure is reported: HubSpot's answer kept whole where there was one. */
export interface FailureDetail {
  message: string;
  status?: number;
  category?: string;
  correlationId?: string;
  /** HubSpot's own message, when `message` was rewritten for people. */
  hubspotMessage?: string;
  /** Where the problem is, e.g. the field, for payload errors. */
  field?: string;
  kind: 'invalid' | 'hubspot' | 'dependency' | 'internal';
}
