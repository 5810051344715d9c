import type { HubSpotRequest, HubSpotResponse } from '../hubspot/transport.js';
import type { ActionName, FailureDetail, OpHandle, OpOutcome, SegmentEvent } from '../model.js';
export type { ActionName, FailureDetail, OpHandle, OpOutcome };
import type { RecentRecords } from './shared/recent-records.js';

/** A field as Segment's action definitions declare it (actions-core InputField), so its JSON schema is Segment's. */
export interface FieldDefinition {
  label: string;
  description?: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'datetime';
  required?: boolean;
  default?: unknown;
  format?: 'email' | 'uri';
  allowNull?: boolean;
  defaultObjectUI?: string;
}

export interface DestinationSettings {
  /** The portal's Hub ID, Segment's `portalId` setting: checks pe<hubId>_ event names. */
  hubId?: string;
}

/** What an action's `prepare` may read besides the payload. */
export interface PrepareContext {
  settings: DestinationSettings;
  event: SegmentEvent;
  mappingName: string;
  /** The event's messageId, or a stable stand-in derived from its text when it has none. */
  messageId: string;
  /** The upsertContact operation this same event produced earlier in mapping order, if any. */
  contactOfSameEvent?: OpHandle;
  /** The latest operation of the run registered under an alias (see PreparedOp.aliases). */
  latestOp(alias: string): OpHandle | undefined;
}

/** The plan an action makes for one payload: the key that orders it and what it waits for. */
export interface PreparedOp<D = any> {
  data: D;
  /** Operations on the same key take effect in input order; may be merged while unsent. */
  key?: string;
  /** Operations that must be settled first (the contact a company is associated with). */
  after?: OpHandle[];
  /** Several operations to send in one request, up to this many (1: one at a time). */
  batchSize: number;
  /** Operations sharing a lane may share a request. */
  lane: string;
  /** Names later events can find this operation by (`user:<userId>`, `email:<email>`). */
  aliases?: string[];
}

/**
 * What the pipeline schedules: an operation's data and the HubSpot state it touches, named as keys
 * `<objectType>:<property>=<value lower-cased>` (`contacts:email=a@x.io`, `contacts:user=u1`,
 * `companies:segment_group_id=g1`, `deals:order_id=42`). `reads`: all state its requests look at (its
 * record's identity, search values, association targets); `writes`: its identity and every property
 * value it sets. An op waits for every earlier unsettled op whose writes meet its reads or whose
 * reads meet its writes, which is what makes a batched run end as a one-at-a-time run does.
 */
export interface PlanContext {
  settings: DestinationSettings;
  event: SegmentEvent;
  mappingName: string;
  /** The event's messageId, or a stable stand-in derived from its text when it has none. */
  messageId: string;
  /** The ops of earlier mappings of the same event, by what their action `provides`. */
  sameEvent: ReadonlyMap<string, OpHandle>;
}

export interface PlannedOp<D = any> {
  data: D;
  reads: string[];
  writes: string[];
  /** Operations that must be settled first besides those the keys find (the same event's contact). */
  after?: OpHandle[];
  /** Several operations to send in one request, up to this many (1: one at a time). */
  batchSize: number;
  /** Operations sharing a lane may share a request. */
  lane: string;
}

export interface PerformContext {
  /** Sends one request for these operations; the dry-run prints it with their sources. */
  send<T = any>(req: HubSpotRequest, ops: OpHandle[]): Promise<HubSpotResponse<T>>;
  deliver(op: OpHandle): void;
  skip(op: OpHandle, reason: string): void;
  fail(op: OpHandle, error: FailureDetail): void;
  /** State shared by all operations of the run (ids learned, properties created). */
  run: RunMemory;
}

/** What the run learns as it goes and a resumed run must remember. */
export interface RunMemory {
  /** Contact ids learned, by `user:<userId or anonymousId>` and `email:<email>`. */
  ids: Map<string, string>;
  /** Records recently found or created, by their search values (HubSpot's search lags writes). */
  records: RecentRecords;
  /** Facts about the portal learned once (e.g. that segment_group_id exists). */
  flags: Set<string>;
}

export interface ActionDefinition<P = any, D = any> {
  name: ActionName;
  title: string;
  description: string;
  /** Segment's default subscription; none means a trigger is required. */
  defaultTrigger?: string;
  fields: Record<string, FieldDefinition>;
  /** Segment's checks on a validated payload, and the operation it becomes. Throws PayloadError. */
  prepare?(payload: P, ctx: PrepareContext): PreparedOp<D>;
  plan?(payload: P, ctx: PlanContext): PlannedOp<D>;
  /** What this action's op is to later mappings of the same event (see PlanContext.sameEvent). */
  provides?: string;
  /**
   * Merges a later operation into an unsent earlier one on the same record, or gives undefined
   * when applying the merged one would not end as applying both in order.
   */
  merge?(into: D, later: D): D | undefined;
  /** Performs a batch of operations from one lane, settling every one of them. */
  perform(ops: OpHandle<D>[], ctx: PerformContext): Promise<OpOutcome[] | void>;
  /** The action's own checks of a mapping's fields (defaults merged in), made before any event; problems are reported at a path below `fields`; `mayBeMissing` says whether a mapped value can come out empty for some event. */
  checkMapping?(fields: Readonly<Record<string, unknown>>, report: { settings: DestinationSettings; error(path: string[], message: string, hint?: string): void; warn(path: string[], message: string, hint?: string): void; mayBeMissing(value: unknown): boolean }): void;
}

/** A payload that breaks one of Segment's rules; reported with the field and not sent. */
export class PayloadError extends Error {
  constructor(message: string, readonly field?: string) {
    super(message);
    this.name = 'PayloadError';
  }
}
