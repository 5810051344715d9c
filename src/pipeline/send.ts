import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import chalk, { Chalk } from 'chalk';
import { EXIT_CANNOT_RUN, EXIT_OK, EXIT_SOME_FAILED, UserError } from '../errors.js';
import { apiBaseUrl } from '../hubspot/api.js';
import { DryRunTransport } from '../hubspot/dry-run-transport.js';
import type { Transport } from '../hubspot/transport.js';
import { loadMappingFile } from '../mapping/mapping-file.js';
import { formatProblem } from '../mapping/problems.js';
import type { SendFlags } from '../commands/send.js';
import type { EventRecord } from './ledger.js';
import { LineWriter } from './output.js';
import { prettyRequest } from './request-log.js';
import { runPipeline } from './run.js';
import { formatSummary } from './summary.js';
import { STDIN } from './read-lines.js';
import { liveTransport } from './live-transport.js';
import { ProgressLine } from './progress.js';

/** Failed events reported one by one on stderr before the rest are only counted. */
const MAX_REPORTED = 50;

export async function runSend(files: string[], flags: SendFlags): Promise<number> {
  const started = Date.now();
  const inputs = files.length ? files : [STDIN];
  if (inputs.includes(STDIN) && process.stdin.isTTY && !flags.quiet) {
    process.stderr.write('Reading events from the terminal, one JSON object a line (Ctrl-D to end). Give files to read them instead.\n');
  }
  checkInputs(inputs);
  const { file: mapping, problems } = loadMappingFile(flags.mapping);
  if (!mapping) {
    for (const p of problems) process.stderr.write(formatProblem(p) + '\n');
    throw new UserError(`${flags.mapping} has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was sent`, `fix them (\`hubspot-actions validate ${flags.mapping}\` checks the file alone)`);
  }
  const dryRun = !!flags.dryRun;
  if (!dryRun && flags.pretty) throw new UserError('--pretty only goes with --dry-run');
  const failedPath = flags.failed ?? (dryRun ? undefined : `hubspot-actions-failed-${new Date().toISOString().replace(/[:.]/g, '-')}.ndjson`);
  if (failedPath) checkWritableFolder(failedPath, '--failed');
  const baseUrl = apiBaseUrl(flags.baseUrl);
  const out = new LineWriter();
  let transport: Transport & { close?(): void };
  if (dryRun) transport = new DryRunTransport();
  else {
    transport = await liveTransport({
      baseUrl,
      token: flags.token,
      profile: flags.profile,
      rate: positive(flags.rate, '--rate'),
      concurrency: flags.oneAtATime ? 1 : positive(flags.concurrency, '--concurrency'),
    });
  }
  const color = chalk.level > 0 && !process.env.NO_COLOR && process.stdout.isTTY ? chalk : new Chalk({ level: 0 });

  let reported = 0;
  const reportFailure = (rec: EventRecord) => {
    if (flags.quiet || ++reported > MAX_REPORTED) return;
    for (const f of rec.failures) {
      const where = [f.mapping && `mapping "${f.mapping}"`, f.field && `field "${f.field}"`].filter(Boolean).join(', ');
      const hs = f.kind === 'hubspot' ? ` (HubSpot ${f.status ?? ''}${f.category ? ` ${f.category}` : ''}${f.correlationId ? `, correlationId ${f.correlationId}` : ''})` : '';
      process.stderr.write(`${rec.source.file}:${rec.source.line}: ${where ? where + ': ' : ''}${f.message}${hs}\n`);
    }
    if (reported === MAX_REPORTED) process.stderr.write(`(further failures are only counted${flags.failed || !dryRun ? '; all are in the failed-events file' : ''})\n`);
  };

  const stop = new AbortController();
  const onSigint = () => {
    if (stop.signal.aborted) {
      process.stderr.write('\nStopped at once; the checkpoint holds only what had finished.\n');
      process.exit(130);
    }
    stop.abort();
    process.stderr.write('\nFinishing the requests in flight, then writing the checkpoint (Ctrl-C again to stop at once)…\n');
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  // `send --dry-run … | head`: once the reader is gone, reading the rest would show nothing.
  out.onClosed = () => stop.abort();
  const progress = !flags.quiet && !dryRun && process.stderr.isTTY ? new ProgressLine(process.stderr) : undefined;
  try {
    const result = await runPipeline({
      inputs,
      mapping,
      transport,
      baseUrl,
      failedPath,
      checkpointPath: flags.checkpoint,
      forceResume: flags.forceResume,
      outcomesPath: flags.outcomes,
      oneAtATime: flags.oneAtATime,
      indexLagMs: indexLagMs(),
      onNotice: flags.quiet ? undefined : (text) => process.stderr.write(text + '\n'),
      partialAfterMs: dryRun && !inputs.includes(STDIN) ? undefined : 300,
      onRequest: dryRun ? (r) => out.line(flags.pretty ? prettyRequest(r, color) : JSON.stringify(r)) : undefined,
      onFailed: reportFailure,
      outputBackpressure: () => out.backpressure(),
      stopSignal: stop.signal,
      onProgress: progress ? (p) => progress.update(p) : undefined,
    });
    progress?.clear();
    await out.end();
    if (flags.json) process.stdout.write(JSON.stringify({ ...result, stoppedBy: result.stoppedBy?.message, elapsedMs: Date.now() - started }) + '\n');
    if (!flags.quiet && !out.readerGone) process.stderr.write(formatSummary(result, { dryRun, elapsedMs: Date.now() - started, checkpoint: !!flags.checkpoint }));
    if (result.stoppedBy || (result.interrupted && !out.readerGone)) return EXIT_CANNOT_RUN;
    return result.counts.failed > 0 ? EXIT_SOME_FAILED : EXIT_OK;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    transport.close?.();
  }
}

/** Every input is there before anything is sent: a missing second file must not stop a run halfway. */
function checkInputs(inputs: string[]): void {
  const problems = inputs.filter((f) => f !== STDIN).map((f) => [f, unreadable(f)] as const).filter(([, why]) => why);
  if (problems.length) {
    throw new UserError(`cannot read input file ${problems.map(([f, why]) => `${f} (${why})`).join(', ')}`, 'check the file names given to `send`; nothing was sent');
  }
}

function unreadable(f: string): string | undefined {
  try {
    accessSync(f, constants.R_OK);
    return statSync(f).isFile() ? undefined : 'not a file';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code ?? String(err);
  }
}

function checkWritableFolder(file: string, flag: string): void {
  const dir = path.dirname(path.resolve(file));
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UserError(`cannot write ${file}: its folder ${dir} does not exist or is not writable`, `give ${flag} a path in a folder you can write to; nothing was sent`);
  }
}

/** HUBSPOT_ACTIONS_SEARCH_SETTLE_MS: how long HubSpot's search may take to show a write. */
function indexLagMs(): number | undefined {
  const n = Number(process.env.HUBSPOT_ACTIONS_SEARCH_SETTLE_MS);
  return process.env.HUBSPOT_ACTIONS_SEARCH_SETTLE_MS !== undefined && Number.isFinite(n) && n >= 0 ? n : undefined;
}

function positive(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UserError(`${flag} must be a positive number, not "${value}"`);
  return n;
}
