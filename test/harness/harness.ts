/**
 * The differential harness of issue 9: one seeded corpus, fresh emulated portals, the built CLI as
 * a process, four modes whose final portal states must all equal the one-event-at-a-time reference:
 *
 *   reference  `send --one-at-a-time` (concurrency 1, no batching, no merging, each request awaited)
 *   shipped    `send` as a user runs it (batched, concurrent, merged)
 *   faulted    `send` under every fault of the emulator; the daily limit runs out mid-run (static
 *              token), then the run is resumed from `--checkpoint` on an OAuth login whose access
 *              tokens expire every few seconds
 *   killed     `send --checkpoint`, SIGKILLed at seeded random moments and resumed until done, with
 *              HubSpot's 1-3 s search index lag
 *
 * Every mode also writes `--outcomes`; each input line must have exactly one final outcome across
 * all the processes of a run, and the same outcome as in the reference.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { corpusMapping, corpusNdjson, corpusSeed, type CorpusOptions } from '../../scripts/corpus.mjs';
import { playBrowser, startCli as startLogin } from '../auth/cli.js';
import { freePort } from '../auth/helpers.js';
import { startEmulator, type EmulatorOptions, type FaultOptions, type RunningEmulator } from '../emulator/index.js';
import { cliSupport, startCli, type Exit } from './cli.js';
import { diffStates, normalise, stateSize, type NormalState, type StateDiff } from './state.js';
import { createRng as rng } from '../emulator/prng.js';
import { emulatorControl } from '../helpers/live.js';

export type Mode = 'reference' | 'shipped' | 'faulted' | 'killed';

export interface HarnessOptions {
  events: number;
  seed?: number;
  modes?: Mode[];
  killTrials?: number;
  /** Ceiling for one CLI process. */
  processTimeoutMs?: number;
  /** The client timeout asked of the CLI in the faulted mode (HUBSPOT_ACTIONS_TIMEOUT_MS); answers are held twice that. */
  clientTimeoutMs?: number;
  /** Changes to HARNESS_FAULTS for the faulted mode (a CI slice may want shorter bursts). */
  faults?: Partial<FaultOptions>;
  /** Where corpora, outcomes and logs go (a fresh temp dir by default). */
  dir?: string;
  /**
   * The corpus also holds writes that move a record away from a value another op finds it by
   * (CorpusOptions.moves): a company found by its domain taking a group id, one found by its id
   * taking a new domain, a deal renamed.
   */
  moves?: boolean;
  log?: (line: string) => void;
}

export interface ModeResult {
  mode: Mode;
  /** A trial of the killed mode, or 0. */
  trial: number;
  processes: number;
  kills: number;
  events: number;
  faults: Record<string, number>;
  delivered: number;
  skipped: number;
  failed: number;
  /** Input lines with no final outcome, or more than one. */
  outcomeProblems: number;
  /** Lines whose outcome differs from the reference's. */
  outcomesDiffer: number;
  diff: StateDiff;
  exitCodes: Array<number | string>;
  ms: number;
  notes: string[];
  requests: number;
}

export interface HarnessResult {
  results: ModeResult[];
  table: string;
  support: ReturnType<typeof cliSupport>;
  reference?: { size: ReturnType<typeof stateSize> };
  dir: string;
}

interface Outcome {
  outcome: string;
  reasons: unknown[];
}

const FAULT_ROUTES = '^[A-Z]+ /(crm|events)/';
export const HARNESS_FAULTS: FaultOptions = {
  errorRate: 0.04,
  rate429: 0.02,
  dropRate: 0.03,
  dropAfterWriteRate: 0.03,
  errorAfterWriteRate: 0.03,
  slowAfterWriteRate: 0.01,
  slowAfterWriteMs: 4000,
  burst429Rate: 0.004,
  burst429Ms: 1500,
  routes: FAULT_ROUTES,
};

const TOKEN_LIFETIME_S = 4;

const PORTAL: EmulatorOptions = { quiet: true, tenSecondlyLimit: 1_000_000, searchPerSecond: 100_000 };

class Portal {
  private constructor(readonly emu: RunningEmulator, readonly mapping: string) {}

  static async start(opts: EmulatorOptions, corpus: CorpusOptions, dir: string, name: string): Promise<Portal> {
    const emu = await startEmulator({ ...PORTAL, ...opts });
    const seeded = await control(emu, 'POST', 'seed', corpusSeed(corpus));
    // The seed stands for what the portal held long before the run: indexed for search already.
    const lag = (opts.searchIndexLagMs ?? 0) + (opts.searchIndexLagJitterMs ?? 0);
    if (lag > 0) await new Promise((resolve) => setTimeout(resolve, lag + 100));
    const label = seeded.associationLabels?.find((l: any) => l.label === 'Buyer')?.typeId;
    const mapping = path.join(dir, `${name}.mapping.yaml`);
    writeFileSync(mapping, corpusMapping({ ...corpus, buyerLabelTypeId: label }));
    return new Portal(emu, mapping);
  }
  config = (body: Record<string, unknown>) => control(this.emu, 'POST', 'config', body);
  faults = (body: FaultOptions) => control(this.emu, 'POST', 'faults', body);
  stats = () => control(this.emu, 'GET', 'stats');
  dump = () => control(this.emu, 'GET', 'dump');
  stop = () => this.emu.stop();
}

const control = emulatorControl;


/** Every outcome line of a run (all its processes append to one file); `problems` counts lines not final exactly once. */
function readOutcomes(file: string, events: number): { byLine: Map<number, Outcome>; problems: number; notes: string[] } {
  const byLine = new Map<number, Outcome>();
  const notes: string[] = [];
  let problems = 0;
  const seen = new Map<number, number>();
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  let torn = 0;
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    let o: any;
    try {
      o = JSON.parse(raw);
    } catch {
      torn++;
      continue;
    }
    const line = Number(o.line);
    seen.set(line, (seen.get(line) ?? 0) + 1);
    if (!byLine.has(line)) byLine.set(line, { outcome: o.outcome, reasons: o.reasons ?? [] });
  }
  if (torn) notes.push(`${torn} unparsable outcome line(s)`);
  let missing = 0;
  let twice = 0;
  for (let l = 1; l <= events; l++) {
    const n = seen.get(l) ?? 0;
    if (n === 0) missing++;
    if (n > 1) twice++;
  }
  for (const l of seen.keys()) if (l < 1 || l > events) problems++;
  problems += missing + twice + torn;
  if (missing) notes.push(`${missing} line(s) with no outcome`);
  if (twice) notes.push(`${twice} line(s) with more than one outcome`);
  return { byLine, problems, notes };
}

/** The summary counts when the CLI cannot write --outcomes yet: the last process's `--json` (a resumed run's own). */
function summaryCounts(exits: Exit[]): { delivered: number; skipped: number; failed: number } {
  const out = { delivered: 0, skipped: 0, failed: 0 };
  for (const e of exits.slice(-1)) {
    try {
      const s = JSON.parse(e.stdout.trim().split('\n').pop() || '{}');
      const c = s.counts ?? s;
      out.delivered += Number(c.delivered ?? 0);
      out.skipped += Number(c.skipped ?? 0);
      out.failed += Number(c.failed ?? 0);
    } catch {
      /* no summary: a killed process */
    }
  }
  return out;
}

const sumValues = (o: Record<string, number>) => Object.values(o).reduce((n, v) => n + v, 0);
const addInto = (into: Record<string, number>, from: Record<string, number>) => {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
};

export async function runHarness(opts: HarnessOptions): Promise<HarnessResult> {
  const seed = opts.seed ?? 1;
  const events = opts.events;
  const modes = opts.modes ?? ['reference', 'shipped', 'faulted', 'killed'];
  const trials = opts.killTrials ?? 10;
  const log = opts.log ?? (() => undefined);
  const timeoutMs = opts.processTimeoutMs ?? 30 * 60_000;
  const dir = opts.dir ?? mkdtempSync(path.join(tmpdir(), 'ha-harness-'));
  mkdirSync(dir, { recursive: true });
  const support = cliSupport();
  const eventsFile = path.join(dir, 'events.ndjson');
  const corpus: CorpusOptions = { events, seed, moves: opts.moves };
  const corpusText = corpusNdjson(corpus);
  writeFileSync(eventsFile, corpusText);
  const corpusLines = corpusText.split('\n');
  log(`corpus: ${events} events, seed ${seed}${opts.moves ? ', with moves' : ''}, in ${dir}`);

  const baseArgs = (p: Portal, name: string, extra: string[] = []) => [
    'send', eventsFile, '-m', p.mapping, '--quiet', '--json', '--rate', '100000',
    '--failed', path.join(dir, `${name}.failed.ndjson`),
    ...(support.outcomes ? ['--outcomes', path.join(dir, `${name}.outcomes.ndjson`)] : []),
    ...extra,
    // To find out why a trial differs: e.g. HARNESS_CLI_ARGS=--verbose=2 keeps every exchange in <mode>.stderr.txt.
    ...(process.env.HARNESS_CLI_ARGS?.split(' ').filter(Boolean) ?? []),
  ];
  const env = (p: Portal, extra: Record<string, string | undefined> = {}) => ({
    HUBSPOT_API_BASE_URL: p.emu.url,
    HUBSPOT_APP_BASE_URL: p.emu.url,
    HUBSPOT_ACCESS_TOKEN: p.emu.accessToken,
    HUBSPOT_ACTIONS_CONFIG_DIR: path.join(dir, 'no-config'),
    HUBSPOT_ACTIONS_SEARCH_SETTLE_MS: '0',
    // Asked of the CLI for tests (issue 9): HubSpot allows 5 searches a second; the emulator many more.
    HUBSPOT_ACTIONS_SEARCH_PER_SECOND: '1000',
    ...extra,
  });

  const results: ModeResult[] = [];
  let reference: { state: NormalState; outcomes?: Map<number, Outcome>; requests: number; ms: number } | undefined;

  const finish = async (p: Portal, r: Omit<ModeResult, 'diff' | 'delivered' | 'skipped' | 'failed' | 'outcomeProblems' | 'outcomesDiffer'>, exits: Exit[], name: string): Promise<ModeResult> => {
    const state = normalise(await p.dump());
    const counts = { delivered: 0, skipped: 0, failed: 0 };
    let outcomeProblems = 0;
    let outcomesDiffer = 0;
    let byLine: Map<number, Outcome> | undefined;
    if (support.outcomes) {
      const o = readOutcomes(path.join(dir, `${name}.outcomes.ndjson`), events);
      byLine = o.byLine;
      outcomeProblems = o.problems;
      r.notes.push(...o.notes);
      for (const v of o.byLine.values()) if (v.outcome in counts) counts[v.outcome as keyof typeof counts]++;
      if (reference?.outcomes) {
        for (const [line, v] of o.byLine) if (reference.outcomes.get(line)?.outcome !== v.outcome) outcomesDiffer++;
      }
    } else {
      Object.assign(counts, summaryCounts(exits));
      r.notes.push('counts from --json (no --outcomes in this CLI)');
    }
    const diff = reference ? diffStates(reference.state, state) : { equal: true, lost: 0, duplicated: 0, examples: [] };
    diff.examples = diff.examples.map((x) => x + linesAbout(x, corpusLines));
    if (!reference) {
      reference = { state, outcomes: byLine, requests: r.requests, ms: r.ms };
      const z = stateSize(state);
      r.notes.push(`reference state: ${z.records} records, ${z.associations} associations, ${z.events} behavioral events`);
    }
    const res: ModeResult = { ...r, ...counts, outcomeProblems, outcomesDiffer, diff };
    log(`${r.mode}${r.trial ? ` #${r.trial}` : ''}: ${r.processes} process(es), exits ${r.exitCodes.join(',')}, ${(r.ms / 1000).toFixed(1)} s, ${r.requests} requests; ` +
      `delivered ${res.delivered} skipped ${res.skipped} failed ${res.failed}; lost ${diff.lost} duplicated ${diff.duplicated}` +
      (diff.examples.length ? `\n    ${diff.examples.join('\n    ')}` : '') + (r.notes.length ? `\n    notes: ${r.notes.join('; ')}` : ''));
    results.push(res);
    return res;
  };

  const oneRun = async (mode: Mode, extra: string[], emuOpts: EmulatorOptions = {}, envExtra: Record<string, string> = {}) => {
    const name = mode;
    const p = await Portal.start({ seed, ...emuOpts }, corpus, dir, name);
    try {
      const started = Date.now();
      const exit = await startCli(baseArgs(p, name, extra), { env: env(p, envExtra), cwd: dir, timeoutMs }).done;
      writeFileSync(path.join(dir, `${name}.stderr.txt`), exit.stderr);
      const stats = await p.stats();
      const notes = exit.code === 0 || exit.code === 2 ? [] : [`exit ${exit.code ?? exit.signal}: ${lastLines(exit.stderr)}`];
      return await finish(p, { mode, trial: 0, processes: 1, kills: 0, events, faults: stats.injected, exitCodes: [exit.code ?? String(exit.signal)], ms: Date.now() - started, notes, requests: stats.total }, [exit], name);
    } finally {
      await p.stop();
    }
  };

  if (modes.includes('reference')) {
    const extra = support.oneAtATime ? ['--one-at-a-time'] : ['--concurrency', '1'];
    const r = await oneRun('reference', extra);
    if (!support.oneAtATime) r.notes.push('no --one-at-a-time in this CLI: ran with --concurrency 1 (still batched and merged)');
  }
  if (modes.includes('shipped')) await oneRun('shipped', []);

  if (modes.includes('faulted')) {
    const name = 'faulted';
    const port = await freePort();
    const app = { clientId: 'harness-app', clientSecret: 'harness-secret', redirectUris: [`http://localhost:${port}/oauth-callback`] };
    const p = await Portal.start({ seed: seed + 101, oauthApps: [app], accessTokenLifetimeSeconds: TOKEN_LIFETIME_S }, corpus, dir, name);
    const started = Date.now();
    const exits: Exit[] = [];
    const notes: string[] = [];
    const faults: Record<string, number> = {};
    let requests = 0;
    try {
      const ck = path.join(dir, `${name}.ckpt`);
      const clientTimeoutMs = opts.clientTimeoutMs ?? 2000;
      const envFaulted = { HUBSPOT_ACTIONS_TIMEOUT_MS: String(clientTimeoutMs) };
      const faultOpts: FaultOptions = { ...HARNESS_FAULTS, slowAfterWriteMs: clientTimeoutMs * 2, ...opts.faults };
      // 1: a private-app token and a daily limit that runs out part-way.
      // Part-way through: 40% of what the shipped run needed (exempt routes, events and v4 batch associations, do not count).
      const shippedRequests = results.find((x) => x.mode === 'shipped')?.requests;
      const daily = Math.max(10, Math.floor(shippedRequests ? shippedRequests * 0.3 : (reference?.requests ?? events) * 0.1));
      await p.config({ dailyLimit: daily });
      await p.faults(faultOpts);
      exits.push(await startCli(baseArgs(p, name, ['--checkpoint', ck]), { env: env(p, envFaulted), cwd: dir, timeoutMs }).done);
      let s = await p.stats();
      addInto(faults, s.injected);
      faults.daily = (faults.daily ?? 0) + s.dailyRefusals;
      requests += s.total;
      if (exits[0]!.code !== 4 || s.dailyRefusals === 0) notes.push(`the daily limit (${daily}) did not stop the first process (exit ${exits[0]!.code}, ${s.dailyRefusals} refusals)`);
      // 2: the limit lifted; resumed on an OAuth login whose tokens expire every few seconds.
      await p.config({ dailyLimit: null });
      const configDir = path.join(dir, `${name}-config`);
      const loginEnv = { HUBSPOT_ACTIONS_CONFIG_DIR: configDir, HUBSPOT_API_BASE_URL: p.emu.url, HUBSPOT_APP_BASE_URL: p.emu.url, HUBSPOT_CLIENT_SECRET: app.clientSecret, BROWSER: 'none' };
      const login = startLogin(['login', '--no-browser', '--port', String(port), '--client-id', app.clientId, '--timeout', '30'], loginEnv);
      await playBrowser(await login.authorizeUrl);
      const loggedIn = await login.done;
      if (loggedIn.code !== 0) throw new Error(`login failed: ${loggedIn.stderr}`);
      for (let attempt = 0; attempt < 4; attempt++) {
        await p.faults(faultOpts); // restarts the counts
        const e = await startCli(baseArgs(p, name, ['--checkpoint', ck]), { env: env(p, { ...envFaulted, HUBSPOT_ACCESS_TOKEN: undefined, HUBSPOT_ACTIONS_CONFIG_DIR: configDir }), cwd: dir, timeoutMs }).done;
        exits.push(e);
        s = await p.stats();
        addInto(faults, s.injected);
        requests += s.total;
        // 1 could not run, 3 login, 4 daily limit: a stop to resume from; anything else ends the loop.
        if (e.code !== 1 && e.code !== 3 && e.code !== 4) break;
        notes.push(`resume ${attempt + 1} stopped: ${lastLines(e.stderr)}`);
      }
      await p.faults({});
      const counts = (await control(p.emu, 'GET', 'requests?last=1')).counts ?? {};
      // The code exchange is one token request; every other one is a refresh.
      faults['token refresh'] = Math.max(0, (counts['POST /oauth/v1/token'] ?? 0) - 1);
      writeFileSync(path.join(dir, `${name}.stderr.txt`), exits.map((e) => e.stderr).join('\n----\n'));
      const last = exits[exits.length - 1]!;
      if (last.code !== 0 && last.code !== 2) notes.push(`last exit ${last.code ?? last.signal}: ${lastLines(last.stderr)}`);
      notes.push(`process times ${exits.map((e) => `${(e.ms / 1000).toFixed(1)} s`).join(', ')}`);
      await finish(p, { mode: 'faulted', trial: 0, processes: exits.length, kills: 0, events, faults, exitCodes: exits.map((e) => e.code ?? String(e.signal)), ms: Date.now() - started, notes, requests }, exits, name);
    } finally {
      await p.stop();
    }
  }

  if (modes.includes('killed')) {
    const expected = reference?.ms ?? 20_000;
    for (let trial = 1; trial <= trials; trial++) {
      const name = `killed-${trial}`;
      const r = rng(seed * 1000 + trial);
      const p = await Portal.start({ seed: seed + trial, searchIndexLagMs: 1000, searchIndexLagJitterMs: 2000 }, corpus, dir, name);
      const started = Date.now();
      const exits: Exit[] = [];
      const notes: string[] = [];
      let kills = 0;
      try {
        const ck = path.join(dir, `${name}.ckpt`);
        const plannedKills = 1 + Math.floor(r() * 3);
        // Kill moments spread over the run: the first within the first ~third of a clean run's time.
        const shipped = results.find((x) => x.mode === 'shipped')?.ms ?? expected;
        for (let attempt = 0; attempt < plannedKills + 5; attempt++) {
          const run = startCli(baseArgs(p, name, ['--checkpoint', ck]), { env: env(p, { HUBSPOT_ACTIONS_SEARCH_SETTLE_MS: '3500' }), cwd: dir, timeoutMs });
          let killTimer: NodeJS.Timeout | undefined;
          if (kills < plannedKills) {
            const at = 150 + Math.floor(r() * Math.max(300, shipped * 0.6));
            killTimer = setTimeout(() => {
              run.child.kill('SIGKILL');
            }, at);
          }
          const e = await run.done;
          clearTimeout(killTimer);
          exits.push(e);
          if (e.signal === 'SIGKILL') {
            kills++;
            continue;
          }
          if (e.code === 0 || e.code === 2) break;
          notes.push(`process ${exits.length} stopped (exit ${e.code}): ${lastLines(e.stderr)}`);
        }
        const s = await p.stats();
        writeFileSync(path.join(dir, `${name}.stderr.txt`), exits.map((e) => e.stderr).join('\n----\n'));
        const last = exits[exits.length - 1]!;
        if (last.signal || (last.code !== 0 && last.code !== 2)) notes.push(`never finished (last exit ${last.code ?? last.signal})`);
        await finish(p, { mode: 'killed', trial, processes: exits.length, kills, events, faults: { ...s.injected, SIGKILL: kills }, exitCodes: exits.map((e) => e.code ?? String(e.signal)), ms: Date.now() - started, notes, requests: s.total }, exits, name);
      } finally {
        await p.stop();
      }
    }
  }

  const table = formatTable(results, support);
  return { results, table, support, ...(reference ? { reference: { size: stateSize(reference.state) } } : {}), dir };
}

/**
 * The corpus lines a difference is about: for a record, the lines naming it; for an association,
 * the lines naming both ends (a contact is named by its email or its user's userId).
 */
export function linesAbout(example: string, corpusLines: string[], max = 8): string {
  const names = (part: string): string[] => {
    const out: string[] = [];
    const email = /user(\d+)@corpus\.example/.exec(part);
    if (email) out.push(`"user${email[1]}@corpus.example"`, `"userId":"u${email[1]}"`);
    const gid = /gid=(grp\d+)/.exec(part);
    if (gid) out.push(`"groupId":"${gid[1]}"`);
    const domain = /domain=([\w.]+)/.exec(part);
    if (domain) out.push(`"website":"${domain[1]}"`);
    const order = /Order (o\d+)/.exec(part);
    if (order) out.push(`"order_id":"${order[1]}"`);
    return out;
  };
  const key = example.split(':')[0]!.replace(/^(record|association|event) /, '');
  const [from, to] = key.includes('>') ? key.split('>') : [key, undefined];
  const a = names(from!);
  const b = to ? names(to) : [];
  if (!a.length) return '';
  const hits: number[] = [];
  corpusLines.forEach((l, i) => {
    if (a.some((t) => l.includes(t)) && (!b.length || b.some((t) => l.includes(t)))) hits.push(i + 1);
  });
  // When the contact was first upserted (an identify with its email, or a Signed Up track).
  const email = /user(\d+)@corpus\.example/.exec(key)?.[0];
  const first = email ? corpusLines.findIndex((l) => l.includes(`"${email}"`) && (l.includes('"type":"identify"') || l.includes('"Signed Up"'))) : -1;
  const born = email ? `; ${email} first upserted at ${first >= 0 ? `line ${first + 1}` : 'no line'}` : '';
  return hits.length || born ? ` [lines ${hits.slice(0, max).join(', ')}${hits.length > max ? ', …' : ''}${born}]` : '';
}

function lastLines(s: string, n = 3): string {
  return s.trim().split('\n').slice(-n).join(' / ').slice(0, 400);
}

/** One row per mode (the killed trials summed), as the README keeps it. */
export function formatTable(results: ModeResult[], support: ReturnType<typeof cliSupport>): string {
  const rows: string[][] = [['mode', 'runs', 'events', 'faults injected', 'delivered', 'skipped', 'failed', 'outcomes ≠ 1', 'outcomes ≠ ref', 'lost', 'duplicated', 'states equal', 'time']];
  const byMode = new Map<Mode, ModeResult[]>();
  for (const r of results) byMode.set(r.mode, [...(byMode.get(r.mode) ?? []), r]);
  for (const [mode, rs] of byMode) {
    const faults: Record<string, number> = {};
    for (const r of rs) addInto(faults, r.faults);
    const total = sumValues(faults);
    const detail = Object.entries(faults).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ');
    const sum = (f: (r: ModeResult) => number) => rs.reduce((n, r) => n + f(r), 0);
    const equal = rs.filter((r) => r.diff.equal).length;
    rows.push([
      mode === 'reference' && !support.oneAtATime ? 'reference*' : mode,
      rs.length > 1 ? `${rs.length} trials, ${sum((r) => r.processes)} processes` : `${sum((r) => r.processes)} process${sum((r) => r.processes) > 1 ? 'es' : ''}`,
      String(sum((r) => r.events)),
      (total ? `${total} (${detail})` : '0') + (mode === 'killed' ? '; search lag 1–3 s' : mode === 'faulted' ? `; tokens live ${TOKEN_LIFETIME_S} s` : ''),
      String(sum((r) => r.delivered)),
      String(sum((r) => r.skipped)),
      String(sum((r) => r.failed)),
      support.outcomes ? String(sum((r) => r.outcomeProblems)) : 'n/a',
      support.outcomes ? String(sum((r) => r.outcomesDiffer)) : 'n/a',
      String(sum((r) => r.diff.lost)),
      String(sum((r) => r.diff.duplicated)),
      mode === 'reference' ? '—' : rs.length > 1 ? `${equal}/${rs.length}` : equal ? 'yes' : 'no',
      `${(sum((r) => r.ms) / 1000).toFixed(0)} s`,
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const out = [line(rows[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)];
  if (!support.oneAtATime) out.push('* the CLI has no `send --one-at-a-time` yet: the reference ran with --concurrency 1, still batched and merged');
  if (!support.outcomes) out.push('counts come from the --json summaries: the CLI has no `send --outcomes` yet');
  return out.join('\n');
}
