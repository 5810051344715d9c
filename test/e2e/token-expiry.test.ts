import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../emulator/index.js';
import { playBrowser, startCli } from '../auth/cli.js';
import { freePort } from '../auth/helpers.js';
import { ndjson } from '../helpers/live.js';
import { runCli } from '../helpers/run-cli.js';
import { workload, workloadMapping, workloadSeed } from '../helpers/workload.js';

let emu: RunningEmulator | undefined;
afterEach(async () => emu?.stop());

/** An emulated portal whose access tokens live 2 s, and an OAuth login to it in a scratch config folder. */
async function loggedIn(slowMs: number): Promise<{ dir: string; env: Record<string, string> }> {
  const port = await freePort();
  emu = await startEmulator({
    quiet: true,
    accessTokenLifetimeSeconds: 2,
    faults: { slowMs },
    oauthApps: [{ clientId: 'cid', clientSecret: 'csecret-7e1', redirectUris: [`http://localhost:${port}/oauth-callback`] }],
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'ha-expiry-'));
  const env = { HUBSPOT_ACTIONS_CONFIG_DIR: path.join(dir, 'config'), HUBSPOT_API_BASE_URL: emu.url, HUBSPOT_APP_BASE_URL: emu.url, BROWSER: 'none' };
  const login = startCli(['login', '--no-browser', '--port', String(port), '--client-id', 'cid', '--timeout', '20'], { ...env, HUBSPOT_CLIENT_SECRET: 'csecret-7e1' });
  await playBrowser(await login.authorizeUrl);
  expect((await login.done).code).toBe(0);
  return { dir, env };
}

it('a send longer than the access-token lifetime keeps going on refreshed tokens, none of them printed', async () => {
  const { dir, env } = await loggedIn(150);

  await fetch(`${emu!.url}/__emulator/seed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(workloadSeed) });
  const events = path.join(dir, 'e.ndjson');
  const mapping = path.join(dir, 'm.yaml');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(events, ndjson(workload(40)).replace(/"enable_batching"/g, ''));
  writeFileSync(mapping, workloadMapping.replace('      enable_batching: true\n', '      enable_batching: false\n'));
  const started = Date.now();
  const r = await runCli(['send', events, '-m', mapping, '--concurrency', '2', '--failed', path.join(dir, 'f.ndjson')], { env, cwd: dir });
  const elapsed = Date.now() - started;
  expect(r.stderr).toMatch(/failed:\s+0/);
  expect(r.code).toBe(0);
  expect(elapsed).toBeGreaterThan(4000); // the run outlived two token lifetimes

  const log = await (await fetch(`${emu!.url}/__emulator/requests?last=2000`)).json();
  expect(log.counts['POST /oauth/v1/token']).toBeGreaterThanOrEqual(3); // the code exchange, then refreshes
  expect(log.log.filter((e: any) => e.status === 401)).toHaveLength(0); // refreshed ahead of expiry

  const store = readFileSync(path.join(dir, 'config', 'credentials.json'), 'utf8');
  const secrets = [...store.matchAll(/"(accessToken|refreshToken|clientSecret)"\s*:\s*"([^"]+)"/g)].map((m) => m[2]!);
  expect(secrets.length).toBeGreaterThanOrEqual(3);
  for (const s of secrets) {
    expect(r.stdout + r.stderr).not.toContain(s);
    expect(readFileSync(path.join(dir, 'f.ndjson'), { encoding: 'utf8', flag: 'a+' })).not.toContain(s);
  }
});

it('rides out a token endpoint answering 5xx for a while: the refresh backs off, the run goes on', async () => {
  const { dir, env } = await loggedIn(100);
  await fetch(`${emu!.url}/__emulator/seed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(workloadSeed) });
  const { writeFileSync } = await import('node:fs');
  writeFileSync(path.join(dir, 'e.ndjson'), ndjson(workload(30)));
  writeFileSync(path.join(dir, 'm.yaml'), workloadMapping.replace('      enable_batching: true\n', '      enable_batching: false\n'));
  // Every refresh answers 5xx for the first seconds of the run, past several token lifetimes' worth of tries.
  await emu!.setFaults({ errorRate: 1, routes: '^POST /oauth/v1/token', slowMs: 100 });
  const run = runCli(['send', 'e.ndjson', '-m', 'm.yaml', '--concurrency', '1', '--failed', 'f.ndjson'], { env, cwd: dir });
  await new Promise((r) => setTimeout(r, 6000));
  await emu!.setFaults({ slowMs: 100 });
  const r = await run;
  expect(r.stderr).toMatch(/failed:\s+0/);
  expect(r.code).toBe(0);
  const log = await (await fetch(`${emu!.url}/__emulator/requests?last=5000`)).json();
  expect(log.log.filter((e: any) => e.path === '/oauth/v1/token' && e.status >= 500).length).toBeGreaterThanOrEqual(3);
});
