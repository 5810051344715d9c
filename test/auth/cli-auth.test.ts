import { chmod, mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../emulator/index.js';
import { buildCli, playBrowser, runCli, startCli, transcript } from './cli.js';
import { freePort } from './helpers.js';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

const CLIENT_ID = 'e2e-client-id';
const CLIENT_SECRET = 'e2e-client-secret-0f3a9c';
const PORT_COUNT = 12;

let emu: Emulator;
let ports: number[];
const configDirs: string[] = [];
/** Every secret seen in the runs below, for the final scan. */
const secrets = new Set<string>([CLIENT_SECRET]);

beforeAll(async () => {
  buildCli();
  ports = [];
  while (ports.length < PORT_COUNT) {
    const p = await freePort();
    if (!ports.includes(p)) ports.push(p);
  }
  emu = await startEmulator({
    quiet: true,
    oauthApps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: ports.map((p) => `http://localhost:${p}/oauth-callback`) }],
  });
}, 120_000);

afterAll(async () => {
  await emu?.stop();
});

let nextPort = 0;
const takePort = () => ports[nextPort++]!;

async function newConfigDir(): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), 'ha-e2e-')), 'config');
  configDirs.push(dir);
  return dir;
}

function envFor(configDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    HUBSPOT_ACTIONS_CONFIG_DIR: configDir,
    HUBSPOT_API_BASE_URL: emu.url,
    HUBSPOT_APP_BASE_URL: emu.url,
    BROWSER: 'none',
    ...extra,
  };
}

const loginArgs = (port: number, extra: string[] = []) => ['login', '--no-browser', '--port', String(port), '--client-id', CLIENT_ID, '--timeout', '20', ...extra];

async function readStore(configDir: string): Promise<any> {
  const data = JSON.parse(await readFile(join(configDir, 'credentials.json'), 'utf8'));
  for (const p of Object.values<any>(data.profiles)) {
    for (const k of ['accessToken', 'refreshToken', 'clientSecret']) if (p[k]) secrets.add(p[k]);
  }
  return data;
}

/** A full OAuth login through the CLI, the test acting as the browser. */
async function oauthLogin(configDir: string, extraArgs: string[] = []) {
  const cli = startCli(loginArgs(takePort(), extraArgs), envFor(configDir, { HUBSPOT_CLIENT_SECRET: CLIENT_SECRET }));
  const visit = await playBrowser(await cli.authorizeUrl);
  const result = await cli.done;
  return { visit, result };
}

async function refreshGrantWorks(refreshToken: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${emu.url}/oauth/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: refreshToken }),
  });
  const body = await res.json().catch(() => undefined);
  if (body?.access_token) secrets.add(body.access_token);
  return { status: res.status, body };
}

async function apiAccepts(token: string): Promise<number> {
  const res = await fetch(`${emu.url}/account-info/v3/details`, { headers: { authorization: `Bearer ${token}` } });
  return res.status;
}

const modeOf = async (p: string) => (await stat(p)).mode & 0o777;

describe('hubspot-actions login (OAuth)', () => {
  it('logs in through the browser, stores the profile privately and tells the browser it is done', async () => {
    const dir = await newConfigDir();
    const { visit, result } = await oauthLogin(dir);
    expect(result.code, result.stderr).toBe(0);
    expect(visit.status).toBe(200);
    expect(visit.page).toContain('You can close this page');
    expect(result.stderr).toContain(`http://localhost:`);
    expect(result.stderr).toContain(`Logged in to HubSpot account ${emu.hubId} as emulator-user@example.com; saved as profile "default"`);

    const authorize = new URL(/(https?:\/\/\S+\/oauth\/authorize\?\S+)/.exec(result.stderr)![1]!);
    expect(authorize.searchParams.get('scope')!.split(' ')).toEqual([
      'crm.objects.contacts.read',
      'crm.objects.contacts.write',
      'crm.objects.companies.read',
      'crm.objects.companies.write',
      'crm.schemas.companies.write',
      'oauth',
    ]);
    expect(authorize.searchParams.get('optional_scope')).toContain('analytics.behavioral_events.send');
    expect(authorize.searchParams.get('state')!.length).toBeGreaterThanOrEqual(32);

    const store = await readStore(dir);
    const p = store.profiles.default;
    expect(p).toMatchObject({ kind: 'oauth', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, hubId: emu.hubId, user: 'emulator-user@example.com' });
    expect(p.scopes).toContain('crm.objects.contacts.write');
    expect(Date.parse(p.expiresAt) - Date.now()).toBeGreaterThan(1700_000);
    expect(await apiAccepts(p.accessToken)).toBe(200);
    expect(await modeOf(dir)).toBe(0o700);
    expect(await modeOf(join(dir, 'credentials.json'))).toBe(0o600);
  });

  it('warns, naming the action, when the granted scopes cannot serve it', async () => {
    const dir = await newConfigDir();
    const { result } = await oauthLogin(dir, ['--scopes', 'oauth crm.objects.contacts.read crm.objects.contacts.write']);
    expect(result.code, result.stderr).toBe(0);
    const granted: string[] = (await readStore(dir)).profiles.default.scopes;
    expect(granted).not.toContain('crm.objects.companies.write');
    expect(result.stderr).toMatch(/warning: Upsert Company will be refused: the token lacks crm\.objects\.companies\.read/);
  });

  it('refuses a callback whose state was changed, and says so in the browser', async () => {
    const dir = await newConfigDir();
    const cli = startCli(loginArgs(takePort()), envFor(dir, { HUBSPOT_CLIENT_SECRET: CLIENT_SECRET }));
    const visit = await playBrowser(await cli.authorizeUrl, (cb) => cb.searchParams.set('state', 'forged-state'));
    const result = await cli.done;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('state that this login did not send');
    expect(visit.status).toBe(400);
    expect(visit.page).toContain('Login failed');
    expect(visit.page).toContain('state that this login did not send');
    await expect(stat(join(dir, 'credentials.json'))).rejects.toThrow(/ENOENT/);
  });

  it('reports a denied consent clearly', async () => {
    const dir = await newConfigDir();
    const cli = startCli(loginArgs(takePort()), envFor(dir, { HUBSPOT_CLIENT_SECRET: CLIENT_SECRET }));
    const visit = await playBrowser(`${await cli.authorizeUrl}&__emulator_deny=1`);
    const result = await cli.done;
    expect(new URL(visit.callbackUrl).searchParams.get('error')).toBe('access_denied');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('access to the account was denied on the consent page');
    expect(visit.page).toContain('denied');
    await expect(stat(join(dir, 'credentials.json'))).rejects.toThrow(/ENOENT/);
  });

  it('gives up after --timeout with a clear error', async () => {
    const dir = await newConfigDir();
    const started = Date.now();
    const result = await runCli([...loginArgs(takePort()).slice(0, -2), '--timeout', '1'], envFor(dir, { HUBSPOT_CLIENT_SECRET: CLIENT_SECRET }));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('No answer from the browser within 1 second; the login was stopped.');
    expect(result.stderr).toContain('--timeout');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('explains a wrong client secret, and saves nothing', async () => {
    const dir = await newConfigDir();
    const cli = startCli(loginArgs(takePort(), ['--client-secret', 'not-the-secret']), envFor(dir));
    const visit = await playBrowser(await cli.authorizeUrl);
    const result = await cli.done;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('HubSpot refused the login for this app');
    expect(result.stderr).toContain('Check the client id and client secret');
    expect(result.stderr).not.toContain('not-the-secret');
    expect(visit.status).toBe(400);
    await expect(stat(join(dir, 'credentials.json'))).rejects.toThrow(/ENOENT/);
  });

  it('cannot ask for a missing client id without a terminal, and says what to set', async () => {
    const result = await runCli(['login', '--no-browser', '--port', String(takePort())], envFor(await newConfigDir()));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Set HUBSPOT_CLIENT_ID or pass --client-id.');
  });
});

describe('refresh, logout and the store on disk', () => {
  it('a revoked refresh token ends in a clear "log in again"', async () => {
    const dir = await newConfigDir();
    expect((await oauthLogin(dir, ['--profile', 'work'])).result.code).toBe(0);
    const { refreshToken } = (await readStore(dir)).profiles.work;
    const del = await fetch(`${emu.url}/oauth/v1/refresh-tokens/${refreshToken}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    const result = await runCli(['auth', 'refresh', '--profile', 'work'], envFor(dir));
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('HubSpot no longer accepts the saved login for profile "work"');
    expect(result.stderr).toContain('Run `hubspot-actions login --profile work` to log in again.');
  });

  it('auth refresh saves the new token at once; concurrent refreshes leave one valid file', async () => {
    const dir = await newConfigDir();
    expect((await oauthLogin(dir)).result.code).toBe(0);
    const before = (await readStore(dir)).profiles.default;

    const one = await runCli(['auth', 'refresh'], envFor(dir));
    expect(one.code, one.stderr).toBe(0);
    expect(one.stderr).toContain('Refreshed the access token of profile "default"');
    const after = (await readStore(dir)).profiles.default;
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).toBe(before.refreshToken);

    const runs = await Promise.all(Array.from({ length: 4 }, () => runCli(['auth', 'refresh'], envFor(dir))));
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/^(Refreshed the access token|Another hubspot-actions run had just refreshed)/);
    }
    const final = (await readStore(dir)).profiles.default;
    expect(await apiAccepts(final.accessToken)).toBe(200);
    expect((await refreshGrantWorks(final.refreshToken)).status).toBe(200);
    expect(await modeOf(join(dir, 'credentials.json'))).toBe(0o600);
    expect(await readdir(dir)).toEqual(['credentials.json']);
  });

  it('logout revokes the refresh token at HubSpot and forgets the profile', async () => {
    const dir = await newConfigDir();
    expect((await oauthLogin(dir)).result.code).toBe(0);
    const { refreshToken } = (await readStore(dir)).profiles.default;
    expect((await refreshGrantWorks(refreshToken)).status).toBe(200);

    const result = await runCli(['logout'], envFor(dir));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('Revoked the refresh token at HubSpot and removed profile "default".');
    const refused = await refreshGrantWorks(refreshToken);
    expect(refused.status).toBe(400);
    expect(refused.body.status).toBe('BAD_REFRESH_TOKEN');
    expect((await readStore(dir)).profiles).toEqual({});

    const again = await runCli(['logout'], envFor(dir));
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('No saved login for profile "default".');
  });

  it('refuses a credentials file others can read, with the chmod that fixes it', async () => {
    const dir = await newConfigDir();
    const token = emu.issueToken({ kind: 'static' });
    secrets.add(token);
    expect((await runCli(['login', '--token'], envFor(dir), token)).code).toBe(0);
    const file = join(dir, 'credentials.json');
    await chmod(file, 0o644);
    for (const args of [['auth', 'status'], ['logout'], ['login', '--token']]) {
      const result = await runCli(args, envFor(dir), token);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`can be read or changed by other users (mode 0644)`);
      expect(result.stderr).toContain(`chmod 600 ${file}`);
    }
    await chmod(file, 0o600);
    expect((await runCli(['auth', 'status'], envFor(dir))).code).toBe(0);
  });
});

describe('hubspot-actions login --token', () => {
  it('checks a piped token with HubSpot, learns the hub id, and stores it', async () => {
    const dir = await newConfigDir();
    const token = emu.issueToken({ kind: 'static' });
    secrets.add(token);
    const result = await runCli(['login', '--token', '--profile', 'svc'], envFor(dir), `${token}\n`);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`Logged in to HubSpot account ${emu.hubId}; saved as profile "svc"`);
    const p = (await readStore(dir)).profiles.svc;
    expect(p).toMatchObject({ kind: 'static', accessToken: token, hubId: emu.hubId });
    expect(await modeOf(join(dir, 'credentials.json'))).toBe(0o600);
  });

  it('refuses a token HubSpot rejects, and saves nothing', async () => {
    const dir = await newConfigDir();
    const bogus = 'pat-na1-00000000-1111-2222-3333-444444444444';
    secrets.add(bogus);
    const result = await runCli(['login', '--token'], envFor(dir), bogus);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('HubSpot rejected the token (401');
    expect(result.stderr).toContain('nothing was saved');
    await expect(stat(join(dir, 'credentials.json'))).rejects.toThrow(/ENOENT/);
  });

  it('names the host and the network error when HubSpot cannot be reached', async () => {
    const dir = await newConfigDir();
    const closed = `http://127.0.0.1:${await freePort()}`;
    const result = await runCli(['login', '--token'], envFor(dir, { HUBSPOT_API_BASE_URL: closed }), 'pat-na1-unreachable\n');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Could not reach HubSpot at ${closed} (ECONNREFUSED).`);
  });

  it('says so when nothing was piped in', async () => {
    const result = await runCli(['login', '--token'], envFor(await newConfigDir()), '');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('No token was given on standard input.');
  });
});

describe('hubspot-actions auth status', () => {
  it('lists each profile without secrets and says which credential is in effect', async () => {
    const dir = await newConfigDir();
    expect((await oauthLogin(dir)).result.code).toBe(0);
    const token = emu.issueToken({ kind: 'static' });
    secrets.add(token);
    expect((await runCli(['login', '--token', '--profile', 'svc'], envFor(dir), token)).code).toBe(0);

    const status = await runCli(['auth', 'status'], envFor(dir));
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain('In effect for profile "default": the saved profile "default"');
    expect(status.stdout).toMatch(/\ndefault\n {2}kind: +OAuth \(app client id e2e-client-id\)\n {2}hub id: +\d+\n {2}user: +emulator-user@example.com\n {2}scopes: +.*crm\.objects\.contacts\.write/);
    expect(status.stdout).toMatch(/expiry: +access token expires at \S+ \(in \d+ min\); renewed automatically/);
    expect(status.stdout).toContain(`\nsvc\n  kind:     static token pat-na1-…${token.slice(-4)}\n  hub id:   ${emu.hubId}`);

    const envToken = emu.issueToken({ kind: 'static' });
    secrets.add(envToken);
    const viaEnv = await runCli(['auth', 'status', '--json'], envFor(dir, { HUBSPOT_ACCESS_TOKEN: envToken }));
    const json = JSON.parse(viaEnv.stdout);
    expect(json.inEffect).toEqual({ source: 'env', description: `env HUBSPOT_ACCESS_TOKEN (pat-na1-…${envToken.slice(-4)})` });
    expect(json.profiles.map((p: any) => p.name)).toEqual(['default', 'svc']);

    const viaFlag = await runCli(['auth', 'status', '--json', '--token', envToken], envFor(dir));
    expect(JSON.parse(viaFlag.stdout).inEffect.source).toBe('flag');

    const none = await runCli(['auth', 'status', '--profile', 'nobody'], envFor(dir));
    expect(none.code).toBe(3);
    expect(none.stdout).toContain('No credential in effect for profile "nobody": run `hubspot-actions login --profile nobody`');
  });
});

describe('secrets', () => {
  it('never appear in anything the CLI printed or wrote besides the credentials file', async () => {
    expect(transcript.length).toBeGreaterThan(20);
    expect(secrets.size).toBeGreaterThan(10);
    const printed = transcript.join('\n');
    const written: string[] = [];
    for (const dir of configDirs) {
      for (const name of await readdir(dir).catch(() => [] as string[])) {
        if (name !== 'credentials.json') written.push(await readFile(join(dir, name), 'utf8'));
      }
    }
    for (const s of secrets) {
      expect(printed.includes(s), `a secret ending …${s.slice(-4)} was printed`).toBe(false);
      expect(written.some((w) => w.includes(s)), `a secret ending …${s.slice(-4)} was written`).toBe(false);
    }
  });
});
