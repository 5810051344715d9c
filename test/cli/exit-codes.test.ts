import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ndjson, portal, type Portal } from '../helpers/live.js';
import { BIN, runCli } from '../helpers/run-cli.js';

const MAPPING = 'test/fixtures/mapping.yaml';
const contactMapping = 'version: 1\nmappings:\n  - name: c\n    action: upsertContact\n';
const identify = (i: number) => ({ type: 'identify', messageId: `m${i}`, traits: { email: `u${i}@x.io` } });

describe('help exits 0 for every command', () => {
  const helps = [
    ['--help'],
    ['help'],
    ['help', 'send'],
    ['send', '--help'],
    ['validate', '--help'],
    ['login', '--help'],
    ['logout', '--help'],
    ['auth'],
    ['auth', '--help'],
    ['auth', 'status', '--help'],
    ['auth', 'refresh', '--help'],
  ];
  it.each(helps)('%s %s %s', async (...args) => {
    const r = await runCli(args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/Usage: hubspot-actions/);
    expect(r.stderr).not.toContain('error:');
  });
});

let p: Portal | undefined;
afterEach(async () => {
  await p?.stop();
  p = undefined;
});

describe('exit status', () => {
  it('is listed in the top-level help, as the README has it', async () => {
    const r = await runCli(['--help']);
    expect(r.stdout).toContain("Exit status: 0 done · 1 could not run · 2 some events failed · 3 log in again · 4 HubSpot's daily limit · 130 interrupted (run again to resume)");
  });

  it('0 when every event is delivered or skipped', async () => {
    const r = await runCli(['send', '-m', MAPPING, '--dry-run'], { stdin: ndjson([identify(1)]) });
    expect(r.code, r.stderr).toBe(0);
  });

  it('1 when the command cannot run (a mapping file with problems), with the reason', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ha-exit-'));
    const r = await runCli(['send', '-m', path.join(dir, 'missing.yaml'), '--dry-run'], { stdin: '' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*missing\.yaml/m);
  });

  it('2 when some events failed', async () => {
    const r = await runCli(['send', 'test/fixtures/events.ndjson', '-m', MAPPING, '--dry-run']);
    expect(r.code).toBe(2);
  });

  it('3 when a login is needed: no credential at all, or one HubSpot refuses', async () => {
    p = await portal();
    const events = p.file('e.ndjson', ndjson([identify(1)]));
    const m = p.file('m.yaml', contactMapping);
    const none = await p.send([events, '-m', m], { env: { HUBSPOT_ACCESS_TOKEN: undefined, HUBSPOT_ACTIONS_CONFIG_DIR: p.dir } });
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('hubspot-actions login');
    const refused = await p.send([events, '-m', m, '--failed', 'f.ndjson'], { env: { HUBSPOT_ACCESS_TOKEN: 'pat-na1-11111111-2222-3333-4444-555555555555' } });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('HubSpot rejected the credentials (401');
  });

  it('4 when HubSpot\'s daily limit stops the run', async () => {
    p = await portal({ dailyLimit: 1 });
    const r = await p.send([p.file('e.ndjson', ndjson([identify(1), identify(2), identify(3)])), '-m', p.file('m.yaml', contactMapping), '--failed', 'f.ndjson']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/daily API limit/);
    // No --checkpoint was given: the way on must not promise one.
    expect(r.stderr).not.toMatch(/the checkpoint resumes/);
    expect(r.stderr).toContain('No --checkpoint was given, so running the same command again starts at the first line, which is safe');
    expect(r.stderr).toContain('Add --checkpoint <file> to later runs');
  });
});

/** A live run against a slow portal, with a checkpoint: its file appears once the run is under way. */
async function slowRun(slowMs: number) {
  p = await portal({ faults: { slowMs } });
  const file = p.file('e.ndjson', ndjson(Array.from({ length: 30 }, (_, i) => identify(i))));
  const ck = path.join(p.dir, 'ck.json');
  const env = { ...process.env, NO_COLOR: '1', HUBSPOT_API_BASE_URL: p.emu.url, HUBSPOT_ACCESS_TOKEN: p.emu.accessToken };
  const child = spawn(process.execPath, [BIN, 'send', file, '-m', p.file('m.yaml', contactMapping), '--checkpoint', ck, '--concurrency', '1'], { cwd: p.dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const until = async (cond: () => boolean) => {
    while (!cond()) await new Promise((r) => setTimeout(r, 20));
  };
  await until(() => existsSync(ck));
  return { child, exited, until, stderr: () => stderr };
}

describe('130 when interrupted', () => {
  it('after one Ctrl-C, once the requests in flight are done', async () => {
    const run = await slowRun(100);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.stderr()).toContain('Finishing the requests in flight');
    expect(run.stderr()).toContain('Interrupted');
  });

  it('after a second Ctrl-C, at once, with a request still unanswered', async () => {
    // A host that takes requests and never answers: one is surely in flight when Ctrl-C comes.
    let arrived = 0;
    const hang = createServer(() => void arrived++);
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(hang.address() as AddressInfo).port}`;
      const dir = mkdtempSync(path.join(tmpdir(), 'ha-exit-'));
      const env = { ...process.env, NO_COLOR: '1', HUBSPOT_API_BASE_URL: url, HUBSPOT_ACCESS_TOKEN: 'pat-na1-hanging' };
      const child = spawn(process.execPath, [BIN, 'send', '-m', path.resolve(MAPPING), '--failed', 'f.ndjson'], { cwd: dir, env, stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      child.stdin.write(ndjson([identify(1)]));
      while (arrived === 0) await new Promise((r) => setTimeout(r, 20));
      child.kill('SIGINT');
      while (!stderr.includes('Finishing the requests in flight')) await new Promise((r) => setTimeout(r, 20));
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(stderr).toContain('Stopped at once');
    } finally {
      hang.closeAllConnections();
      hang.close();
    }
  });
});
