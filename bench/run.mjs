#!/usr/bin/env node
// npm run bench [-- --events 1000000] [--live-events 50000] [--repeat 2] [--skip-live] [--skip-dry]
//
// Dry-run and `validate --events` throughput against the floor (bench/floor.mjs: split lines,
// JSON.parse each, JSON.stringify one request-sized object per event) at 100,000 and --events
// events; live runs against the emulator at an OAuth app's limits (110 per 10 s, search 5/s) and a
// private app's (190 per 10 s), with the same corpus counted as Segment's destination sends it.
// Prints a table and writes bench/results.json. Needs `npm run build` first (it runs it).
// Timings come from /usr/bin/time (wall, user CPU, peak RSS) of each child process.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate, writeBenchCorpus } from './gen.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const has = (name) => args.includes(`--${name}`);
const EVENTS = Number(flag('events', '1000000'));
const LIVE_EVENTS = Number(flag('live-events', '50000'));
const REPEAT = Number(flag('repeat', '2'));
// validate --events streams its sample, so it runs at every size unless told otherwise.
const VALIDATE_MAX = Number(flag('validate-max', 'Infinity'));
const SEED = 7;
const cli = path.join(root, 'bin/hubspot-actions');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'hubspot-actions-bench-'));

/** Runs a command under /usr/bin/time; gives wall s, user s, sys s, peak RSS MB and its stdout (when kept). */
function timed(cmd, argv, opts = {}) {
  const timeFile = path.join(tmp, 'time.txt');
  return new Promise((resolve, reject) => {
    const out = [];
    const child = spawn('/usr/bin/time', ['-f', '%e %U %S %M', '-o', timeFile, cmd, ...argv], { cwd: root, env: { ...process.env, ...opts.env }, stdio: ['ignore', opts.keepStdout ? 'pipe' : 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    if (opts.keepStdout) child.stdout.on('data', (d) => out.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      const [wall, user, sys, rssKb] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
      resolve({ code, wall, user, sys, rssMb: rssKb / 1024, stdout: Buffer.concat(out).toString('utf8'), stderr: err });
    });
  });
}

/** The best (least wall) of REPEAT runs, and every run's wall and user time (the machine is shared). */
async function best(label, run) {
  const runs = [];
  for (let i = 0; i < REPEAT; i++) {
    const r = await run();
    runs.push(r);
    console.error(`  ${label} #${i + 1}: ${r.wall.toFixed(1)} s wall, ${r.user.toFixed(1)} s user, ${r.rssMb.toFixed(0)} MB`);
  }
  const b = runs.reduce((a, r) => (r.wall < a.wall ? r : a));
  return { ...b, runs: runs.map((r) => ({ wall: r.wall, user: r.user, sys: r.sys, rssMb: Math.round(r.rssMb) })) };
}

async function offline(n) {
  console.error(`corpus of ${n} events…`);
  const files = await writeBenchCorpus(path.join(tmp, `c${n}`), n, SEED);
  const bytes = statSync(files.events).size;
  const rate = (r) => ({ eventsPerS: Math.round(n / r.wall), mbPerS: +(bytes / 1e6 / r.wall).toFixed(1), wall: r.wall, user: r.user, peakRssMb: Math.round(r.rssMb), runs: r.runs });
  const floor = await best(`floor ${n}`, () => timed(process.execPath, [path.join(root, 'bench/floor.mjs'), files.events]));
  const dry = await best(`dry-run ${n}`, () => timed(process.execPath, [cli, 'send', files.events, '-m', files.mapping, '--dry-run', '--quiet']));
  const validate = n <= VALIDATE_MAX ? await best(`validate --events ${n}`, () => timed(process.execPath, [cli, 'validate', '-m', files.mapping, '--events', files.events])) : undefined;
  rmSync(files.events);
  const f = rate(floor);
  const out = { events: n, mb: +(bytes / 1e6).toFixed(1), floor: f, dryRun: rate(dry), validate: validate ? rate(validate) : `not run above --validate-max ${VALIDATE_MAX}` };
  out.dryRun.ofFloor = +(out.dryRun.eventsPerS / f.eventsPerS).toFixed(2);
  if (validate) out.validate.ofFloor = +(out.validate.eventsPerS / f.eventsPerS).toFixed(2);
  return out;
}

// ---------------------------------------------------------------- live

/** The corpus as Segment's destination sends it: one flow per event, no batching (docs: segment-hubspot.md §2). */
function segmentRequests(n) {
  const emails = new Set();
  const groups = new Set();
  const c = { upsertContact: 0, upsertCompany: 0, upsertCustomObjectRecord: 0, sendCustomBehavioralEvent: 0 };
  let budgeted = 0; // counted in the ten-secondly budget
  let searches = 0; // 5 per second, apart
  const add = (action, std, search = 0) => {
    c[action] += std + search;
    budgeted += std;
    searches += search;
  };
  for (const e of generate(n, SEED)) {
    if (e.type === 'identify' && e.traits.email) {
      const first = !emails.has(e.traits.email);
      emails.add(e.traits.email);
      add('upsertContact', first ? 2 : 1); // PATCH by email; on 404 a POST
    } else if (e.type === 'group') {
      const first = !groups.has(e.groupId);
      groups.add(e.groupId);
      // PATCH by segment_group_id, then (new) search by companysearchfields + create, then the association PUT
      if (first) add('upsertCompany', 3, e.traits.website ? 1 : 0);
      else add('upsertCompany', 2);
    } else if (e.type === 'track' && e.event === 'Order Completed') {
      // search the record, search the contact to associate (buyer email), create with the association inline
      add('upsertCustomObjectRecord', 1, e.properties.buyer_email ? 2 : 1);
    } else if (e.type === 'track' && e.event !== 'Product Viewed' && e.event !== 'Cart Viewed') {
      c.sendCustomBehavioralEvent += 1; // one send per event (events API: outside the ten-secondly budget)
    }
  }
  return { perAction: c, total: Object.values(c).reduce((a, b) => a + b, 0), budgeted, searches };
}

async function startEmulator(tenSecondly, seedFile) {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, [path.join(root, 'dist/test/emulator/main.js'), '--port', String(port), '--ten-secondly', String(tenSecondly), '--seed-file', seedFile, '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const text = await new Promise((resolve) => {
    let s = '';
    child.stdout.on('data', (d) => {
      s += d;
      if (/Access token[^\n]*\n/.test(s)) resolve(s);
    });
  });
  const url = /listening on (\S+)/.exec(text)[1];
  const token = /Access token \(every scope\): (\S+)/.exec(text)[1];
  // HubSpot's usual search lag (README of the emulator): 1 s plus up to 2 s.
  await fetch(`${url}/__emulator/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ searchIndexLagMs: 1000, searchIndexLagJitterMs: 2000, searchPerSecond: 5 }) });
  return { url, token, stop: () => child.kill('SIGTERM') };
}

const TEN_SECOND_EXEMPT = /\/search$|^\/events\/|\/crm\/v4\/associations\/.*\/batch\//;

/**
 * The emulator keeps its last 1,000 requests: read them every 2 s and number each by the running
 * total, so the whole run's log is kept.
 */
function pollLog(url) {
  const seen = new Map();
  const take = async () => {
    const r = await (await fetch(`${url}/__emulator/requests?last=1000`)).json();
    r.log.forEach((e, i) => seen.set(r.total - r.log.length + i, e));
  };
  const timer = setInterval(() => void take().catch(() => {}), 2000);
  return {
    async stop() {
      clearInterval(timer);
      await take();
      return [...seen.entries()].sort((a, b) => a[0] - b[0]).map(([, e]) => e);
    },
  };
}

/**
 * Standard-budget requests per rolling 10 s, over the run's middle (the first and last 10 s left
 * out), cut to whole windows: a span of k windows holds at most k × limit, where a span of 4.5
 * windows could hold 5 windows' worth and read as 111 %. The log stamps answers, not arrivals, so a
 * share can still pass 100 % by the spread of answer times.
 */
function steadyShare(log, limit) {
  const times = log.filter((r) => !TEN_SECOND_EXEMPT.test(r.path)).map((r) => Date.parse(r.at)).sort((a, b) => a - b);
  if (times.length < 2) return undefined;
  const start = times[0] + 10_000;
  const windows = Math.floor((times[times.length - 1] - 10_000 - start) / 10_000);
  if (windows < 1) return undefined;
  const end = start + windows * 10_000;
  const inWindow = times.filter((t) => t >= start && t < end).length;
  return +(inWindow / (((end - start) / 10_000) * limit)).toFixed(3);
}

async function live(tenSecondly, files, n, segment) {
  const runs = [];
  for (let i = 0; i < REPEAT; i++) {
    const emu = await startEmulator(tenSecondly, files.seed);
    try {
      const failed = path.join(tmp, `failed-${tenSecondly}-${i}.ndjson`);
      const poller = pollLog(emu.url);
      const r = await timed(process.execPath, [cli, 'send', files.events, '-m', files.mapping, '--quiet', '--json', '--failed', failed], { keepStdout: true, env: { HUBSPOT_API_BASE_URL: emu.url, HUBSPOT_ACCESS_TOKEN: emu.token } });
      const summary = JSON.parse(r.stdout || '{}');
      const log = await poller.stop();
      const reqs = await (await fetch(`${emu.url}/__emulator/requests`)).json();
      const stats = await (await fetch(`${emu.url}/__emulator/stats`)).json();
      const r429 = log.filter((x) => x.status === 429).length;
      const standard = log.filter((x) => !TEN_SECOND_EXEMPT.test(x.path)).length;
      const searches = log.filter((x) => /\/search$/.test(x.path)).length;
      if (log.length !== reqs.total) console.error(`  (the request log holds ${log.length} of ${reqs.total} requests)`);
      const firstAt = Math.min(...log.map((x) => Date.parse(x.at)));
      const lastAt = Math.max(...log.map((x) => Date.parse(x.at)));
      const searchPeak = peakPerSecond(log.filter((x) => /\/search$/.test(x.path)).map((x) => Date.parse(x.at)));
      const run = {
        wall: r.wall, user: r.user, peakRssMb: Math.round(r.rssMb), exit: r.code,
        eventsPerS: Math.round(n / r.wall), requests: reqs.total, standard, searches, searchPeakPerS: searchPeak, r429,
        share429: +(r429 / Math.max(1, reqs.total)).toFixed(4),
        budgetShareOverall: +(standard / (((lastAt - firstAt) / 10_000) * tenSecondly)).toFixed(3),
        budgetShareSteady: steadyShare(log, tenSecondly),
        perThousandByAction: perThousand(summary, n), statuses: stats.statuses,
        outcome: { delivered: summary.counts?.delivered, skipped: summary.counts?.skipped, failed: summary.counts?.failed, failedByReason: summary.counts?.failedByReason },
      };
      runs.push(run);
      console.error(`  live ${tenSecondly}/10 s #${i + 1}: ${r.wall.toFixed(1)} s wall, ${r.user.toFixed(1)} s user, ${reqs.total} requests, ${r429} 429s, exit ${r.code}`);
    } finally {
      emu.stop();
    }
  }
  const b = runs.reduce((a, r) => (r.wall < a.wall ? r : a));
  const segmentSeconds = Math.max(segment.budgeted / (tenSecondly / 10), segment.searches / 5);
  // A backfill is budget-bound: its time grows with its requests, so 1,000,000 events take this run's time scaled.
  const million = { oursMinutes: Math.round((b.wall * 1e6) / n / 60), segmentHours: +((segmentSeconds * 1e6) / n / 3600).toFixed(1) };
  return { tenSecondly, ...b, runs: runs.map((r) => ({ wall: r.wall, user: r.user, requests: r.requests, r429: r.r429 })), segment: { ...segment, seconds: Math.round(segmentSeconds), ofOurs: +(b.requests / segment.total).toFixed(4) }, million };
}

/** send --plan (reads sent, writes answered locally) over the live corpus, on a fresh emulator at the limit. */
async function planRun(tenSecondly, files, n) {
  const runs = [];
  for (let i = 0; i < REPEAT; i++) {
    const emu = await startEmulator(tenSecondly, files.seed);
    try {
      const r = await timed(process.execPath, [cli, 'send', files.events, '-m', files.mapping, '--plan', '--json', '--quiet'], { env: { HUBSPOT_API_BASE_URL: emu.url, HUBSPOT_ACCESS_TOKEN: emu.token } });
      const reqs = await (await fetch(`${emu.url}/__emulator/requests`)).json();
      const r429 = (reqs.log ?? []).filter((x) => x.status === 429).length;
      runs.push({ wall: r.wall, user: r.user, peakRssMb: Math.round(r.rssMb), exit: r.code, eventsPerS: Math.round(n / r.wall), reads: reqs.total, r429 });
      console.error(`  plan ${tenSecondly}/10 s #${i + 1}: ${r.wall.toFixed(1)} s wall, ${r.user.toFixed(1)} s user, ${reqs.total} reads, ${r429} 429s, exit ${r.code}`);
    } finally {
      emu.stop();
    }
  }
  const b = runs.reduce((a, r) => (r.wall < a.wall ? r : a));
  return { tenSecondly, ...b, runs: runs.map((r) => ({ wall: r.wall, user: r.user, reads: r.reads })) };
}

function peakPerSecond(times) {
  let peak = 0;
  let j = 0;
  times.sort((a, b) => a - b);
  for (let i = 0; i < times.length; i++) {
    while (times[i] - times[j] >= 1000) j++;
    peak = Math.max(peak, i - j + 1);
  }
  return peak;
}

function perThousand(summary, n) {
  const by = summary.requestsByAction ?? summary.requests?.byAction ?? summary.requests ?? {};
  const out = {};
  for (const [k, v] of Object.entries(by)) if (typeof v === 'number') out[k] = +((v * 1000) / n).toFixed(2);
  return out;
}

// ---------------------------------------------------------------- main

function table(results) {
  const lines = [];
  lines.push('| measure | events | events/s | MB/s | of floor | wall s | user s | peak RSS MB |', '|---|---|---|---|---|---|---|---|');
  for (const o of results.offline) {
    for (const [name, r] of [['floor', o.floor], ['dry-run', o.dryRun], ['validate --events', o.validate]]) {
      if (typeof r === 'string') continue;
      lines.push(`| ${name} | ${o.events.toLocaleString('en')} | ${r.eventsPerS.toLocaleString('en')} | ${r.mbPerS} | ${r.ofFloor ?? 1} | ${r.wall} | ${r.user} | ${r.peakRssMb} |`);
    }
  }
  if (results.live.length) {
    lines.push('', '| live | events | events/s | wall s | user s | requests | per 1,000 events by action | budget used (steady / overall) | 429s | search peak/s | Segment: requests, time at the limit | ours / Segment | 1,000,000 events: ours, Segment |', '|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const l of results.live) {
      const per = Object.entries(l.perThousandByAction).map(([k, v]) => `${k} ${v}`).join(', ');
      lines.push(`| ${l.tenSecondly}/10 s | ${results.liveEvents.toLocaleString('en')} | ${l.eventsPerS} | ${l.wall} | ${l.user} | ${l.requests} | ${per} | ${l.budgetShareSteady ?? '–'} / ${l.budgetShareOverall} | ${l.r429} (${(l.share429 * 100).toFixed(2)} %) | ${l.searchPeakPerS} | ${l.segment.total.toLocaleString('en')}, ${(l.segment.seconds / 60).toFixed(0)} min | 1/${(l.segment.total / l.requests).toFixed(1)} | ${l.million.oursMinutes} min, ${l.million.segmentHours} h |`);
    }
  }
  if (results.plan) {
    const p = results.plan;
    lines.push('', '| send --plan | events | events/s | wall s | user s | reads | 429s | peak RSS MB |', '|---|---|---|---|---|---|---|---|');
    lines.push(`| ${p.tenSecondly}/10 s | ${results.liveEvents.toLocaleString('en')} | ${p.eventsPerS} | ${p.wall} | ${p.user} | ${p.reads} | ${p.r429} | ${p.peakRssMb} |`);
  }
  return lines.join('\n');
}

async function main() {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
  const machine = { cpus: os.cpus().length, model: os.cpus()[0]?.model, memGb: +(os.totalmem() / 2 ** 30).toFixed(1), node: process.version, loadBefore: os.loadavg().map((l) => +l.toFixed(2)) };
  const results = { at: new Date().toISOString(), command: `npm run bench -- ${args.join(' ')}`.trim(), machine, offline: [], live: [], liveEvents: LIVE_EVENTS };
  try {
    if (!has('skip-dry')) for (const n of [...new Set([Math.min(100_000, EVENTS), EVENTS])]) results.offline.push(await offline(n));
    if (!has('skip-live')) {
      const files = await writeBenchCorpus(path.join(tmp, 'live'), LIVE_EVENTS, SEED);
      const segment = segmentRequests(LIVE_EVENTS);
      for (const limit of [110, 190]) results.live.push(await live(limit, files, LIVE_EVENTS, segment));
    }
    if (!has('skip-plan')) {
      const files = await writeBenchCorpus(path.join(tmp, 'plan'), LIVE_EVENTS, SEED);
      results.plan = await planRun(110, files, LIVE_EVENTS);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  results.machine.loadAfter = os.loadavg().map((l) => +l.toFixed(2));
  writeFileSync(path.join(root, 'bench/results.json'), JSON.stringify(results, null, 2) + '\n');
  console.log(table(results));
  console.log(`\nmachine: ${machine.cpus} × ${machine.model}, ${machine.memGb} GB, Node ${machine.node}; load ${machine.loadBefore.join(' ')} before, ${results.machine.loadAfter.join(' ')} after`);
}

await main();
