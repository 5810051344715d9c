import type { ActionDefinition, PlannedOp, RunOrder, Watch } from '../actions/types.js';
import type { OpHandle, OpOutcome, PerformOutcome } from '../model.js';
import type { EventRecord } from './ledger.js';
import { KeyIndex } from './key-index.js';

/** An operation as the scheduler tracks it. */
export interface Op<D = any> extends OpHandle<D> {
  /** HubSpot state its requests look at, and state they may change (see PlannedOp). */
  reads: Set<string>;
  writes: Set<string>;
  lane: Lane;
  state: 'waiting' | 'ready' | 'inflight' | 'done';
  waitingOn: number;
  dependents: Op[];
  /** When it became ready: a partial batch is sent once its oldest op has waited long enough. */
  readyAt: number;
  /** The input events it serves, several when later ones were merged into it. */
  events: EventRecord[];
  /** Its sequence (PlannedOp.sequence): it goes in a batch of that sequence's oldest unsettled ops. */
  sequence?: Sequence;
  /** How many times its batch sent it back to wait (PerformOutcome 'again'). */
  returns?: number;
}

/**
 * Ops that may move records away from values the others find them by: one batch in flight at a
 * time, each the oldest unsettled ops, consecutive and of one lane (PlannedOp.sequence).
 */
interface Sequence {
  /** Unsettled ops in submission order: batches leave from the front and settle there. */
  ops: Op[];
  busy: boolean;
}

export interface Lane {
  id: string;
  action: ActionDefinition;
  batchSize: number;
  ready: Op[];
}

export interface SchedulerOptions {
  /** Performs a batch and gives one outcome per op, in order ('again': back to wait, unsettled). */
  perform(lane: Lane, ops: Op[]): Promise<PerformOutcome[]>;
  /** Called once per op when its outcome is final. */
  onSettled(op: Op): void;
  /** Errors that stop the whole run instead of failing a batch's events (daily limit, credentials). */
  isFatal?(err: unknown): boolean;
  /** Batches in flight at once; the HTTP client has its own request limit below this. */
  maxInFlight: number;
  /** A partial batch goes out after its oldest op waited this long (live runs); undefined: only on flush. */
  partialAfterMs?: number;
  /**
   * Requests already queued for the rate budget (Transport.backlog). While there are some, partial
   * batches are held: sent now they would only wait in that queue, while held they take in the ops
   * that become ready meanwhile, so a budget-bound run sends fuller batches, not more of them.
   */
  backlog?: () => number;
  /**
   * The reference mode: one op at a time, in submission order, one op a batch, never merged.
   * What every other mode must end equal to.
   */
  oneAtATime?: boolean;
  /** Object types whose records batches look at again before writing (RunOrder.watch). */
  watched?: readonly string[];
  now?: () => number;
}

/**
 * Turns planned operations into batches so that HubSpot ends as if the events had been applied one
 * at a time, in input order. The rule is general, by what each op reads and writes: an op waits for
 * every earlier unsettled op whose writes meet its reads or whose reads meet its writes (and for its
 * explicit `after`), so a lookup sees every earlier write and none of a later one, and ops sharing a
 * batch never touch the same state. A later op merges into an unsent earlier one only when that
 * earlier op is the only one it conflicts with and the action says the merge is equivalent.
 *
 * Keys carry values, and the value a write replaces is unknown until its record is found, so two
 * ways order what keys cannot: ops of a sequence go a batch at a time (PlannedOp.sequence), and
 * batches of a watched type ask this scheduler, as the run's order, what else is unsettled before
 * they write (RunOrder, actions/types.ts), sending back ops that must wait.
 */
export class Scheduler implements RunOrder {
  private lanes = new Map<string, Lane>();
  private sequences = new Map<string, Sequence>();
  private index: KeyIndex<Op>;
  /** Per watched type, the newest op touching its keys: a later op merges only into that one. */
  private newestTouching = new Map<string, Op>();
  /** Per watched type, the unsettled ops touching its keys (RunOrder.watch's `oldest`, earlierTouching). */
  private touchingNow = new Map<string, Set<Op>>();
  /** Settles so far, and when an op touching each key of a watched type last settled (RunOrder.changedSince). */
  private settles = 0;
  private lastSettled = new Map<string, number>();
  private trimAt = 4096;
  /** Marks of the watches not yet released: entries older than all of them are of no use. */
  private marks: number[] = [];
  private inFlight = 0;
  private nextId = 1;
  private unsettled = 0;
  private flushing = false;
  private drainWaiters: Array<() => void> = [];
  private roomWaiters: Array<{ enough: () => boolean; resolve: () => void }> = [];
  private fatal?: unknown;
  private halted = false;
  private pumpQueued = false;
  private quietWaiters: Array<() => void> = [];
  private timer?: NodeJS.Timeout;
  /** The reference mode's unsettled ops, oldest first. */
  private inOrder: Op[] = [];
  private readonly now: () => number;

  constructor(private readonly opts: SchedulerOptions) {
    this.now = opts.now ?? Date.now;
    this.index = new KeyIndex<Op>(opts.watched ?? []);
    if (opts.oneAtATime) this.opts = { ...opts, maxInFlight: 1 };
  }

  watch(objectType: string, batch: readonly OpHandle[]): Watch {
    this.marks.push(this.settles);
    const own = new Set(batch);
    let oldest = Infinity;
    for (const op of this.touchingNow.get(objectType) ?? []) if (op.id < oldest && !own.has(op)) oldest = op.id;
    return { properties: this.index.touched(objectType, batch as Op[]), mark: this.settles, oldest };
  }

  earlierTouching(op: OpHandle, objectType: string, exclude: ReadonlySet<OpHandle>): OpHandle[] {
    return [...(this.touchingNow.get(objectType) ?? [])].filter((d) => d.id < op.id && !exclude.has(d));
  }

  release(watch: Watch): void {
    const i = this.marks.indexOf(watch.mark);
    if (i >= 0) this.marks.splice(i, 1);
    if (this.lastSettled.size < this.trimAt) return;
    const oldest = this.marks.length ? Math.min(...this.marks) : this.settles;
    for (const [k, at] of this.lastSettled) if (at <= oldest) this.lastSettled.delete(k);
    this.trimAt = Math.max(4096, 2 * this.lastSettled.size);
  }

  changedSince(watch: Watch, keys: readonly string[]): boolean {
    return keys.some((k) => (this.lastSettled.get(k) ?? -1) > watch.mark);
  }

  blockers(op: OpHandle, keys: readonly string[], exclude: ReadonlySet<OpHandle>): OpHandle[] {
    const out: Op[] = [];
    for (const d of this.index.conflicts(keys, keys)) if (d.id < op.id && d.state !== 'done' && !exclude.has(d)) out.push(d);
    return out;
  }

  returns(op: OpHandle): number {
    return (op as Op).returns ?? 0;
  }

  /** Adds an operation for an event; returns the op that will carry it (an earlier one when merged). */
  submit(action: ActionDefinition, mappingName: string, planned: PlannedOp, event: EventRecord): Op {
    const reads = new Set(planned.reads);
    const writes = new Set(planned.writes);
    const deps = this.index.conflicts(reads, writes);
    for (const d of (planned.after ?? []) as Op[]) if (d.state !== 'done') deps.add(d);
    const touching = this.watchedTypes(reads, writes);
    const merged = this.tryMerge(action, planned, deps, reads, writes, event, touching);
    if (merged) return merged;
    const batchSize = this.opts.oneAtATime ? 1 : planned.batchSize;
    const op: Op = {
      id: this.nextId++,
      action: action.name,
      mappingName,
      data: planned.data,
      reads,
      writes,
      lane: this.lane(planned.lane, action, batchSize),
      state: 'waiting',
      waitingOn: deps.size,
      dependents: [],
      readyAt: 0,
      events: [event],
    };
    if (planned.sequence !== undefined && !this.opts.oneAtATime) {
      op.sequence = this.sequence(planned.sequence);
      op.sequence.ops.push(op);
    }
    this.unsettled++;
    for (const d of deps) d.dependents.push(op);
    this.index.add(op, reads, writes);
    if (this.opts.oneAtATime) this.inOrder.push(op);
    for (const t of touching) {
      this.newestTouching.set(t, op);
      let now = this.touchingNow.get(t);
      if (!now) this.touchingNow.set(t, (now = new Set()));
      now.add(op);
    }
    if (op.waitingOn === 0) this.makeReady(op);
    return op;
  }

  /** The watched types whose state these keys name (RunOrder). */
  private watchedTypes(reads: Set<string>, writes: Set<string>): ReadonlySet<string> {
    // The dry-run and runs with no watched type take this path for every op: no Set for them.
    if (!this.opts.watched?.length) return NO_TYPES;
    const types = new Set<string>();
    for (const keys of [reads, writes]) {
      for (const k of keys) {
        const t = this.index.watchedType(k);
        if (t !== undefined) types.add(t);
      }
    }
    return types;
  }

  /**
   * Merges into the latest unsent op of the same lane it conflicts with, when the action says the
   * merge is equivalent and no op in between can tell the difference: every other op it conflicts
   * with already waits for that earlier op, writes nothing it reads, and reads of its writes only
   * what the earlier op writes too (keys carry values, so those writes are the same). A company
   * between a user's two identifies then still sees the contact it would have seen.
   */
  private tryMerge(action: ActionDefinition, planned: PlannedOp, deps: Set<Op>, reads: Set<string>, writes: Set<string>, event: EventRecord, touching: ReadonlySet<string>): Op | undefined {
    if (this.opts.oneAtATime || !action.merge) return undefined;
    let prev: Op | undefined;
    for (const d of deps) if ((d.state === 'ready' || d.state === 'waiting') && d.lane.id === planned.lane && (!prev || d.id > prev.id)) prev = d;
    if (!prev || ![...deps].every((z) => z === prev || unaffected(z, prev!, reads, writes))) return undefined;
    // An op of the sequence in between may find a record by a value the later one moves it from.
    if (prev.sequence && prev.sequence.ops[prev.sequence.ops.length - 1] !== prev) return undefined;
    for (const t of touching) if (this.newestTouching.get(t) !== prev) return undefined;
    const data = action.merge(prev.data, planned.data);
    if (data === undefined) return undefined;
    prev.data = data;
    for (const k of reads) prev.reads.add(k);
    for (const k of writes) prev.writes.add(k);
    this.index.add(prev, reads, writes);
    prev.events.push(event);
    return prev;
  }

  /** Sends partial batches too, until the next `resume()`: at end of input or while reading waits. */
  flush(): void {
    this.flushing = true;
    this.schedulePump();
  }

  resume(): void {
    this.flushing = false;
  }

  /** Resolves when every submitted op has settled, or the run was stopped by a fatal error. */
  async drain(): Promise<void> {
    this.flush();
    if (this.unsettled === 0 || this.fatal) return;
    await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
  }

  /**
   * Resolves once `enough()` holds (checked as ops settle) or the run stopped, sending partial
   * batches meanwhile: the reader waits here, which keeps memory flat.
   */
  async room(enough: () => boolean): Promise<void> {
    if (enough() || this.fatal) return;
    this.flush();
    await new Promise<void>((resolve) => this.roomWaiters.push({ enough, resolve }));
    this.resume();
  }

  /** The error that stopped the run (daily limit, credentials), if any. */
  get stoppedBy(): unknown {
    return this.fatal;
  }

  /** Stops sending new batches and resolves when those in flight have finished (Ctrl-C). */
  async quiesce(): Promise<void> {
    this.halted = true;
    await this.idle();
  }

  /**
   * Resolves once the batches the ops submitted so far made ready have been dispatched and none is
   * in flight any more (a fatal error ends the wait too).
   */
  idle(): Promise<void> {
    // A dry-run asks after every line, and nearly always nothing is queued or in flight: then no
    // async function's frame and promise are made. Awaiting a settled promise resumes after the
    // one microtask that awaiting such a function, returning at once, took: the order is the same.
    if (!this.pumpQueued && !(this.inFlight > 0 && !this.fatal)) return SETTLED;
    return this.untilIdle();
  }

  private async untilIdle(): Promise<void> {
    // Dispatching waits for the end of the synchronous step that readied the ops (schedulePump).
    if (this.pumpQueued) await Promise.resolve();
    while (this.inFlight > 0 && !this.fatal) await new Promise<void>((resolve) => this.quietWaiters.push(resolve));
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  private lane(id: string, action: ActionDefinition, batchSize: number): Lane {
    let lane = this.lanes.get(id);
    if (!lane) {
      lane = { id, action, batchSize, ready: [] };
      this.lanes.set(id, lane);
    }
    return lane;
  }

  private sequence(id: string): Sequence {
    let sequence = this.sequences.get(id);
    if (!sequence) {
      sequence = { ops: [], busy: false };
      this.sequences.set(id, sequence);
    }
    return sequence;
  }

  private makeReady(op: Op): void {
    op.state = 'ready';
    op.readyAt = this.now();
    // Whether its sequence's batch may go depends on the ops before it: pump looks.
    if (op.sequence) return this.schedulePump();
    op.lane.ready.push(op);
    if (op.lane.ready.length >= op.lane.batchSize) this.schedulePump();
    else this.armTimer();
  }

  private armTimer(): void {
    const wait = this.opts.partialAfterMs;
    if (wait === undefined || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
      if ([...this.lanes.values()].some((l) => l.ready.length) || [...this.sequences.values()].some(waitsToGo)) this.armTimer();
    }, wait);
    this.timer.unref();
  }

  /**
   * Dispatching waits for the current synchronous step to end, so the event that made an op ready
   * is attached to it (the dry-run names its source) and ops readied together share a batch.
   */
  private schedulePump(): void {
    if (this.pumpQueued) return;
    this.pumpQueued = true;
    queueMicrotask(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  /** Dispatches what may go: full batches first, then partial ones when flushing or when old enough. */
  private pump(): void {
    if (this.fatal || this.halted) return;
    if (this.opts.oneAtATime) return this.pumpInOrder();
    const lanes = [...this.lanes.values()];
    for (const lane of lanes) {
      while (this.inFlight < this.opts.maxInFlight && lane.ready.length >= lane.batchSize) this.dispatch(lane);
    }
    this.pumpSequences(false);
    // Held partial batches go once the backlog is gone: its requests belong to batches in flight,
    // whose ends pump again (and the partial-batch timer looks again meanwhile).
    if ((this.opts.backlog?.() ?? 0) > 0) return this.armTimer();
    const oldEnough = this.opts.partialAfterMs === undefined ? -Infinity : this.now() - this.opts.partialAfterMs;
    for (const lane of lanes) {
      while (this.inFlight < this.opts.maxInFlight && lane.ready.length > 0 && (this.flushing || lane.ready[0]!.readyAt <= oldEnough)) {
        this.dispatch(lane);
      }
    }
    this.pumpSequences(true, oldEnough);
  }

  /**
   * A sequence's batch goes when nothing of it is in flight: its oldest ops, while ready and of the
   * first one's lane. It goes at once when full or when an op of another lane ends it (waiting
   * would add nothing); otherwise as a partial batch (`partial`: when flushing or old enough).
   */
  private pumpSequences(partial: boolean, oldEnough = -Infinity): void {
    for (const sequence of this.sequences.values()) {
      if (this.inFlight >= this.opts.maxInFlight) return;
      const { batch, ended } = headBatch(sequence);
      if (!batch.length) continue;
      if (!ended && !(partial && (this.flushing || batch[0]!.readyAt <= oldEnough))) {
        if (partial) this.armTimer();
        continue;
      }
      this.send(batch[0]!.lane, batch);
    }
  }

  /** The reference mode sends the oldest unsettled op once it is ready, whatever its lane. */
  private pumpInOrder(): void {
    while (this.inOrder.length && this.inOrder[0]!.state === 'done') this.inOrder.shift();
    const oldest = this.inOrder[0];
    if (this.inFlight > 0 || oldest?.state !== 'ready') return;
    oldest.lane.ready.splice(oldest.lane.ready.indexOf(oldest), 1);
    oldest.lane.ready.unshift(oldest);
    this.dispatch(oldest.lane);
  }

  private dispatch(lane: Lane): void {
    this.send(lane, lane.ready.splice(0, lane.batchSize));
  }

  private send(lane: Lane, batch: Op[]): void {
    const sequence = batch[0]?.sequence;
    if (sequence) sequence.busy = true;
    for (const op of batch) op.state = 'inflight';
    this.inFlight++;
    this.opts.perform(lane, batch).then(
      (outcomes) => this.finish(batch, outcomes),
      (err: unknown) => {
        if (this.opts.isFatal?.(err)) {
          // The run stops; these ops stay unfinished so the checkpoint keeps their events for the resumed run.
          this.inFlight--;
          for (const w of this.quietWaiters.splice(0)) w();
          this.fatal ??= err;
          this.wakeAll();
          return;
        }
        this.finish(batch, batch.map(() => internalFailure(err)));
      },
    );
  }

  private finish(batch: Op[], outcomes: PerformOutcome[]): void {
    this.inFlight--;
    for (const w of this.quietWaiters.splice(0)) w();
    batch.forEach((op, i) => {
      const o = outcomes[i] ?? NO_OUTCOME;
      if (o.kind === 'again') this.sendBack(op, o.after as Op[]);
      else this.settle(op, o);
    });
    const sequence = batch[0]?.sequence;
    if (sequence) {
      // The batch was the sequence's front; an op sent back stays there, to go first again.
      sequence.busy = false;
      sequence.ops.splice(0, batch.length, ...batch.filter((op) => op.state !== 'done'));
    }
    if (!this.fatal) this.pump();
  }

  private wakeAll(): void {
    for (const w of this.drainWaiters.splice(0)) w();
    for (const w of this.roomWaiters.splice(0)) w.resolve();
  }

  /** Its batch wrote nothing of it: it waits for these (earlier) ops and goes again. */
  private sendBack(op: Op, after: Op[]): void {
    op.returns = (op.returns ?? 0) + 1;
    op.state = 'waiting';
    const deps = new Set(after.filter((d) => d.state !== 'done' && d !== op));
    op.waitingOn = deps.size;
    for (const d of deps) d.dependents.push(op);
    if (op.waitingOn === 0) this.makeReady(op);
  }

  private settle(op: Op, outcome: OpOutcome): void {
    op.outcome = outcome;
    op.state = 'done';
    this.unsettled--;
    this.settles++;
    if (this.opts.watched?.length) {
      // A merge adds keys only to the newest op touching the type, which is already in its set.
      for (const now of this.touchingNow.values()) now.delete(op);
      for (const keys of [op.reads, op.writes]) for (const k of keys) if (this.index.watchedType(k) !== undefined) this.lastSettled.set(k, this.settles);
    }
    this.index.remove(op, op.reads, op.writes);
    this.opts.onSettled(op);
    for (const d of op.dependents) if (--d.waitingOn === 0) this.makeReady(d);
    op.dependents = [];
    if (this.unsettled === 0) for (const w of this.drainWaiters.splice(0)) w();
    if (this.roomWaiters.length) {
      this.roomWaiters = this.roomWaiters.filter((w) => (w.enough() ? (w.resolve(), false) : true));
    }
  }
}

/**
 * The batch a sequence may send now (none while one is in flight), and whether an op after it
 * ends it: one of another lane, or past the lane's batch size.
 */
function headBatch(sequence: Sequence): { batch: Op[]; ended: boolean } {
  if (sequence.busy || sequence.ops[0]?.state !== 'ready') return { batch: [], ended: false };
  const lane = sequence.ops[0].lane;
  let n = 0;
  while (n < sequence.ops.length && n < lane.batchSize && sequence.ops[n]!.state === 'ready' && sequence.ops[n]!.lane === lane) n++;
  const next = sequence.ops[n];
  return { batch: sequence.ops.slice(0, n), ended: n === lane.batchSize || (next !== undefined && next.lane !== lane) };
}

const waitsToGo = (sequence: Sequence): boolean => !sequence.busy && sequence.ops[0]?.state === 'ready';

/** Whether `z`, between `prev` and a later op merged into it, sees the same whether the later op ran after it or with `prev`. */
function unaffected(z: Op, prev: Op, reads: Set<string>, writes: Set<string>): boolean {
  if (!prev.dependents.includes(z)) return false;
  for (const k of reads) if (z.writes.has(k)) return false;
  for (const k of writes) if (z.reads.has(k) && !prev.writes.has(k)) return false;
  return true;
}

const NO_TYPES: ReadonlySet<string> = new Set();

const NO_OUTCOME: OpOutcome = { kind: 'failed', error: { kind: 'internal', message: 'internal error: the action gave this operation no outcome' } };

function internalFailure(err: unknown): OpOutcome {
  return { kind: 'failed', error: { kind: 'internal', message: `internal error: ${err instanceof Error ? err.message : String(err)}` } };
}

const SETTLED: Promise<void> = Promise.resolve();
