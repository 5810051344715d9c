import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { ndjson, portal, type Portal } from '../helpers/live.js';
import { BIN } from '../helpers/run-cli.js';
import { cleanRunState, normalState, workload, workloadMapping, workloadSeed } from '../helpers/workload.js';

let p: Portal;
afterEach(async () => p?.stop());

it('resumes after kill -9 with nothing lost and nothing twice', async () => {
  const events = workload(400);
  // Slow answers make the run last long enough to be killed in the middle.
  p = await portal({ faults: { slowMs: 120 } });
  await p.seed(workloadSeed);
  const file = p.file('e.ndjson', ndjson(events));
  const m = p.file('m.yaml', workloadMapping);
  const ck = path.join(p.dir, 'ck.json');
  const args = [BIN, 'send', file, '-m', m, '--checkpoint', ck, '--concurrency', '2', '--quiet'];
  const env = { ...process.env, HUBSPOT_API_BASE_URL: p.emu.url, HUBSPOT_ACCESS_TOKEN: p.emu.accessToken };
  const child = spawn(process.execPath, args, { cwd: p.dir, env, stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ? -1 : code)));

  // Kill it once the checkpoint shows real progress, part-way through.
  const deadline = Date.now() + 30_000;
  let progress = 0;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    if (!existsSync(ck)) continue;
    const cp = JSON.parse(readFileSync(ck, 'utf8'));
    progress = cp.resumeAt?.line ?? 0;
    if (progress > 150) break;
  }
  child.kill('SIGKILL');
  expect(await exited).toBe(-1);
  expect(progress).toBeGreaterThan(150);
  expect(progress).toBeLessThan(events.length);
  const partial = normalState(await p.dump());

  await p.emu.setFaults({});
  const again = await p.send([file, '-m', m, '--checkpoint', ck]);
  expect(again.code).toBe(0);
  expect(again.stderr).toMatch(/Resumed at .*e\.ndjson:\d+/);
  // The resumed run did not start over.
  expect(Number(/events read:\s+(\d+)/.exec(again.stderr)?.[1])).toBeLessThan(events.length);
  const final = normalState(await p.dump());
  expect(final.contacts.length).toBeGreaterThanOrEqual(partial.contacts.length);

  expect(final).toEqual(await cleanRunState(events));
  expect(final.events).toHaveLength(400);
});

it('Ctrl-C finishes the requests in flight, writes the checkpoint, and the run resumes; a second Ctrl-C stops at once', async () => {
  const events = workload(300);
  p = await portal({ faults: { slowMs: 60 } });
  await p.seed(workloadSeed);
  const file = p.file('e.ndjson', ndjson(events));
  const m = p.file('m.yaml', workloadMapping);
  const ck = path.join(p.dir, 'ck.json');
  // The emulator's search does not lag here: a resumed run need not wait for it.
  const env = { ...process.env, HUBSPOT_API_BASE_URL: p.emu.url, HUBSPOT_ACCESS_TOKEN: p.emu.accessToken, HUBSPOT_ACTIONS_SEARCH_SETTLE_MS: '0' };
  const start = () => {
    const child = spawn(process.execPath, [BIN, 'send', file, '-m', m, '--checkpoint', ck, '--concurrency', '2'], { cwd: p.dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, exited, stderr: () => stderr };
  };
  const waitFor = async (cond: () => boolean) => {
    const deadline = Date.now() + 20_000;
    while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  };

  const first = start();
  await waitFor(() => existsSync(ck));
  first.child.kill('SIGINT');
  expect(await first.exited).toBe(130);
  expect(first.stderr()).toContain('Finishing the requests in flight');
  expect(first.stderr()).toContain('Interrupted: in-flight requests finished');
  const saved = JSON.parse(readFileSync(ck, 'utf8'));
  expect(saved.complete).toBe(false);

  // Answers slow enough that requests are surely in flight when the second Ctrl-C comes.
  await p.emu.setFaults({ slowMs: 3000 });
  const second = start();
  await new Promise((r) => setTimeout(r, 800));
  second.child.kill('SIGINT');
  await waitFor(() => second.stderr().includes('Finishing'));
  second.child.kill('SIGINT');
  expect(await second.exited).toBe(130);

  await p.emu.setFaults({});
  const last = await p.send([file, '-m', m, '--checkpoint', ck]);
  expect(last.code).toBe(0);
  expect(normalState(await p.dump())).toEqual(await cleanRunState(events));
});
