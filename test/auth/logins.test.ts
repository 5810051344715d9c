import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../emulator/index.js';
import { buildCli, playBrowser, runCli, startCli } from './cli.js';
import { freePort } from './helpers.js';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

let emu: Emulator;
let port: number;
beforeAll(async () => {
  buildCli();
  port = await freePort();
  emu = await startEmulator({ quiet: true, oauthApps: [{ clientId: 'cid', clientSecret: 'csecret-31f', redirectUris: [`http://localhost:${port}/oauth-callback`] }] });
}, 120_000);
afterAll(async () => emu?.stop());

const mapping = 'version: 1\nmappings:\n  - name: c\n    action: upsertContact\n';

async function scratch(): Promise<{ dir: string; config: string; events: string; mapping: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'ha-logins-'));
  await writeFile(join(dir, 'e.ndjson'), JSON.stringify({ type: 'identify', messageId: 'm1', traits: { email: `${Math.random().toString(36).slice(2)}@x.io` } }) + '\n');
  await writeFile(join(dir, 'm.yaml'), mapping);
  return { dir, config: join(dir, 'config'), events: join(dir, 'e.ndjson'), mapping: join(dir, 'm.yaml') };
}

/** Saves a static token as `profile`, logged in at the emulator; later commands get no API URL. */
async function staticLogin(config: string, profile: string): Promise<string> {
  const token = emu.issueToken({ kind: 'static' });
  const r = await runCli(['login', '--token', '--profile', profile], { HUBSPOT_ACTIONS_CONFIG_DIR: config, HUBSPOT_API_BASE_URL: emu.url }, token);
  expect(r.code, r.stderr).toBe(0);
  return token;
}

/** Resets the emulator's request log, then logs in with OAuth (the browser played) into `config`. */
async function oauthLoginAfterReset(config: string): Promise<void> {
  await fetch(`${emu.url}/__emulator/reset`, { method: 'POST' });
  const cli = startCli(['login', '--no-browser', '--port', String(port), '--client-id', 'cid', '--timeout', '20'], {
    HUBSPOT_ACTIONS_CONFIG_DIR: config,
    HUBSPOT_API_BASE_URL: emu.url,
    HUBSPOT_APP_BASE_URL: emu.url,
    HUBSPOT_CLIENT_SECRET: 'csecret-31f',
  });
  await playBrowser(await cli.authorizeUrl);
  expect((await cli.done).code).toBe(0);
}

const contactCount = async () => ((await (await fetch(`${emu.url}/__emulator/dump`)).json()).records.contacts ?? []).length;

describe('a stored login remembers its hosts', () => {
  it('send with a login made at another API host sends there, not to api.hubapi.com', async () => {
    const s = await scratch();
    await staticLogin(s.config, 'default');
    const before = await contactCount();
    const r = await runCli(['send', s.events, '-m', s.mapping, '--failed', join(s.dir, 'f.ndjson')], { HUBSPOT_ACTIONS_CONFIG_DIR: s.config });
    expect(r.code, r.stderr).toBe(0);
    expect(await contactCount()).toBe(before + 1);
  });

  it('refuses to send a stored token to a host other than the one that issued it, naming both', async () => {
    const s = await scratch();
    await staticLogin(s.config, 'default');
    const elsewhere = `http://127.0.0.1:${await freePort()}`;
    const r = await runCli(['send', s.events, '-m', s.mapping, '--base-url', elsewhere], { HUBSPOT_ACTIONS_CONFIG_DIR: s.config });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`The saved login "default" was issued by ${emu.url}, but the API base URL given (--base-url or HUBSPOT_API_BASE_URL) is ${elsewhere}`);
  });

  it('login --app-url sends the browser there, and the login remembers it', async () => {
    const s = await scratch();
    const cli = startCli(['login', '--no-browser', '--port', String(port), '--client-id', 'cid', '--timeout', '20', '--app-url', emu.url], {
      HUBSPOT_ACTIONS_CONFIG_DIR: s.config,
      HUBSPOT_API_BASE_URL: emu.url,
      HUBSPOT_CLIENT_SECRET: 'csecret-31f',
    });
    const url = await cli.authorizeUrl;
    expect(url.startsWith(`${emu.url}/oauth/authorize?`)).toBe(true);
    await playBrowser(url);
    expect((await cli.done).code).toBe(0);
    const stored = JSON.parse(await readFile(join(s.config, 'credentials.json'), 'utf8')).profiles.default;
    expect(stored).toMatchObject({ apiBaseUrl: emu.url, appBaseUrl: emu.url });
    const status = await runCli(['auth', 'status'], { HUBSPOT_ACTIONS_CONFIG_DIR: s.config });
    expect(status.stdout).toContain(`  api:      ${emu.url}\n  app:      ${emu.url}`);
    const refresh = await runCli(['auth', 'refresh'], { HUBSPOT_ACTIONS_CONFIG_DIR: s.config });
    expect(refresh.code, refresh.stderr).toBe(0);
  });
});

describe("HubSpot's current OAuth endpoints", () => {
  it('login introspects and logout revokes with POST /oauth/v3/token/..., the token in the body, never in a path', async () => {
    const s = await scratch();
    await oauthLoginAfterReset(s.config);
    const { refreshToken } = JSON.parse(await readFile(join(s.config, 'credentials.json'), 'utf8')).profiles.default;
    const out = await runCli(['logout'], { HUBSPOT_ACTIONS_CONFIG_DIR: s.config });
    expect(out.code, out.stderr).toBe(0);
    const { counts } = await (await fetch(`${emu.url}/__emulator/requests`)).json();
    expect(counts['POST /oauth/v3/token/introspect']).toBe(1);
    expect(counts['POST /oauth/v3/token/revoke']).toBe(1);
    expect(Object.keys(counts).filter((k) => k.includes('/oauth/v1/access-tokens') || k.includes('/oauth/v1/refresh-tokens'))).toEqual([]);
    const refused = await fetch(`${emu.url}/oauth/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: 'cid', client_secret: 'csecret-31f', refresh_token: refreshToken }),
    });
    expect(refused.status).toBe(400);
  });
});

describe('the preflight of a stored OAuth login', () => {
  it('takes the Hub ID and scopes HubSpot gave at login, and never asks GET /oauth/v1/access-tokens/{token}', async () => {
    const s = await scratch();
    await oauthLoginAfterReset(s.config);
    const before = await contactCount();
    const r = await runCli(['send', s.events, '-m', s.mapping, '--failed', join(s.dir, 'f.ndjson')], { HUBSPOT_ACTIONS_CONFIG_DIR: s.config });
    expect(r.code, r.stderr).toBe(0);
    expect(await contactCount()).toBe(before + 1);
    const { counts } = await (await fetch(`${emu.url}/__emulator/requests`)).json();
    expect(Object.keys(counts).filter((k) => k.includes('/oauth/v1/access-tokens'))).toEqual([]);
    // The preflight still ran: it read the contact properties the mapping writes.
    expect(counts['GET /crm/v3/properties/contacts']).toBeGreaterThan(0);
  });
});

describe('choosing a profile', () => {
  it('HUBSPOT_ACTIONS_PROFILE selects the profile, as --profile does', async () => {
    const s = await scratch();
    await staticLogin(s.config, 'svc');
    const none = await runCli(['send', s.events, '-m', s.mapping, '--failed', join(s.dir, 'f.ndjson')], { HUBSPOT_ACTIONS_CONFIG_DIR: s.config });
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('No HubSpot credentials found for profile "default"');
    const r = await runCli(['send', s.events, '-m', s.mapping, '--failed', join(s.dir, 'f.ndjson')], { HUBSPOT_ACTIONS_CONFIG_DIR: s.config, HUBSPOT_ACTIONS_PROFILE: 'svc' });
    expect(r.code, r.stderr).toBe(0);
    const status = await runCli(['auth', 'status'], { HUBSPOT_ACTIONS_CONFIG_DIR: s.config, HUBSPOT_ACTIONS_PROFILE: 'svc' });
    expect(status.stdout).toContain('In effect for profile "svc": the saved profile "svc"');
  });

  it('auth switch <name> makes it the default; a profile that is not saved is refused with the saved ones', async () => {
    const s = await scratch();
    await staticLogin(s.config, 'eu');
    const wrong = await runCli(['auth', 'switch', 'us'], { HUBSPOT_ACTIONS_CONFIG_DIR: s.config });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('No saved login "us" to switch to.');
    expect(wrong.stderr).toContain('Saved logins: eu.');
    const ok = await runCli(['auth', 'switch', 'eu'], { HUBSPOT_ACTIONS_CONFIG_DIR: s.config });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toContain('Commands now use the saved login "eu"');
    const r = await runCli(['send', s.events, '-m', s.mapping, '--failed', join(s.dir, 'f.ndjson')], { HUBSPOT_ACTIONS_CONFIG_DIR: s.config });
    expect(r.code, r.stderr).toBe(0);
    const out = await runCli(['logout'], { HUBSPOT_ACTIONS_CONFIG_DIR: s.config });
    expect(out.stderr).toContain('Removed profile "eu"');
    expect(JSON.parse(await readFile(join(s.config, 'credentials.json'), 'utf8')).defaultProfile).toBeUndefined();
  });
});

describe('the OAuth callback is hostile input', () => {
  it('an error text with escape sequences reaches the terminal escaped, not drawn', async () => {
    const s = await scratch();
    const cli = startCli(['login', '--no-browser', '--port', String(port), '--client-id', 'cid', '--timeout', '20'], {
      HUBSPOT_ACTIONS_CONFIG_DIR: s.config,
      HUBSPOT_API_BASE_URL: emu.url,
      HUBSPOT_APP_BASE_URL: emu.url,
      HUBSPOT_CLIENT_SECRET: 'csecret-31f',
    });
    const authorize = new URL(await cli.authorizeUrl);
    const callback = new URL(authorize.searchParams.get('redirect_uri')!);
    callback.searchParams.set('state', authorize.searchParams.get('state')!);
    callback.searchParams.set('error', '\x1b[2J\x1b[1;1HLogged in OK\r');
    const page = await fetch(callback);
    expect(page.status).toBe(400);
    const r = await cli.done;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('HubSpot refused the login: \\x1b[2J\\x1b[1;1HLogged in OK\\x0d.');
    expect(r.stderr).not.toContain('\x1b');
  });
});
