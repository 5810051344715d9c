import type { FailureDetail, OpHandle, PerformContext, RunMemory } from '../actions/types.js';
import { HubSpotRunError } from '../errors.js';
import type { MappingFile } from '../mapping/mapping-file.js';
import type { Transport } from '../hubspot/transport.js';
import { RecentRecords } from '../actions/shared/recent-records.js';
import { Accounts, type Counts, type EventRecord } from './account.js';
import { checkResumable, readCheckpoint, writeCheckpoint, type Checkpoint } from './checkpoint.js';
import { FailedEventsFile } from './failed-events.js';
import { inputName, readLines, type ReadOptions, type ReadProgress } from './read-lines.js';
import { describeRequest, type LoggedRequest } from './request-log.js';
import { routeLine } from './route.js';
import { Scheduler, type Op } from './schedule.js';

export interface RunOptions {
  inputs: string[];
  mapping: MappingFile;
  transport: Transport;
  baseUrl: string;
  /** Receives every request before it is sent (the dry-run prints them). */
  onRequest?: (r: LoggedRequest) => void;
  failedPath?: string;
  checkpointPath?: string;
  /** Live runs send a partial batch after this long; a dry-run over files waits for full ones. */
  partialAfterMs?: number;
  maxInFlight?: number;
  /** Events held unfinished at once; reading waits beyond it, which keeps memory flat. */
  maxPendingEvents?: number;
  stdin?: ReadOptions['stdin'];
  /** Aborted to stop: reading ends, in-flight requests finish, the checkpoint is written. */
  stopSignal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** A promise to wait on before reading on, while the output lags behind. */
  outputBackpressure?: () => Promise<void> | undefined;
  /** Each failed event, as it becomes final. */
  onFailed?: (rec: EventRecord) => void;
}

export interface Progress {
  counts: Counts;
  requests: number;
  input: ReadProgress;
}

export interface RunResult {
  counts: Counts;
  requestsByAction: Record<string, number>;
  requests: number;
  failedFile?: string;
  stoppedBy?: HubSpotRunError;
  interrupted: boolean;
  resumedFrom?: { file: string; line: number };
  /** When the run stopped early: the first line not finished, from which a run must start again. */
  unfinishedFrom?: { file: string; line: number };
  alreadyComplete: boolean;
}

/** read → route → map → plan → schedule → send → account, for one run. */
export async function runPipeline(opts: RunOptions): Promise<RunResult> {
  const memory: RunMemory = { ids: new Map(), records: new RecentRecords(), flags: new Set() };
  const requestsByAction: Record<string, number> = {};
  let requests = 0;
  const failed = opts.failedPath ? new FailedEventsFile(opts.failedPath) : undefined;

  let checkpoint: Checkpoint | undefined;
  if (opts.checkpointPath) {
    checkpoint = readCheckpoint(opts.checkpointPath);
    if (checkpoint) {
      checkResumable(checkpoint, opts.inputs, opts.checkpointPath);
      for (const [k, v] of checkpoint.ids) memory.ids.set(k, v);
      memory.records = new RecentRecords(undefined, checkpoint.records ?? []);
      for (const f of checkpoint.flags) memory.flags.add(f);
    }
  }

  const accounts = new Accounts({
    onFinal: (rec: EventRecord) => {
      if (rec.outcome !== 'failed') return;
      failed?.write(rec);
      opts.onFailed?.(rec);
    },
  });
  const scheduler = new Scheduler({
    maxInFlight: opts.maxInFlight ?? 8,
    partialAfterMs: opts.partialAfterMs,
    isFatal: (err) => err instanceof HubSpotRunError,
    onSettled: (op) => accounts.opSettled(op),
    perform: (lane, ops) => lane.action.perform(ops, performContext),
  });

  const settle = (op: OpHandle, outcome: NonNullable<OpHandle['outcome']>) => {
    op.outcome ??= outcome;
  };
  /** What every action's perform gets: one for the run, since it holds nothing per batch. */
  const performContext: PerformContext = {
    run: memory,
    send: async (req, forOps) => {
      const action = forOps[0]?.action ?? 'unknown';
      requestsByAction[action] = (requestsByAction[action] ?? 0) + 1;
      requests++;
      opts.onRequest?.(describeRequest(opts.baseUrl, req, forOps as Op[]));
      return opts.transport.send(req);
    },
    deliver: (op) => settle(op, { kind: 'delivered' }),
    skip: (op, reason) => settle(op, { kind: 'skipped', reason }),
    fail: (op, error: FailureDetail) => settle(op, { kind: 'failed', error }),
  };

  let lastSave = 0;
  let saveCost = 0;
  const saveCheckpoint = (complete: boolean) => {
    if (!opts.checkpointPath) return;
    const began = Date.now();
    writeCheckpoint(opts.checkpointPath, {
      version: 1,
      inputs: opts.inputs,
      mapping: opts.mapping.path,
      resumeAt: accounts.resumePoint() ?? checkpoint?.resumeAt,
      complete,
      ids: [...memory.ids],
      records: memory.records.entries(),
      flags: [...memory.flags],
      updatedAt: new Date().toISOString(),
    });
    lastSave = Date.now();
    saveCost = lastSave - began;
  };
  // Written once before anything is sent, so a checkpoint that cannot be written stops the run
  // before it starts rather than in the middle.
  if (!opts.transport.readOnly) saveCheckpoint(!!checkpoint?.complete);
  // Once a second, but never more than a tenth of the time: the id map of a long backfill grows.
  // A write failing later (disk full) is reported by the final write, not by crashing mid-run.
  const checkpointTimer = opts.checkpointPath && !opts.transport.readOnly
    ? setInterval(() => {
        try {
          if (Date.now() - lastSave >= saveCost * 10) saveCheckpoint(false);
        } catch {
          lastSave = Date.now();
        }
      }, 1000)
    : undefined;
  checkpointTimer?.unref();
  const input: ReadProgress = { bytesRead: 0 };
  const progressTimer = opts.onProgress ? setInterval(() => opts.onProgress!({ counts: accounts.counts, requests, input }), 250) : undefined;
  progressTimer?.unref();

  const resumeAt = checkpoint?.complete ? { input: opts.inputs.length, line: 0 } : checkpoint?.resumeAt;
  const maxPending = opts.maxPendingEvents ?? 20_000;
  let interrupted = false;
  const route = { mappings: opts.mapping.mappings, settings: opts.mapping.settings, scheduler, accounts, latestOp: (alias: string) => scheduler.latestOp(alias) };
  try {
    for await (const line of readLines(opts.inputs, { resumeAt, stdin: opts.stdin, progress: input })) {
      if (opts.stopSignal?.aborted || scheduler.stoppedBy) break;
      routeLine(line, route);
      if (accounts.unfinished >= maxPending) await scheduler.room(() => accounts.unfinished < maxPending / 2);
      const lag = opts.outputBackpressure?.();
      if (lag) await lag;
    }
    if (!opts.stopSignal?.aborted) {
      const stop = opts.stopSignal;
      let onAbort = () => undefined as void;
      const aborted = new Promise<void>((resolve) => (onAbort = resolve));
      stop?.addEventListener('abort', onAbort, { once: true });
      await Promise.race([scheduler.drain(), aborted]);
      stop?.removeEventListener('abort', onAbort);
    }
    if (opts.stopSignal?.aborted) interrupted = true;
    // Stopped early (Ctrl-C, daily limit, credentials): the requests in flight finish first.
    if (interrupted || scheduler.stoppedBy) await scheduler.quiesce();
  } finally {
    if (checkpointTimer) clearInterval(checkpointTimer);
    if (progressTimer) clearInterval(progressTimer);
    scheduler.stop();
  }
  const stoppedBy = scheduler.stoppedBy instanceof HubSpotRunError ? scheduler.stoppedBy : undefined;
  if (!opts.transport.readOnly) saveCheckpoint(!stoppedBy && !interrupted);
  failed?.close();
  const at = (p: { input: number; line: number }) => ({ file: inputName(opts.inputs[p.input] ?? ''), line: p.line });
  const stopAt = stoppedBy || interrupted ? accounts.resumePoint() : undefined;
  return {
    unfinishedFrom: stopAt ? at(stopAt) : undefined,
    counts: accounts.counts,
    requestsByAction,
    requests,
    failedFile: failed && failed.count > 0 ? failed.path : undefined,
    stoppedBy,
    interrupted,
    resumedFrom: resumeAt && !checkpoint?.complete ? at(resumeAt) : undefined,
    alreadyComplete: !!checkpoint?.complete,
  };
}
