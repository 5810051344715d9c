import { realpathSync, rmSync } from 'node:fs';
import path from 'node:path';
import { SEARCH_SETTLE_MS } from '../actions/shared/lost-answer.js';
import type { RunOrder } from '../actions/types.js';
import { RecentIds, RecentRecords, type PipelineMemory } from './run-memory.js';
import { HubSpotRunError, UserError } from '../errors.js';
import { apiPaths } from '../hubspot/api.js';
import type { Transport } from '../hubspot/transport.js';
import type { MappingFile } from '../mapping/mapping-file.js';
import { CheckpointKeeper } from './checkpoint-keeper.js';
import { CheckpointLock } from './checkpoint-lock.js';
import { checkResumable, fingerprint, readCheckpoint, type Checkpoint } from './checkpoint.js';
import type { ReadAt } from './event-log-file.js';
import { FailedEventsFile } from './failed-events.js';
import { EventLedger, type Counts, type EventRecord } from './ledger.js';
import { JournaledIds, OpJournal, positionKey, type JournalEntry } from './op-journal.js';
import { OutcomesFile } from './outcomes-file.js';
import { isBlank, parseEvent } from './parse-event.js';
import { performer } from './perform.js';
import { planEvent, type PlanStage } from './plan.js';
import { inputName, readLineChunks, STDIN, type InputLine, type ReadOptions, type ReadProgress } from './read-lines.js';
import type { LoggedRequest } from './request-log.js';
import { noRouteReason, route } from './route.js';
import { Scheduler, type Op, type SchedulerOptions } from './schedule.js';
import { moversIn, searchableIn } from './searchable.js';

export interface RunOptions {
  inputs: string[];
  mapping: MappingFile;
  transport: Transport;
  baseUrl: string;
  /** Receives every request before it is sent, with the operations it serves (the dry-run prints them). */
  onRequest?: (r: LoggedRequest, ops: readonly Op[]) => void;
  failedPath?: string;
  /** `--outcomes`: one line per event as it becomes final. */
  outcomesPath?: string;
  checkpointPath?: string;
  /** Resume although the mapping file or the inputs' data changed since the checkpoint was written. */
  forceResume?: boolean;
  /** Live runs send a partial batch after this long; a dry-run over files waits for full ones. */
  partialAfterMs?: number;
  maxInFlight?: number;
  /** Events held unfinished at once; reading waits beyond it, which keeps memory flat. */
  maxPendingEvents?: number;
  /** The reference mode: one event at a time, one request at a time, no batching, no merging. */
  oneAtATime?: boolean;
  /** How long HubSpot's search may take to show a write; a run resumed after a kill waits this long first. */
  indexLagMs?: number;
  stdin?: ReadOptions['stdin'];
  /** Lines longer than this are failed unread (default 16 MiB), so memory stays bounded. */
  maxLineBytes?: number;
  /** `--limit`: reading stops after this many events (blank lines not counted). */
  limit?: number;
  /** Aborted to stop: reading ends, in-flight requests finish, the checkpoint is written. */
  stopSignal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** Things worth telling a person while the run goes (a wait and its reason). */
  onNotice?: (text: string) => void;
  /**
   * Each line's batches are answered before the next line is planned (a dry-run, whose answers
   * need no network): what it prints then depends on the input alone, not on when its output is
   * read (a file, a pipe, a terminal) and so when its reading paused.
   */
  settleEachLine?: boolean;
  /** A promise to wait on before reading on, while the output lags behind. */
  outputBackpressure?: () => Promise<void> | undefined;
  /** Each failed event, as it becomes final. */
  onFailed?: (rec: EventRecord) => void;
  /** Every event, as it becomes final and is recorded (`--dry-run --pretty` prints it with its requests). */
  onFinal?: (rec: EventRecord) => void;
}

export interface Progress {
  counts: Counts;
  requests: number;
  input: ReadProgress;
}

/** Why a run stopped before the end of its input. */
export type StopReason = HubSpotRunError | UserError;

export interface RunResult {
  counts: Counts;
  /** Events read whose outcome is not final (a stopped run): they are resumed. */
  unfinished: number;
  requestsByAction: Record<string, number>;
  requests: number;
  failedFile?: string;
  stoppedBy?: StopReason;
  interrupted: boolean;
  resumedFrom?: { file: string; line: number };
  /** When the run stopped early: the first line not finished, from which a run must start again. */
  unfinishedFrom?: { file: string; line: number };
  alreadyComplete: boolean;
}

/** read → route → map → plan → schedule → send → account, for one run. */
export async function runPipeline(opts: RunOptions): Promise<RunResult> {
  refuseOverlaps(opts);
  const lock = opts.checkpointPath && !opts.transport.readOnly ? CheckpointLock.take(opts.checkpointPath) : undefined;
  try {
    return await runLocked(opts);
  } finally {
    lock?.release();
  }
}

async function runLocked(opts: RunOptions): Promise<RunResult> {
  const memory: PipelineMemory = { ids: new RecentIds(), records: new RecentRecords(undefined, [], searchableIn(opts.mapping.mappings)), flags: new Set() };
  const checkpoint = opts.checkpointPath ? resumeFrom(opts, memory) : undefined;
  // A checkpoint saved before the run had read anything has no mark: its run resumes from the start,
  // and still restores what it journaled (a kill within the first second left settled ops there).
  const resumeAt: ReadAt | undefined = checkpoint?.complete ? { input: opts.inputs.length, line: 0 } : checkpoint ? (checkpoint.resumeAt ?? FIRST_LINE) : undefined;
  const stop = new RunStop(opts.stopSignal);
  const files = new EventFiles(opts, resumeAt);
  const ledger = new EventLedger({ onFinal: (rec) => files.record(rec, stop) });
  const { journaled, journal } = openJournal(opts, checkpoint, resumeAt, memory);
  // One at a time, nothing else is unsettled: no batch asks the order.
  const send = performerFor(opts, memory, () => (opts.oneAtATime ? undefined : scheduler));
  const scheduler = schedulerFor(opts, ledger, send.perform, journal, stop);
  const keeper = keeperFor(opts, memory, ledger, checkpoint, stop, journal);
  keeper?.start(!!checkpoint?.complete);
  const input: ReadProgress = { bytesRead: 0 };
  const progressTimer = progressEvery250ms(opts, () => ({ counts: ledger.counts, requests: send.counts.total, input }));
  let limited = false;
  try {
    if (checkpoint && !checkpoint.complete) await waitOutIndexLag(opts, checkpoint, stop.signal);
    const readEnd = await readAll(opts, resumeAt, input, { settings: opts.mapping.settings, scheduler, ledger, searchable: memory.records.searchable, movers: moversIn(opts.mapping.mappings, memory.records.searchable) }, stop.signal, journaled);
    limited = readEnd === 'limit';
    if (!stop.signal.aborted) await Promise.race([scheduler.drain(), aborted(stop.signal)]);
    if (readEnd instanceof UserError) stop.with(readEnd);
    // Stopped early (Ctrl-C, daily limit, a file that cannot be written): the requests in flight finish first.
    if (stop.signal.aborted || scheduler.stoppedBy) await scheduler.quiesce();
  } finally {
    stop.detach();
    if (progressTimer) clearInterval(progressTimer);
    keeper?.stop();
    scheduler.stop();
  }
  if (scheduler.stoppedBy instanceof HubSpotRunError) stop.with(scheduler.stoppedBy);
  // A run stopped by --limit is not complete: its checkpoint resumes after the events it read.
  const finished = !stop.reason && !stop.interrupted && !limited;
  try {
    keeper?.finish({ complete: finished, clean: true });
  } catch (err) {
    stop.with(err);
  }
  files.close();
  journal?.close();
  if (finished && opts.checkpointPath) rmSync(journalPath(opts.checkpointPath), { force: true });
  const at = (p: ReadAt) => ({ file: inputName(opts.inputs[p.input] ?? ''), line: p.line });
  const stopAt = finished ? undefined : ledger.resumePoint();
  return {
    unfinishedFrom: stopAt ? at(stopAt) : undefined,
    counts: ledger.counts,
    unfinished: ledger.unfinished,
    requestsByAction: send.counts.byAction,
    requests: send.counts.total,
    failedFile: files.failedFile,
    stoppedBy: stop.reason,
    interrupted: stop.interrupted,
    resumedFrom: resumeAt && !checkpoint?.complete ? at(resumeAt) : undefined,
    alreadyComplete: !!checkpoint?.complete,
  };
}

/** With a checkpoint: what an earlier run journaled (its finished ops, the ids it learned), and this run's journal. */
function openJournal(opts: RunOptions, checkpoint: Checkpoint | undefined, resumeAt: ReadAt | undefined, memory: PipelineMemory) {
  if (!opts.checkpointPath || opts.transport.readOnly) return { journaled: new Map<string, JournalEntry[]>(), journal: undefined };
  const path = journalPath(opts.checkpointPath);
  const earlier = checkpoint && !checkpoint.complete ? OpJournal.load(path, resumeAt) : { done: new Map<string, JournalEntry[]>(), ids: [] };
  // What the earlier run finished beyond the mark stays journaled until this run passes it.
  const journal = new OpJournal(path, [...earlier.done.values()].flat());
  for (const [k, v] of earlier.ids) memory.ids.set(k, v);
  // Until this run's first checkpoint save holds them, the earlier run's ids stay journaled.
  for (const [k, v] of earlier.ids) journal.rememberId(k, v);
  memory.ids = new JournaledIds(journal, memory.ids);
  return { journaled: earlier.done, journal };
}

/** The send stage of a run over its transport. */
function performerFor(opts: RunOptions, memory: PipelineMemory, order: () => RunOrder | undefined): ReturnType<typeof performer> {
  return performer({
    memory,
    transport: opts.transport,
    baseUrl: opts.baseUrl,
    paths: apiPaths(opts.mapping.settings.apiVersion),
    onRequest: opts.onRequest,
    searchSettleMs: opts.indexLagMs ?? SEARCH_SETTLE_MS,
    order,
  });
}

/** The scheduler of a run: a settled op is journaled (with a checkpoint) before the ledger counts it. */
function schedulerFor(opts: RunOptions, ledger: EventLedger, perform: SchedulerOptions['perform'], journal: OpJournal | undefined, stop: RunStop): Scheduler {
  return new Scheduler({
    maxInFlight: opts.maxInFlight ?? 8,
    partialAfterMs: opts.partialAfterMs,
    backlog: opts.transport.backlog?.bind(opts.transport),
    oneAtATime: opts.oneAtATime,
    // A dry-run looks nothing up, so it has nothing to look at again.
    watched: opts.transport.looksNothingUp ? [] : [...new Set(opts.mapping.mappings.flatMap((m) => m.action.looksAgain ?? []))],
    isFatal: (err) => err instanceof HubSpotRunError,
    onSettled: (op) => {
      try {
        journal?.record(op, op.events);
      } catch (err) {
        // Not journaled, so not counted: its events stay unfinished and the run stops before them.
        return stop.with(err);
      }
      ledger.opSettled(op, op.events);
    },
    perform,
  });
}

/** Live runs with --checkpoint keep it current; a dry-run writes none. */
function keeperFor(opts: RunOptions, memory: PipelineMemory, ledger: EventLedger, checkpoint: Checkpoint | undefined, stop: RunStop, journal?: OpJournal): CheckpointKeeper | undefined {
  if (!opts.checkpointPath || opts.transport.readOnly) return undefined;
  return new CheckpointKeeper({
    path: opts.checkpointPath,
    inputs: opts.inputs,
    mapping: opts.mapping.path,
    fingerprint: fingerprint(opts.mapping.path, opts.inputs),
    memory,
    resumePoint: () => ledger.resumePoint(),
    startedAt: checkpoint?.resumeAt ?? FIRST_LINE,
    onFailure: (err) => stop.with(err),
    afterSave: (mark) => journal?.compact(mark),
  });
}

const journalPath = (checkpoint: string) => `${checkpoint}.journal`;

const FIRST_LINE: ReadAt = { input: 0, line: 1 };

function progressEvery250ms(opts: RunOptions, now: () => Progress): NodeJS.Timeout | undefined {
  if (!opts.onProgress) return undefined;
  const timer = setInterval(() => opts.onProgress!(now()), 250);
  timer.unref();
  return timer;
}

/** How a run is stopped: by the caller's signal (Ctrl-C), or from within with a reason. */
class RunStop {
  private readonly controller = new AbortController();
  reason?: StopReason;
  private readonly onInterrupt = () => this.controller.abort();

  constructor(private readonly interruptedBy?: AbortSignal) {
    interruptedBy?.addEventListener('abort', this.onInterrupt, { once: true });
    if (interruptedBy?.aborted) this.controller.abort();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get interrupted(): boolean {
    return !!this.interruptedBy?.aborted;
  }

  with(err: unknown): void {
    this.reason ??= err instanceof HubSpotRunError || err instanceof UserError ? err : new UserError(String(err));
    this.controller.abort();
  }

  detach(): void {
    this.interruptedBy?.removeEventListener('abort', this.onInterrupt);
  }
}

/** The failed-events and outcomes files: a final event is recorded in both before it counts. */
class EventFiles {
  private readonly failed?: FailedEventsFile;
  private readonly outcomes?: OutcomesFile;

  constructor(private readonly opts: RunOptions, resumeAt: ReadAt | undefined) {
    this.failed = opts.failedPath ? new FailedEventsFile(opts.failedPath, opts.inputs, resumeAt) : undefined;
    this.outcomes = opts.outcomesPath ? new OutcomesFile(opts.outcomesPath, opts.inputs, resumeAt) : undefined;
  }

  /** False when a file could not be written: the run stops and the event stays unfinished. */
  record(rec: EventRecord, stop: RunStop): boolean {
    try {
      if (rec.outcome === 'failed') this.failed?.write(rec);
      this.outcomes?.write(rec);
    } catch (err) {
      stop.with(err);
      return false;
    }
    if (rec.outcome === 'failed') this.opts.onFailed?.(rec);
    this.opts.onFinal?.(rec);
    return true;
  }

  get failedFile(): string | undefined {
    return this.failed && this.failed.count > 0 ? this.failed.path : undefined;
  }

  close(): void {
    this.failed?.close();
    this.outcomes?.close();
  }
}

const NONE_DONE: readonly JournalEntry[] = [];

/**
 * The read loop: each line through read → route → map → plan, handed to the scheduler. Reading
 * waits while too many events are unfinished or the output lags. A read that fails (a truncated
 * .gz) ends reading, not the run: the events already read are finished first.
 */
async function readAll(
  opts: RunOptions,
  resumeAt: ReadAt | undefined,
  progress: ReadProgress,
  stage: PlanStage,
  stop: AbortSignal,
  journaled: ReadonlyMap<string, JournalEntry[]>,
): Promise<UserError | 'limit' | undefined> {
  const { ledger, scheduler } = stage;
  const maxPending = opts.oneAtATime ? 1 : opts.maxPendingEvents ?? 20_000;
  try {
    for await (const lines of readLineChunks(opts.inputs, { resumeAt, stdin: opts.stdin, progress, maxLineBytes: opts.maxLineBytes })) {
      for (const line of lines) {
        if (stop.aborted || scheduler.stoppedBy) return undefined;
        if (isBlank(line)) continue;
        if (opts.limit !== undefined && ledger.counts.read >= opts.limit) return 'limit';
        const notNdjson = line.line === 1 ? notNdjsonReason(line) : undefined;
        if (notNdjson) return notNdjson;
        takeLine(opts, line, stage, journaled);
        if (opts.settleEachLine) await scheduler.idle();
        if (ledger.unfinished >= maxPending) await scheduler.room(() => ledger.unfinished < Math.max(1, maxPending / 2));
        const lag = opts.outputBackpressure?.();
        if (lag) await lag;
      }
    }
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  return undefined;
}

/**
 * A file that is one JSON document (an array, or pretty-printed) instead of one event per line would
 * give an error for every line: said once, with the conversion, and reading stops there.
 */
function notNdjsonReason(line: InputLine): UserError | undefined {
  const t = line.text.trim();
  let array = false;
  if (t.startsWith('[')) {
    try {
      array = Array.isArray(JSON.parse(t));
    } catch {
      array = t === '[';
    }
  }
  if (!array && t !== '{') return undefined;
  return new UserError(
    `${line.file} is not NDJSON (one JSON event per line): it starts as ${array ? 'a JSON array' : 'pretty-printed JSON'}`,
    `convert it first, e.g. \`jq -c '${array ? '.[]' : '.'}' ${line.file} > events.ndjson\`, and send that file`,
  );
}

/** One line through parse → route → map → plan: its event is begun in the ledger and sealed. */
function takeLine(opts: RunOptions, line: InputLine, stage: PlanStage, journaled: ReadonlyMap<string, JournalEntry[]>): void {
  const { ledger } = stage;
  const rec = ledger.begin(line.input, { file: line.file, line: line.line });
  const parsed = parseEvent(line);
  rec.origin = parsed.origin;
  if (!parsed.ok) {
    rec.raw = parsed.raw;
    rec.rawBytes = parsed.rawBytes;
    ledger.fail(rec, { kind: 'invalid', message: parsed.reason });
  } else {
    rec.event = parsed.event;
    rec.messageId = parsed.messageId;
    rec.onlyMappings = parsed.onlyMappings;
    // Only a resumed run has journaled lines: the others build no key per line to look one up.
    const done = journaled.size ? (journaled.get(positionKey(line)) ?? NONE_DONE) : NONE_DONE;
    for (const e of done) restore(ledger, rec, e);
    const routed = route(opts.mapping.mappings, parsed.event, parsed.onlyMappings);
    const mappings = done.length ? routed.filter((m) => !done.some((e) => e.mapping === m.name)) : routed;
    if (mappings.length) planEvent(rec, parsed.event, parsed.stableId, mappings, stage);
    else if (!done.length) ledger.skip(rec, noRouteReason(parsed.onlyMappings));
  }
  ledger.seal(rec);
}

/** A mapping the interrupted run finished for this event: its outcome is taken, not made again. */
function restore(ledger: EventLedger, rec: EventRecord, e: JournalEntry): void {
  ledger.matched(e.mapping);
  ledger.attach(rec);
  ledger.opSettled({ mappingName: e.mapping, action: e.action, outcome: e.outcome }, [rec]);
}

function resumeFrom(opts: RunOptions, memory: PipelineMemory): Checkpoint | undefined {
  const checkpoint = readCheckpoint(opts.checkpointPath!);
  if (!checkpoint) return undefined;
  checkResumable(checkpoint, opts.inputs, fingerprint(opts.mapping.path, opts.inputs), opts.checkpointPath!, !!opts.forceResume);
  for (const [k, v] of checkpoint.ids) memory.ids.set(k, v);
  // The records a stopped run found or wrote are not taken back: its memory includes what events
  // beyond the mark wrote, which an event replayed before them must not see (a 'deal updates' event
  // would find a deal a later line created). HubSpot's search, once it has caught up, is asked instead.
  for (const f of checkpoint.flags) memory.flags.add(f);
  return checkpoint;
}

/**
 * The stopped run's last writes may not show in HubSpot's search yet, and the resumed run asks the
 * search (not the stopped run's memory) what exists: after a kill it waits out the whole index lag;
 * after a clean stop only what is left of it since the checkpoint was saved.
 */
async function waitOutIndexLag(opts: RunOptions, checkpoint: Checkpoint, stop: AbortSignal): Promise<void> {
  const lag = opts.indexLagMs ?? SEARCH_SETTLE_MS;
  const since = Date.now() - Date.parse(checkpoint.updatedAt);
  const ms = checkpoint.clean ? (Number.isFinite(since) ? Math.max(0, lag - since) : lag) : lag;
  if (ms <= 0) return;
  const why = checkpoint.clean ? 'The previous run on this checkpoint stopped moments ago' : 'The previous run on this checkpoint did not stop cleanly';
  opts.onNotice?.(`${why}: waiting ${(ms / 1000).toFixed(1)} s for HubSpot's search to show its last writes before resuming.`);
  await Promise.race([new Promise((resolve) => setTimeout(resolve, ms)), aborted(stop)]);
}

function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** A file the run writes that is also one it reads, or two outputs on one path, would eat itself. */
function refuseOverlaps(opts: RunOptions): void {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  const outputs = [
    ['--failed', opts.failedPath],
    ['--outcomes', opts.outcomesPath],
    ['--checkpoint', opts.checkpointPath],
  ].filter((o): o is [string, string] => !!o[1]);
  const inputs = new Set(opts.inputs.filter((i) => i !== STDIN).map(real));
  const seen = new Map<string, string>();
  for (const [flag, file] of outputs) {
    const p = real(file);
    if (inputs.has(p)) throw new UserError(`${flag} ${file} is also an input of this run`, `give ${flag} another path: the run would read what it writes`);
    const other = seen.get(p);
    if (other) throw new UserError(`${flag} and ${other} name the same file ${file}`, 'give each its own path');
    seen.set(p, flag);
  }
}
