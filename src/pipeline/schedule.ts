import type { ActionDefinition, OpHandle, OpOutcome, PreparedOp } from '../actions/types.js';

/** An operation as the scheduler tracks it. */
export interface Op<D = any> extends OpHandle<D> {
  key?: string;
  lane: Lane;
  state: 'waiting' | 'ready' | 'inflight' | 'done';
  waitingOn: number;
  dependents: Op[];
  aliases: string[];
  /** When it became ready: a partial batch is sent once its oldest op has waited long enough. */
  readyAt: number;
}

export interface Lane {
  id: string;
  action: ActionDefinition;
  batchSize: number;
  ready: Op[];
}

export interface SchedulerOptions {
  /** Performs a batch; must settle every op (the scheduler fails any it leaves unsettled). */
  perform(lane: Lane, ops: Op[]): Promise<void>;
  /** Called once per op when its outcome is final. */
  onSettled(op: Op): void;
  /** Errors that stop the whole run instead of failing a batch's events (daily limit, credentials). */
  isFatal?(err: unknown): boolean;
  /** Batches in flight at once; the HTTP client has its own request limit below this. */
  maxInFlight: number;
  /** A partial batch goes out after its oldest op waited this long (live runs); undefined: only on flush. */
  partialAfterMs?: number;
  now?: () => number;
}

/**
 * Turns prepared operations into batches, keeping the promises the design makes:
 * operations on one key take effect in input order (a later one merges into an unsent earlier one,
 * or waits for it); an operation waits for the operations it depends on (a company for its
 * contact); batches fill per lane up to the action's size, and partial ones go when flushed.
 */
export class Scheduler {
  private lanes = new Map<string, Lane>();
  private lastByKey = new Map<string, Op>();
  private byAlias = new Map<string, Op>();
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
  private readonly now: () => number;

  constructor(private readonly opts: SchedulerOptions) {
    this.now = opts.now ?? Date.now;
  }

  latestOp(alias: string): Op | undefined {
    return this.byAlias.get(alias);
  }

  /** Adds an operation; returns the op that will carry it (an earlier one when merged). */
  submit(action: ActionDefinition, mappingName: string, prepared: PreparedOp): Op {
    const key = prepared.key;
    const prev = key ? this.lastByKey.get(key) : undefined;
    const after = (prepared.after ?? []) as Op[];
    if (
      prev && prev.state === 'ready' && action.merge && prev.lane.id === prepared.lane &&
      after.every((d) => d.state === 'done')
    ) {
      prev.data = action.merge(prev.data, prepared.data);
      this.alias(prev, prepared.aliases);
      return prev;
    }
    const lane = this.lane(prepared.lane, action, prepared.batchSize);
    const op: Op = {
      id: this.nextId++,
      action: action.name,
      mappingName,
      data: prepared.data,
      key,
      lane,
      state: 'waiting',
      waitingOn: 0,
      dependents: [],
      aliases: [],
      readyAt: 0,
    };
    this.unsettled++;
    const deps = new Set<Op>(after.filter((d) => d.state !== 'done'));
    if (prev && prev.state !== 'done') deps.add(prev);
    for (const d of deps) d.dependents.push(op);
    op.waitingOn = deps.size;
    if (key) this.lastByKey.set(key, op);
    this.alias(op, prepared.aliases);
    if (op.waitingOn === 0) this.makeReady(op);
    return op;
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
    while (this.inFlight > 0) await new Promise<void>((resolve) => this.quietWaiters.push(resolve));
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  private alias(op: Op, aliases: string[] | undefined): void {
    for (const a of aliases ?? []) {
      this.byAlias.set(a, op);
      op.aliases.push(a);
    }
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
    const lanes = [...this.lanes.values()];
    for (const lane of lanes) {
      while (this.inFlight < this.opts.maxInFlight && lane.ready.length >= lane.batchSize) this.dispatch(lane);
    }
    const oldEnough = this.opts.partialAfterMs === undefined ? -Infinity : this.now() - this.opts.partialAfterMs;
    for (const lane of lanes) {
      while (this.inFlight < this.opts.maxInFlight && lane.ready.length > 0 && (this.flushing || lane.ready[0]!.readyAt <= oldEnough)) {
        this.dispatch(lane);
      }
    }
  }

  private dispatch(lane: Lane): void {
    const batch = lane.ready.splice(0, lane.batchSize);
    for (const op of batch) op.state = 'inflight';
    this.inFlight++;
    this.opts.perform(lane, batch).then(
      () => this.finish(batch),
      (err: unknown) => {
        if (this.opts.isFatal?.(err)) {
          // The run stops; these ops stay unfinished so the checkpoint keeps their events for the resumed run.
          this.inFlight--;
          for (const w of this.quietWaiters.splice(0)) w();
          this.fatal ??= err;
          this.wakeAll();
          return;
        }
        for (const op of batch) if (!op.outcome) op.outcome = internalFailure(err);
        this.finish(batch);
      },
    );
  }

  private finish(batch: Op[]): void {
    this.inFlight--;
    for (const w of this.quietWaiters.splice(0)) w();
    for (const op of batch) this.settle(op);
    if (!this.fatal) this.pump();
  }

  private wakeAll(): void {
    for (const w of this.drainWaiters.splice(0)) w();
    for (const w of this.roomWaiters.splice(0)) w.resolve();
  }

  private settle(op: Op): void {
    if (!op.outcome) op.outcome = { kind: 'failed', error: { kind: 'internal', message: 'internal error: the action gave this operation no outcome' } };
    op.state = 'done';
    this.unsettled--;
    if (op.key && this.lastByKey.get(op.key) === op) this.lastByKey.delete(op.key);
    for (const a of op.aliases) if (this.byAlias.get(a) === op) this.byAlias.delete(a);
    this.opts.onSettled(op);
    for (const d of op.dependents) if (--d.waitingOn === 0) this.makeReady(d);
    op.dependents = [];
    if (this.unsettled === 0) for (const w of this.drainWaiters.splice(0)) w();
    if (this.roomWaiters.length) {
      this.roomWaiters = this.roomWaiters.filter((w) => (w.enough() ? (w.resolve(), false) : true));
    }
  }
}

function internalFailure(err: unknown): OpOutcome {
  return { kind: 'failed', error: { kind: 'internal', message: `internal error: ${err instanceof Error ? err.message : String(err)}` } };
}
