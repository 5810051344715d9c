import type { ActionDefinition, PlannedOp } from '../actions/types.js';
import type { OpHandle, OpOutcome } from '../model.js';
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
}

export interface Lane {
  id: string;
  action: ActionDefinition;
  batchSize: number;
  ready: Op[];
}

export interface SchedulerOptions {
  /** Performs a batch and gives one outcome per op, in order. */
  perform(lane: Lane, ops: Op[]): Promise<OpOutcome[]>;
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
  now?: () => number;
}

/**
 * Turns planned operations into batches so that HubSpot ends as if the events had been applied one
 * at a time, in input order. The rule is general, by what each op reads and writes: an op waits for
 * every earlier unsettled op whose writes meet its reads or whose reads meet its writes (and for its
 * explicit `after`), so a lookup sees every earlier write and none of a later one, and ops sharing a
 * batch never touch the same state. A later op merges into an unsent earlier one only when that
 * earlier op is the only one it conflicts with and the action says the merge is equivalent.
 */
export class Scheduler {
  private lanes = new Map<string, Lane>();
  private index = new KeyIndex<Op>();
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
    if (opts.oneAtATime) this.opts = { ...opts, maxInFlight: 1 };
  }

  /** Adds an operation for an event; returns the op that will carry it (an earlier one when merged). */
  submit(action: ActionDefinition, mappingName: string, planned: PlannedOp, event: EventRecord): Op {
    const reads = new Set(planned.reads);
    const writes = new Set(planned.writes);
    const deps = this.index.conflicts(reads, writes);
    for (const d of (planned.after ?? []) as Op[]) if (d.state !== 'done') deps.add(d);
    const merged = this.tryMerge(action, planned, deps, reads, writes, event);
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
    this.unsettled++;
    for (const d of deps) d.dependents.push(op);
    this.index.add(op, reads, writes);
    if (this.opts.oneAtATime) this.inOrder.push(op);
    if (op.waitingOn === 0) this.makeReady(op);
    return op;
  }

  /**
   * Merges into the latest unsent op of the same lane it conflicts with, when the action says the
   * merge is equivalent and no op in between can tell the difference: every other op it conflicts
   * with already waits for that earlier op, writes nothing it reads, and reads of its writes only
   * what the earlier op writes too (keys carry values, so those writes are the same). A company
   * between a user's two identifies then still sees the contact it would have seen.
   */
  private tryMerge(action: ActionDefinition, planned: PlannedOp, deps: Set<Op>, reads: Set<string>, writes: Set<string>, event: EventRecord): Op | undefined {
    if (this.opts.oneAtATime || !action.merge) return undefined;
    let prev: Op | undefined;
    for (const d of deps) if ((d.state === 'ready' || d.state === 'waiting') && d.lane.id === planned.lane && (!prev || d.id > prev.id)) prev = d;
    if (!prev || ![...deps].every((z) => z === prev || unaffected(z, prev!, reads, writes))) return undefined;
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
  async idle(): Promise<void> {
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

  private makeReady(op: Op): void {
    op.state = 'ready';
    op.readyAt = this.now();
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
      if ([...this.lanes.values()].some((l) => l.ready.length)) this.armTimer();
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
    // Held partial batches go once the backlog is gone: its requests belong to batches in flight,
    // whose ends pump again (and the partial-batch timer looks again meanwhile).
    if ((this.opts.backlog?.() ?? 0) > 0) return this.armTimer();
    const oldEnough = this.opts.partialAfterMs === undefined ? -Infinity : this.now() - this.opts.partialAfterMs;
    for (const lane of lanes) {
      while (this.inFlight < this.opts.maxInFlight && lane.ready.length > 0 && (this.flushing || lane.ready[0]!.readyAt <= oldEnough)) {
        this.dispatch(lane);
      }
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
    const batch = lane.ready.splice(0, lane.batchSize);
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

  private finish(batch: Op[], outcomes: OpOutcome[]): void {
    this.inFlight--;
    for (const w of this.quietWaiters.splice(0)) w();
    batch.forEach((op, i) => this.settle(op, outcomes[i] ?? NO_OUTCOME));
    if (!this.fatal) this.pump();
  }

  private wakeAll(): void {
    for (const w of this.drainWaiters.splice(0)) w();
    for (const w of this.roomWaiters.splice(0)) w.resolve();
  }

  private settle(op: Op, outcome: OpOutcome): void {
    op.outcome = outcome;
    op.state = 'done';
    this.unsettled--;
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

/** Whether `z`, between `prev` and a later op merged into it, sees the same whether the later op ran after it or with `prev`. */
function unaffected(z: Op, prev: Op, reads: Set<string>, writes: Set<string>): boolean {
  if (!prev.dependents.includes(z)) return false;
  for (const k of reads) if (z.writes.has(k)) return false;
  for (const k of writes) if (z.reads.has(k) && !prev.writes.has(k)) return false;
  return true;
}

const NO_OUTCOME: OpOutcome = { kind: 'failed', error: { kind: 'internal', message: 'internal error: the action gave this operation no outcome' } };

function internalFailure(err: unknown): OpOutcome {
  return { kind: 'failed', error: { kind: 'internal', message: `internal error: ${err instanceof Error ? err.message : String(err)}` } };
}
