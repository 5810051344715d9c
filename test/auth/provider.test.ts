import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../emulator/index.js';
import { resolveCredential } from '../../src/auth/credentials.js';
import { OAuthTokenProvider } from '../../src/auth/oauth-token-provider.js';
import { TokenStore, type OAuthProfile } from '../../src/auth/token-store.js';
import { AuthRequired, HubSpotRunError } from '../../src/errors.js';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

const LIFETIME_S = 2;
const APP = { clientId: 'provider-client', clientSecret: 'provider-secret', redirectUris: ['http://localhost:3999/oauth-callback'] };

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ quiet: true, accessTokenLifetimeSeconds: LIFETIME_S, oauthApps: [APP] });
});
afterAll(async () => {
  await emu?.stop();
});

/** Logs in at the emulator as the browser and the CLI would, and saves the profile to a fresh store. */
async function storedLogin(): Promise<{ dir: string; profile: OAuthProfile; store: TokenStore }> {
  const authorize = new URL(`${emu.url}/oauth/authorize`);
  authorize.search = new URLSearchParams({ client_id: APP.clientId, redirect_uri: APP.redirectUris[0]!, scope: 'oauth crm.objects.contacts.read', state: 's' }).toString();
  const consent = await fetch(authorize, { redirect: 'manual' });
  const code = new URL(consent.headers.get('location')!).searchParams.get('code')!;
  const requestedAt = Date.now();
  const res = await fetch(`${emu.url}/oauth/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: APP.clientId, client_secret: APP.clientSecret, redirect_uri: APP.redirectUris[0]!, code }),
  });
  const grant = await res.json();
  expect(grant.expires_in).toBe(LIFETIME_S);
  const profile: OAuthProfile = {
    kind: 'oauth',
    accessToken: grant.access_token,
    refreshToken: grant.refresh_token,
    expiresAt: new Date(requestedAt + grant.expires_in * 1000).toISOString(),
    lifetimeSeconds: grant.expires_in,
    clientId: APP.clientId,
    clientSecret: APP.clientSecret,
    apiBaseUrl: emu.url,
    savedAt: new Date().toISOString(),
  };
  const dir = await mkdtemp(join(tmpdir(), 'ha-provider-'));
  const store = new TokenStore(dir);
  await store.saveProfile('default', profile);
  return { dir, profile, store };
}

const accepted = async (token: string) =>
  (await fetch(`${emu.url}/crm/v3/objects/contacts?limit=1`, { headers: { authorization: `Bearer ${token}` } })).status;

/** The store of the config dir the test's environment names, as the command factory would open it. */
const resolveFrom = async (o: { token?: string; profile?: string; apiBaseUrl: string; env: NodeJS.ProcessEnv }) =>
  (await resolveCredential({ ...o, requestedBaseUrl: o.apiBaseUrl, store: async () => new TokenStore(o.env.HUBSPOT_ACTIONS_CONFIG_DIR!) })).tokens;

const sleepUntil = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - Date.now())));

describe('OAuth token provider against the emulator', () => {
  it('keeps a 2-second token usable for ~5 s with exactly one refresh per half-lifetime', async () => {
    const { dir, profile, store } = await storedLogin();
    const provider = await resolveFrom({ apiBaseUrl: emu.url, env: { HUBSPOT_ACTIONS_CONFIG_DIR: dir } });
    expect(provider.kind).toBe('oauth');
    expect(provider.source).toBe('store');

    // Samples every 600 ms: each is 200 ms away from a refresh boundary (1 s before expiry), so
    // timer jitter cannot move a refresh from one sample to the next.
    const issuedAt = Date.parse(profile.expiresAt) - LIFETIME_S * 1000;
    const slots = Array.from({ length: 9 }, (_, k) => issuedAt + 300 + k * 600);
    let expiresAt = Date.parse(profile.expiresAt);
    let expectedRefreshes = 0;
    for (const t of slots) {
      if (expiresAt - t < (LIFETIME_S * 1000) / 2) {
        expectedRefreshes++;
        expiresAt = t + LIFETIME_S * 1000;
      }
    }
    expect(expectedRefreshes).toBe(4);

    const seen: string[] = [profile.accessToken];
    for (const t of slots) {
      await sleepUntil(t);
      // Three callers at once share one refresh.
      const tokens = await Promise.all([provider.getAccessToken(), provider.getAccessToken(), provider.getAccessToken()]);
      expect(new Set(tokens).size).toBe(1);
      expect(await accepted(tokens[0]!)).toBe(200);
      if (tokens[0] !== seen.at(-1)) seen.push(tokens[0]!);
    }
    expect(Date.now() - issuedAt).toBeGreaterThan(5_000);
    expect(seen.length - 1).toBe(expectedRefreshes);
    // Every refreshed token was saved as it arrived.
    expect((await store.getProfile('default'))?.accessToken).toBe(seen.at(-1));
  }, 20_000);

  it('renewAfterUnauthorized refreshes once, and hands later callers the token already renewed', async () => {
    const { store, profile } = await storedLogin();
    const provider = new OAuthTokenProvider(store, 'default', profile, emu.url);
    const first = await provider.renewAfterUnauthorized(profile.accessToken);
    expect(first).toBeDefined();
    expect(first).not.toBe(profile.accessToken);
    // A second caller whose request failed with the old token gets the new one, no new refresh.
    expect(await provider.renewAfterUnauthorized(profile.accessToken)).toBe(first);
    expect((await store.getProfile('default'))?.accessToken).toBe(first);
    // Concurrent 401s with the current token: one refresh between them.
    const both = await Promise.all([provider.renewAfterUnauthorized(first!), provider.renewAfterUnauthorized(first!)]);
    expect(both[0]).toBe(both[1]);
    expect(both[0]).not.toBe(first);
  });

  it('a second process that finds a newer token in the store uses it instead of refreshing', async () => {
    const { dir, profile } = await storedLogin();
    // Two providers over two store objects: as two runs would have, both loaded before either refreshed.
    const a = new OAuthTokenProvider(new TokenStore(dir), 'default', profile, emu.url);
    const b = new OAuthTokenProvider(new TokenStore(dir), 'default', profile, emu.url);
    const [ra, rb] = await Promise.all([a.refreshNow(), b.refreshNow()]);
    expect([ra.how, rb.how].sort()).toEqual(['adopted', 'refreshed']);
    expect(ra.token).toBe(rb.token);
    expect(await accepted(ra.token!)).toBe(200);
  });

  it('a revoked refresh token makes renewAfterUnauthorized answer undefined and getAccessToken say "log in"', async () => {
    const { store, profile } = await storedLogin();
    expect((await fetch(`${emu.url}/oauth/v1/refresh-tokens/${profile.refreshToken}`, { method: 'DELETE' })).status).toBe(204);
    const provider = new OAuthTokenProvider(store, 'default', profile, emu.url);
    expect(await provider.renewAfterUnauthorized(profile.accessToken)).toBeUndefined();
    await sleepUntil(Date.parse(profile.expiresAt) - 500);
    const err = await provider.getAccessToken().catch((e) => e);
    expect(err).toBeInstanceOf(HubSpotRunError);
    expect(err.reason).toBe('auth');
    expect(err.message).toContain('revoked or has expired');
    expect(err.hint).toBe('Run `hubspot-actions login` to log in again.');
  });
});

describe('resolveCredential', () => {
  it('takes --token first, then HUBSPOT_ACCESS_TOKEN, then the store', async () => {
    const { dir, profile } = await storedLogin();
    const env = { HUBSPOT_ACTIONS_CONFIG_DIR: dir, HUBSPOT_ACCESS_TOKEN: 'from-env' };
    const flag = await resolveFrom({ token: 'from-flag', apiBaseUrl: emu.url, env });
    expect([flag.source, flag.kind, await flag.getAccessToken()]).toEqual(['flag', 'static', 'from-flag']);
    expect(await flag.renewAfterUnauthorized('from-flag')).toBeUndefined();
    const fromEnv = await resolveFrom({ apiBaseUrl: emu.url, env });
    expect([fromEnv.source, await fromEnv.getAccessToken()]).toEqual(['env', 'from-env']);
    const stored = await resolveFrom({ apiBaseUrl: emu.url, env: { HUBSPOT_ACTIONS_CONFIG_DIR: dir } });
    expect([stored.source, stored.kind, await stored.getAccessToken()]).toEqual(['store', 'oauth', profile.accessToken]);
  });

  it('says how to log in when nothing is found', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ha-provider-'));
    const err = await resolveFrom({ apiBaseUrl: emu.url, env: { HUBSPOT_ACTIONS_CONFIG_DIR: dir } }).catch((e) => e);
    expect(err).toBeInstanceOf(AuthRequired);
    expect(err.message).toBe('No HubSpot credentials found for profile "default".');
    expect(err.hint).toBe(
      'Run `hubspot-actions login` (OAuth) or `hubspot-actions login --token` (service key / private app), or set HUBSPOT_ACCESS_TOKEN.',
    );
    const other = await resolveFrom({ profile: 'eu', apiBaseUrl: emu.url, env: { HUBSPOT_ACTIONS_CONFIG_DIR: dir } }).catch((e) => e);
    expect(other.message).toBe('No HubSpot credentials found for profile "eu".');
    expect(other.hint).toContain('hubspot-actions login --profile eu --token');
  });
});
