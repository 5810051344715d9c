import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { readSecretFromStdin } from '../../auth/prompt.js';
import { forPeople } from '../../for-people.js';
import chalk, { Chalk, type ChalkInstance } from 'chalk';
import { Interrupted, Reported, SomeEventsFailed, UserError } from '../../errors.js';
import { apiBaseUrl, requestedApiBaseUrl } from '../../hubspot/api.js';
import { DryRunTransport } from '../../hubspot/dry-run-transport.js';
import type { HubSpotClient } from '../../hubspot/client.js';
import type { Transport } from '../../hubspot/transport.js';
import { loadMappingFile, type MappingFile } from '../../mapping/mapping-file.js';
import { formatProblem } from '../../mapping/problems.js';
import type { EventRecord } from '../../pipeline/ledger.js';
import { LineWriter } from '../../pipeline/output.js';
import { ProgressLine } from '../../pipeline/progress.js';
import { STDIN } from '../../pipeline/read-lines.js';
import { EventGroups } from '../../pipeline/event-groups.js';
import { runPipeline, type RunResult } from '../../pipeline/run.js';
import { formatSummary } from '../../pipeline/summary.js';
import type { Factory, HttpClientOptions } from '../factory.js';
import type { PlanMode } from '../plan/plan-mode.js';
import type { IOStreams } from '../io.js';
import { checkInputs, checkWritableFolder, stdinIsEmpty } from './checks.js';
import { describeExchange, verbosity } from './verbose.js';
import { WaitWatch } from './waiting.js';
import { apiVersionFlag, positive, type SendFlags } from './flags.js';

/** Failed events reported one by one on stderr before the rest are only counted. */
const MAX_REPORTED = 50;

export interface SendOptions {
  files: string[];
  flags: SendFlags;
  factory: Factory;
}

/** What the flags and files say to do, checked before any credential is looked at. */
interface SendPlan {
  inputs: string[];
  mapping: MappingFile;
  dryRun: boolean;
  failedPath?: string;
  baseUrl: string;
  rate?: number;
  concurrency?: number;
  maxLineBytes?: number;
  /** --limit: stop after this many events. */
  limit?: number;
  /** --verbose: 1 every HTTP exchange, 2 with bodies. */
  verbose?: 1 | 2;
  /** `--plan`: the read-only transport and its report. */
  planMode?: PlanMode;
}

export async function runSend(o: SendOptions): Promise<void> {
  const started = Date.now();
  const { io } = o.factory;
  let plan = planSend(o.files, o.flags, io);
  // Resolved once: --token - reads stdin, and the preflight must ask about the token the run sends with.
  const who = plan.dryRun ? undefined : await credentialWanted(o, plan);
  const live = who ? await openClient(o, plan, who) : undefined;
  let transport: Transport & { close?(): void } = new DryRunTransport();
  if (live && who) {
    // A stored login sends to the host it was issued by, which may not be the default.
    plan = { ...plan, baseUrl: live.client.baseUrl };
    ({ plan, transport } = await checkPortal(plan, o, live.client, who));
  }
  try {
    const { result, readerGone } = await execute(plan, o.flags, transport, io, live?.waits);
    const elapsedMs = Date.now() - started;
    const summarised = plan.planMode ? await reportPlan(plan.planMode, result, o.flags, io) : report(result, elapsedMs, o.flags, plan.dryRun, readerGone, io);
    const outcome = outcomeOf(result, readerGone);
    // The summary said why the run stopped; without it (--quiet) cli.ts must say it.
    if (outcome) throw summarised || outcome instanceof SomeEventsFailed || outcome instanceof Interrupted ? new Reported(outcome) : outcome;
  } finally {
    transport.close?.();
  }
}

/**
 * The preflight checks (unless --no-preflight), made before the first request of a live run; for
 * --plan at once, with the read-only transport over the client.
 */
async function checkPortal(plan: SendPlan, o: SendOptions, client: Transport & { close?(): void }, who: CredentialWanted): Promise<{ plan: SendPlan; transport: Transport & { close?(): void } }> {
  if (!o.flags.plan && o.flags.preflight === false) return { plan, transport: client };
  const { runPreflight, stopOrWarn } = await import('../plan/preflight.js');
  const credential = () => o.factory.credential(who);
  const preflight = async () => runPreflight({ mapping: plan.mapping, inputs: plan.inputs, transport: client, credential: await credential() });
  if (!o.flags.plan) {
    const { PreflightGate } = await import('../plan/preflight-gate.js');
    return { plan, transport: new PreflightGate(client, async () => stopOrWarn(await preflight(), o.factory.io.say, !!o.flags.quiet, o.flags.mapping)) };
  }
  const { PlanMode } = await import('../plan/plan-mode.js');
  const planMode = new PlanMode(client, await preflight());
  return { plan: { ...plan, planMode }, transport: planMode.transport };
}

/** --plan prints the plan on stdout (JSON with --json); the summary file gets the JSON too. */
async function reportPlan(mode: PlanMode, result: RunResult, flags: SendFlags, io: IOStreams): Promise<boolean> {
  const { json, text } = await mode.report(result);
  if (flags.summaryFile) writeSummaryChunks(flags.summaryFile, json());
  if (flags.json) for (const chunk of json()) io.stdout.write(chunk);
  else io.stdout.write(text());
  return !flags.quiet;
}

/**
 * The end-of-run summary: JSON for --json and --summary-file, text on stderr for people. A
 * dry-run's stdout is its request lines only, so there --json goes to stderr instead of the text.
 * Returns whether a person was told how the run ended.
 */
function report(result: RunResult, elapsedMs: number, flags: SendFlags, dryRun: boolean, readerGone: boolean, io: IOStreams): boolean {
  const json = JSON.stringify({ ...result, stoppedBy: result.stoppedBy?.message, elapsedMs }) + '\n';
  if (flags.summaryFile) writeSummaryFile(flags.summaryFile, json);
  if (flags.json && !dryRun) io.stdout.write(json);
  if (flags.quiet || readerGone) return false;
  io.stderr.write(flags.json && dryRun ? json : forPeople(formatSummary(result, { dryRun, elapsedMs, checkpoint: !!flags.checkpoint })));
  return true;
}

function writeSummaryChunks(file: string, chunks: Iterable<string>): void {
  try {
    const fd = openSync(file, 'w');
    try {
      for (const c of chunks) writeSync(fd, c);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    throw new UserError(`cannot write the summary to ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, 'the run itself is over; its failed events and checkpoint were written as usual');
  }
}

function writeSummaryFile(file: string, json: string): void {
  try {
    writeFileSync(file, json);
  } catch (err) {
    throw new UserError(`cannot write the summary to ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, 'the run itself is over; its failed events and checkpoint were written as usual');
  }
}

/** Which credential, and which host it was asked for: the same for the client and the preflight. */
type CredentialWanted = Pick<HttpClientOptions, 'requestedBaseUrl' | 'token' | 'profile'>;

async function credentialWanted(o: SendOptions, plan: SendPlan): Promise<CredentialWanted> {
  const { io } = o.factory;
  return {
    requestedBaseUrl: requestedApiBaseUrl(o.flags.baseUrl, io.env, { insecureHttp: o.flags.insecureHttp }),
    token: await givenToken(o.flags, plan.inputs, io),
    profile: o.flags.profile,
  };
}

async function openClient(o: SendOptions, plan: SendPlan, who: CredentialWanted): Promise<{ client: HubSpotClient; waits: WaitWatch }> {
  const { io } = o.factory;
  // The watch is handed to the client it watches: it reads the stats only once the run goes.
  const opened: { client?: HubSpotClient } = {};
  const waits = new WaitWatch(() => opened.client!.stats());
  const client = await o.factory.httpClient({
    ...who,
    rate: plan.rate,
    concurrency: plan.concurrency,
    timeoutMs: envNumber(io.env, 'HUBSPOT_ACTIONS_TIMEOUT_MS'),
    searchPerSecond: envNumber(io.env, 'HUBSPOT_ACTIONS_SEARCH_PER_SECOND'),
    onRetry: waits.onRetry,
    onExchange: plan.verbose ? (x) => io.say(describeExchange(x, plan.verbose!)) : undefined,
  });
  opened.client = client;
  return { client, waits };
}

/** --token, --token - (stdin) or --token-file: the last two keep the token out of `ps` and shell history. */
async function givenToken(flags: SendFlags, inputs: string[], io: IOStreams): Promise<string | undefined> {
  if (flags.token !== undefined && flags.tokenFile !== undefined) throw new UserError('give the token once: --token or --token-file, not both');
  if (flags.tokenFile !== undefined) return readTokenFile(flags.tokenFile);
  if (flags.token !== '-') return flags.token;
  if (inputs.includes(STDIN)) {
    throw new UserError('--token - reads the token from stdin, which also carries the events here', 'give the events as files, or put the token in a file and use --token-file <file>');
  }
  return readSecretFromStdin(io.stdin, 'token', 'echo "$TOKEN" | hubspot-actions send events.ndjson -m m.yaml --token -');
}

function readTokenFile(file: string): string {
  let token: string;
  try {
    token = readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new UserError(`cannot read the token file ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, 'give --token-file a file holding the access token alone');
  }
  if (!token || /\s/.test(token)) throw new UserError(`the token file ${file} ${token ? 'holds more than one word' : 'is empty'}`, 'it must hold the access token alone, on one line');
  return token;
}

function planSend(files: string[], flags: SendFlags, io: IOStreams): SendPlan {
  const inputs = files.length ? files : [STDIN];
  if (inputs.includes(STDIN) && io.stdinIsTTY && !flags.quiet) {
    io.say('Reading events from the terminal, one JSON object a line (Ctrl-D to end). Give files to read them instead.');
  }
  checkInputs(inputs);
  const apiVersion = apiVersionFlag(flags.apiVersion);
  const { file: loaded, problems } = loadMappingFile(flags.mapping);
  if (!loaded) {
    for (const p of problems) io.say(formatProblem(p));
    throw new UserError(`${flags.mapping} has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was sent`, `fix them (\`hubspot-actions validate ${flags.mapping}\` checks the file alone)`);
  }
  // The flag wins over the file's settings.apiVersion; the run and its preflight read it from here.
  const mapping = onlyMappings(apiVersion ? { ...loaded, settings: { ...loaded.settings, apiVersion } } : loaded, flags.onlyMapping);
  const dryRun = !!flags.dryRun;
  checkPlanFlags(flags);
  // Checked in dry-runs too: a dry-run is how a command line is tried before it goes live.
  const rate = positive(flags.rate, '--rate');
  const concurrency = flags.oneAtATime ? 1 : positive(flags.concurrency, '--concurrency', { whole: true });
  if (!dryRun && flags.pretty) throw new UserError('--pretty only goes with --dry-run');
  const failedPath = flags.failed ?? (dryRun || flags.plan ? undefined : `hubspot-actions-failed-${new Date().toISOString().replace(/[:.]/g, '-')}.ndjson`);
  if (failedPath) checkWritableFolder(failedPath, '--failed');
  if (flags.summaryFile) checkWritableFolder(flags.summaryFile, '--summary-file');
  const maxLineBytes = positive(flags.maxLineBytes, '--max-line-bytes', { whole: true });
  const limit = positive(flags.limit, '--limit', { whole: true });
  const baseUrl = apiBaseUrl(flags.baseUrl, io.env, { insecureHttp: flags.insecureHttp });
  return { inputs, mapping, dryRun, failedPath, baseUrl, rate, concurrency, maxLineBytes, limit, verbose: verbosity(flags.verbose) };
}

/** `--only-mapping a,b` (repeatable): a quick check of some mappings of a big file; a name not in it is refused. */
function onlyMappings(file: MappingFile, names: string[] | undefined): MappingFile {
  if (!names?.length) return file;
  const wanted = new Set(names.flatMap((n) => n.split(',')).map((n) => n.trim()).filter(Boolean));
  const known = new Set(file.mappings.map((m) => m.name));
  const unknown = [...wanted].filter((n) => !known.has(n));
  if (unknown.length) {
    throw new UserError(`--only-mapping names no mapping of ${file.path}: ${unknown.map((n) => `"${n}"`).join(', ')}`, `its mappings are ${[...known].map((n) => `"${n}"`).join(', ')}`);
  }
  return { ...file, mappings: file.mappings.filter((m) => wanted.has(m.name)) };
}

/** --plan writes nothing: flags about what a live run writes make no sense with it. */
function checkPlanFlags(flags: SendFlags): void {
  if (!flags.plan) return;
  const clash = [flags.dryRun && '--dry-run', flags.checkpoint && '--checkpoint', flags.failed && '--failed', flags.outcomes && '--outcomes', flags.pretty && '--pretty', flags.preflight === false && '--no-preflight'].filter(Boolean);
  if (clash.length) throw new UserError(`--plan does not go with ${clash.join(', ')}`, '--plan writes nothing to HubSpot or to files and always runs the preflight checks; drop the other flag (or drop --plan)');
}

async function execute(plan: SendPlan, flags: SendFlags, transport: Transport, io: IOStreams, waits?: WaitWatch): Promise<{ result: RunResult; readerGone: boolean }> {
  // An empty stdin is a run of 0 events; the read stage would wait on it for an end already past.
  if (plan.inputs.includes(STDIN) && (await stdinIsEmpty(io.stdin))) plan = { ...plan, inputs: plan.inputs.filter((i) => i !== STDIN) };
  const out = new LineWriter(io.stdout);
  const color: ChalkInstance = io.colorEnabled() && chalk.level > 0 ? chalk : new Chalk({ level: 0 });
  const stop = new AbortController();
  const untrap = io.trapInterrupts(
    () => {
      stop.abort();
      io.stderr.write(`\nFinishing the requests in flight, then ${flags.checkpoint ? 'writing the checkpoint' : 'stopping'} (Ctrl-C again to stop at once)…\n`);
    },
    flags.checkpoint
      ? '\nStopped at once; the checkpoint holds only what had finished.\n'
      : '\nStopped at once; requests in flight may or may not have landed. Sending the same events again is safe: records are upserted by key, events carry a uuid.\n',
  );
  // `send --dry-run … | head`: once the reader is gone, reading the rest would show nothing.
  out.onClosed = () => stop.abort();
  // --verbose writes whole lines to stderr, which a line rewritten in place would garble.
  const progress = !flags.quiet && !plan.dryRun && !plan.verbose && io.stderrIsTTY ? new ProgressLine(io.stderr, waits?.describe) : undefined;
  // A person checking a mapping reads by event; a program reads the request lines.
  const groups = plan.dryRun && flags.pretty ? new EventGroups((text) => out.line(text), color) : undefined;
  try {
    const result = await runPipeline({
      inputs: plan.inputs,
      mapping: plan.mapping,
      transport,
      baseUrl: plan.baseUrl,
      failedPath: plan.failedPath,
      checkpointPath: flags.checkpoint,
      forceResume: flags.forceResume,
      outcomesPath: flags.outcomes,
      oneAtATime: flags.oneAtATime,
      maxLineBytes: plan.maxLineBytes,
      limit: plan.limit,
      indexLagMs: indexLagMs(io.env),
      onNotice: flags.quiet ? undefined : io.say,
      partialAfterMs: (plan.dryRun || plan.planMode) && !plan.inputs.includes(STDIN) ? undefined : 300,
      settleEachLine: plan.dryRun,
      stdin: io.stdin,
      onRequest: groups ? (r, ops) => groups.request(r, ops) : plan.dryRun ? (r) => out.line(JSON.stringify(r)) : plan.planMode?.onRequest,
      onFinal: groups ? (rec) => groups.final(rec) : undefined,
      onFailed: failureReporter(flags, plan.dryRun, io),
      outputBackpressure: () => out.backpressure(),
      stopSignal: stop.signal,
      onProgress: progress ? (p) => progress.update(p) : undefined,
    });
    progress?.clear();
    groups?.end();
    await out.end();
    return { result, readerGone: out.readerGone };
  } finally {
    untrap();
  }
}

/** The first failures one per line on stderr, then only a count: a million bad lines would drown the terminal. */
function failureReporter(flags: SendFlags, dryRun: boolean, io: IOStreams): (rec: EventRecord) => void {
  let reported = 0;
  return (rec) => {
    if (flags.quiet || ++reported > MAX_REPORTED) return;
    for (const f of rec.failures) {
      const where = [f.mapping && `mapping "${f.mapping}"`, f.field && `field "${f.field}"`].filter(Boolean).join(', ');
      const hs = f.kind === 'hubspot' ? ` (HubSpot ${f.status ?? ''}${f.category ? ` ${f.category}` : ''}${f.correlationId ? `, correlationId ${f.correlationId}` : ''})` : '';
      io.say(`${rec.source.file}:${rec.source.line}: ${where ? where + ': ' : ''}${f.message}${hs}`);
    }
    if (reported === MAX_REPORTED) io.say(`(further failures are only counted${flags.failed || !dryRun ? '; all are in the failed-events file' : ''})`);
  };
}

/** How the run ended, for the exit status: a stop outranks an interruption, which outranks failures. */
function outcomeOf(result: RunResult, readerGone: boolean): Error | undefined {
  if (result.stoppedBy) return result.stoppedBy;
  // A dry-run whose reader went away (`| head`) was not interrupted by anyone.
  if (result.interrupted && !readerGone) return new Interrupted();
  if (result.counts.failed > 0) return new SomeEventsFailed(result.counts.failed);
  return undefined;
}

/** HUBSPOT_ACTIONS_SEARCH_SETTLE_MS: how long HubSpot's search may take to show a write. */
function indexLagMs(env: NodeJS.ProcessEnv): number | undefined {
  return envNumber(env, 'HUBSPOT_ACTIONS_SEARCH_SETTLE_MS', 0);
}

/** A number from the environment, or undefined when unset; a value that is not one is refused, naming it. */
function envNumber(env: NodeJS.ProcessEnv, name: string, min = 1): number | undefined {
  const v = env[name];
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new UserError(`${name} must be a number of at least ${min}, not "${v}"`, `unset ${name} to use the default`);
  return n;
}
