import type { ApiPaths, ApiVersion } from '../hubspot/api.js';
import type { HubSpotRequest, HubSpotResponse } from '../hubspot/transport.js';
import type { ActionName, OpHandle, PerformOutcome, SegmentEvent } from '../model.js';
import type { Searchable, SearchedProperty } from './shared/searched.js';

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

type ValueOf<F extends FieldDefinition> = F['type'] extends 'string'
  ? string
  : F['type'] extends 'integer' | 'number'
    ? number
    : F['type'] extends 'boolean'
      ? boolean
      : F['type'] extends 'datetime'
        ? string | number
        : Record<string, unknown>;

type RequiredKeys<Fs> = { [K in keyof Fs]: Fs[K] extends { required: true } ? K : never }[keyof Fs];

/**
 * The payload a validated mapping gives an action, derived from its field definitions so the two
 * cannot drift apart: required fields are present, the others may be missing.
 */
export type PayloadOf<Fs extends Record<string, FieldDefinition>> = {
  [K in RequiredKeys<Fs>]: ValueOf<Fs[K]>;
} & {
  [K in Exclude<keyof Fs, RequiredKeys<Fs>>]?: ValueOf<Fs[K]>;
};

export interface DestinationSettings {
  /** The portal's Hub ID, Segment's `portalId` setting: checks pe<hubId>_ event names. */
  hubId?: string;
  /** HubSpot's API family (`--api-version` wins over the mapping file's); v3 when absent. */
  apiVersion?: ApiVersion;
}

/** What an action's `plan` may read besides the payload. */
export interface PlanContext {
  settings: DestinationSettings;
  event: SegmentEvent;
  mappingName: string;
  /** The event's messageId, or a stable stand-in derived from its text when it has none. */
  messageId: string;
  /** The operation of each earlier mapping of the same event, by its action's `provides` name. */
  sameEvent: ReadonlyMap<string, OpHandle>;
  /**
   * The properties some op of the run may read, by a search or an association's target (the
   * mappings' `searches`, shared/searched.ts): write keys of other properties order nothing. Absent:
   * all of them.
   */
  searchable?: Searchable;
  /** What the run's mappings may move (pipeline/searchable.ts moversIn). Absent: any type, by any action. */
  movers?: Movers;
}

/**
 * The plan an action makes for one payload. Keys name HubSpot state as
 * `<objectType>:<property>=<value lower-cased>` (see shared/keys.ts): the scheduler lets an op go
 * only after every earlier unsettled op whose writes meet its reads or whose reads meet its writes.
 */
export interface PlannedOp<D = any> {
  data: D;
  /** Every key whose state the op's requests look at: its record's identity, searches, association targets. */
  reads: string[];
  /** Its record's identity keys and a key for every property value it sets that an op may read (PlanContext.searchable). */
  writes: string[];
  /** Operations that must be settled first, beyond what the keys say (the same event's contact). */
  after?: OpHandle[];
  /** Several operations to send in one request, up to this many (1: one at a time). */
  batchSize: number;
  /** Operations sharing a lane may share a request. */
  lane: string;
  /**
   * Operations naming the same sequence may move a record away from a value another of them finds
   * it by (a company found by its domain takes a segment_group_id; a deal found by one property gets
   * a new value of a property others search by). The value a write replaces is unknown until its
   * record is found, so no key can order them: they go a batch at a time, each batch the oldest
   * unsettled ones of the sequence, consecutive and of one lane, and the action keeps them in
   * order inside it. An object type's name.
   */
  sequence?: string;
}

export interface PerformContext {
  /** Sends one request for these operations; the dry-run prints it with their sources. */
  send<T = any>(req: HubSpotRequest, ops: OpHandle[]): Promise<HubSpotResponse<T>>;
  /** State shared by all operations of the run (ids learned, properties created). */
  run: RunMemory;
  /** The run's API paths, in the family `--api-version` chose. */
  paths: ApiPaths;
  /** How long HubSpot's search may take to show a write: waited before looking up a create whose outcome is unknown. */
  searchSettleMs: number;
  /**
   * The dry-run's lookups find nothing because nothing is asked: an association whose target was
   * "not found" is shown with a stand-in id (shared/associations.ts `unknownId`), marked as
   * depending on the lookup, instead of being left out as the live run would leave it out.
   */
  lookupsUnknown?: boolean;
  /** The run's order, for batches that look at their records again before writing; absent one at a time. */
  order?: RunOrder;
}

/**
 * What a batch may ask of the run's order (the scheduler) while it performs. An op that finds a
 * record by one value and writes others cannot name, before it looks, the values it moves the
 * record away from, so no key orders it with the ops finding the record by them. It looks at the
 * record's values before writing instead: a record can be found, and so changed, only by a value it
 * holds, so an op whose record holds a value an earlier unsettled op reads or writes goes back to
 * wait for that op (PerformOutcome 'again'), and one whose record no longer holds what found it
 * looks again.
 */
/** Which records the run's ops may move away from a value others search them by, or reach by different properties (the mappings' `moves` and `finds`). */
export interface Movers {
  /**
   * Whether some op may give a record of the type a new value of a property others search it by, a
   * value it did not find the record by, or the type's records are found by more than one property
   * (ActionDefinition.finds): its finders then share a sequence (PlannedOp.sequence).
   */
  movable(objectType: string): boolean;
  /** What a search for records of the type that `action` writes reads: the moves and writes keys of the other actions (keys.ts). */
  ownReads(objectType: string, action: string): string[];
  /** What an association target's search reads: the moves keys of every action that may move such records. */
  targetReads(objectType: string): string[];
}

export interface RunOrder {
  /**
   * Taken before a lookup: the properties of the type whose values unsettled ops other than these
   * read or write (none: nothing can change what they find), and a mark for `changedSince`.
   * Every watch is released.
   */
  watch(objectType: string, batch: readonly OpHandle[]): Watch;
  release(watch: Watch): void;
  /** The unsettled ops earlier than `op`, not in `exclude`, that read or write any of these keys. */
  blockers(op: OpHandle, keys: readonly string[], exclude: ReadonlySet<OpHandle>): OpHandle[];
  /** Whether an op reading or writing any of these keys settled since the watch was taken. */
  changedSince(watch: Watch, keys: readonly string[]): boolean;
  /** The unsettled ops earlier than `op`, not in `exclude`, that touch any state of the type. */
  earlierTouching(op: OpHandle, objectType: string, exclude: ReadonlySet<OpHandle>): OpHandle[];
  /** How many times the op went back already. */
  returns(op: OpHandle): number;
}

export interface Watch {
  properties: ReadonlySet<string>;
  mark: number;
  /**
   * The id of the oldest unsettled op touching the type outside the batch (Infinity: none). An op
   * older than it found what it would one at a time: nothing before it was left to change that.
   */
  oldest: number;
}

/** What this run knows of the records holding one value. */
export interface Known {
  ids: string[];
  /** True when a search (or HubSpot's uniqueness) said these are all of them; else others may hold it too. */
  complete: boolean;
}

/**
 * What RunMemory.records answers: the records this run found or wrote, by each (objectType,
 * property, value), since HubSpot's search lags writes (the pipeline's RecentRecords).
 */
export interface RecordMemory {
  lookup(objectType: string, property: string, value: unknown): Known | undefined;
  /** A search (or a read by a unique property) found exactly these records holding the value. */
  found(objectType: string, property: string, value: unknown, ids: string[]): void;
  /** This run gave the record these values. */
  remember(objectType: string, id: string, properties: Record<string, unknown>): void;
  /** False when this run has since given the record another value of the property. */
  stillHolds(objectType: string, id: string, property: string, value: unknown): boolean;
}

/** What RunMemory.ids needs: a Map does, and so does the bounded RecentIds a run uses. */
export interface IdMemory extends Iterable<[string, string]> {
  get(k: string): string | undefined;
  set(k: string, v: string): unknown;
}

/** What the run learns as it goes and a resumed run must remember. */
export interface RunMemory {
  /** Contact ids learned, by `user:<userId or anonymousId>` and `email:<email>` (bounded: RecentIds). */
  ids: IdMemory;
  /** Records recently found or written, by the property values they hold (HubSpot's search lags writes). */
  records: RecordMemory;
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
  /** The OAuth scopes its requests need (associations are covered by the scopes of both objects). */
  scopes: readonly string[];
  /** The name later mappings of the same event find this action's operation by (PlanContext.sameEvent). */
  provides?: string;
  /** Segment's checks on a validated payload, and the operation it becomes. Throws PayloadError. */
  plan(payload: P, ctx: PlanContext): PlannedOp<D>;
  /**
   * One operation doing what `into` then `later` would, or undefined when applying the merged one
   * would not give the same result as applying both in order (then they stay separate).
   */
  merge?(into: D, later: D): D | undefined;
  /** Performs a batch of operations from one lane: one outcome per operation, in the same order. */
  perform(ops: OpHandle<D>[], ctx: PerformContext): Promise<PerformOutcome[]>;
  /**
   * The properties its requests may search records by, given a mapping's fields (defaults merged
   * in). The run remembers what it wrote of these properties only (HubSpot's search lags writes),
   * so an action that searches must say so here.
   */
  searches?(fields: Readonly<Record<string, unknown>>): SearchedProperty[];
  /**
   * The properties it finds the records it writes by (a subset of `searches`). Records of a type
   * found by more than one property across the mappings may be reached by two ops whose keys share
   * nothing, so their finders share a sequence (PlanContext.movers.movable).
   */
  finds?(fields: Readonly<Record<string, unknown>>): SearchedProperty[];
  /**
   * The properties its ops may give a record a new value of without having found the record by
   * that value, given a mapping's fields: the old value is unknown until the record is found, so no
   * key names it (PlannedOp.sequence). An action that does not say moves nothing.
   */
  moves?(fields: Readonly<Record<string, unknown>>): SearchedProperty[];
  /** The object types whose records its batches look at again before writing them (RunOrder). */
  looksAgain?: readonly string[];
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
