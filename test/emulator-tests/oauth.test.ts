import { describe, expect, it } from 'vitest';
import { useEmulator, client, CORRELATION } from './helpers.js';

const APP = { client_id: 'test-client-id', client_secret: 'test-client-secret', redirect_uri: 'http://localhost:3000/oauth-callback' };

const { emu, controls: anon } = useEmulator({ accessTokenLifetimeSeconds: 60 });

function authorizeUrl(params: Record<string, string>, path = '/oauth/authorize') {
  return `${path}?${new URLSearchParams({ client_id: APP.client_id, redirect_uri: APP.redirect_uri, ...params })}`;
}

async function getCode(params: Record<string, string> = { scope: 'oauth crm.objects.contacts.read', state: 's1' }): Promise<string> {
  const r = await anon.get(authorizeUrl(params));
  expect(r.status).toBe(302);
  return new URL(r.headers.get('location')!).searchParams.get('code')!;
}

const form = (fields: Record<string, string>, path = '/oauth/v1/token') =>
  anon.post(path, new URLSearchParams(fields).toString(), { 'content-type': 'application/x-www-form-urlencoded' });

describe('authorize page', () => {
  it('redirects to redirect_uri with code and state as if approved', async () => {
    const r = await anon.get(authorizeUrl({ scope: 'oauth', state: 'xyz' }));
    expect(r.status).toBe(302);
    const loc = new URL(r.headers.get('location')!);
    expect(`${loc.origin}${loc.pathname}`).toBe(APP.redirect_uri);
    expect(loc.searchParams.get('state')).toBe('xyz');
    expect(loc.searchParams.get('code')).toMatch(/\S{8,}/);
  });

  it('serves the account-pinned path too', async () => {
    expect((await anon.get(authorizeUrl({ scope: 'oauth' }, '/oauth/1234567/authorize'))).status).toBe(302);
  });

  it('shows an HTML error page (400, no redirect) for a redirect URI that is not registered exactly', async () => {
    const r = await anon.get(authorizeUrl({ scope: 'oauth', redirect_uri: 'http://localhost:3001/oauth-callback' }));
    expect(r.status).toBe(400);
    expect(r.headers.get('location')).toBeNull();
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    expect(r.text).toContain("doesn't match the app's registered redirect URL");
    expect((await anon.get(authorizeUrl({ scope: 'oauth', client_id: 'who' }))).status).toBe(400);
  });

  it('redirects with error=access_denied when asked to deny (query flag or "deny next")', async () => {
    const r = await anon.get(authorizeUrl({ scope: 'oauth', state: 'st', __emulator_deny: '1' }));
    const loc = new URL(r.headers.get('location')!);
    expect(loc.searchParams.get('error')).toBe('access_denied');
    expect(loc.searchParams.get('error_description')).toBeTruthy();
    expect(loc.searchParams.get('state')).toBe('st');
    expect(loc.searchParams.get('code')).toBeNull();
    await anon.post('/__emulator/config', { denyNextAuthorize: true });
    expect(new URL((await anon.get(authorizeUrl({ scope: 'oauth' }))).headers.get('location')!).searchParams.get('error')).toBe('access_denied');
    expect(new URL((await anon.get(authorizeUrl({ scope: 'oauth' }))).headers.get('location')!).searchParams.get('code')).toBeTruthy();
  });
});

describe('token endpoint', () => {
  it('exchanges a code once for tokens whose scopes are scope + optional_scope', async () => {
    const code = await getCode({ scope: 'oauth crm.objects.contacts.write', optional_scope: 'analytics.behavioral_events.send' });
    const r = await form({ grant_type: 'authorization_code', ...APP, code });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ token_type: 'bearer', expires_in: 60, hub_id: 1234567, user_id: expect.any(Number) });
    expect(r.body.scopes).toEqual(['oauth', 'crm.objects.contacts.write', 'analytics.behavioral_events.send']);
    const api = client(emu.url, r.body.access_token);
    expect((await api.post('/crm/v3/objects/contacts', { properties: { email: 'o@x.co' } })).status).toBe(201);
    expect((await api.post('/crm/v3/objects/companies', { properties: { name: 'x' } })).status).toBe(403);
    const again = await form({ grant_type: 'authorization_code', ...APP, code });
    expect(again.status).toBe(400);
    expect(again.body).toEqual({ status: 'BAD_AUTH_CODE', message: 'missing or unknown auth code', correlationId: expect.stringMatching(CORRELATION) });
  });

  it('checks client id, secret, redirect uri and grant type', async () => {
    const code = await getCode();
    expect((await form({ grant_type: 'authorization_code', ...APP, client_id: 'x', code })).body.status).toBe('BAD_CLIENT_ID');
    expect((await form({ grant_type: 'authorization_code', ...APP, client_secret: 'x', code })).body.status).toBe('BAD_CLIENT_SECRET');
    expect((await form({ grant_type: 'authorization_code', ...APP, redirect_uri: 'http://localhost:3000/other', code })).body.status).toBe('BAD_REDIRECT_URI');
    expect((await form({ grant_type: 'password', ...APP })).body.status).toBe('BAD_GRANT_TYPE');
    // JSON is not read: HubSpot's token endpoint is form-encoded only.
    const json = await anon.post('/oauth/v1/token', { grant_type: 'authorization_code', ...APP, code });
    expect(json.status).toBe(400);
    expect(json.body.status).toBe('BAD_GRANT_TYPE');
  });

  it('answers EXPIRED_AUTH_CODE after the code lifetime', async () => {
    await anon.post('/__emulator/config', { authCodeLifetimeSeconds: 0 });
    const code = await getCode();
    const r = await form({ grant_type: 'authorization_code', ...APP, code });
    expect(r.body.status).toBe('EXPIRED_AUTH_CODE');
  });

  it('refreshes with the same refresh token on v1, v3 and the date-versioned path', async () => {
    const first = (await form({ grant_type: 'authorization_code', ...APP, code: await getCode() })).body;
    for (const path of ['/oauth/v1/token', '/oauth/v3/token', '/oauth/2026-03/token']) {
      const r = await form({ grant_type: 'refresh_token', client_id: APP.client_id, client_secret: APP.client_secret, refresh_token: first.refresh_token }, path);
      expect(r.status).toBe(200);
      expect(r.body.refresh_token).toBe(first.refresh_token);
      expect(r.body.access_token).not.toBe(first.access_token);
      expect(r.body.scopes).toEqual(first.scopes);
    }
    const bad = await form({ grant_type: 'refresh_token', client_id: APP.client_id, client_secret: APP.client_secret, refresh_token: 'nope' });
    expect(bad.body).toMatchObject({ status: 'BAD_REFRESH_TOKEN', message: 'missing or invalid refresh token' });
  });
});

describe('introspection and revocation', () => {
  it('describes access and refresh tokens, and a deleted refresh token stops working', async () => {
    const t = (await form({ grant_type: 'authorization_code', ...APP, code: await getCode() })).body;
    const info = await anon.get(`/oauth/v1/access-tokens/${t.access_token}`);
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ token: t.access_token, user: expect.stringContaining('@'), hub_id: 1234567, scopes: t.scopes, token_type: 'access', app_id: expect.any(Number), user_id: expect.any(Number) });
    expect(info.body.expires_in).toBeGreaterThan(50);
    expect(info.body.expires_in).toBeLessThanOrEqual(60);
    const rinfo = await anon.get(`/oauth/v1/refresh-tokens/${t.refresh_token}`);
    expect(rinfo.body).toMatchObject({ token: t.refresh_token, client_id: APP.client_id, hub_id: 1234567, token_type: 'refresh' });
    expect((await anon.del(`/oauth/v1/refresh-tokens/${t.refresh_token}`)).status).toBe(204);
    const r = await form({ grant_type: 'refresh_token', client_id: APP.client_id, client_secret: APP.client_secret, refresh_token: t.refresh_token });
    expect(r.body.status).toBe('BAD_REFRESH_TOKEN');
    // Access tokens issued earlier keep working.
    expect((await client(emu.url, t.access_token).get('/crm/v3/objects/contacts?limit=1')).status).toBe(200);
    expect((await anon.get('/oauth/v1/access-tokens/unknown')).status).toBe(404);
  });

  it('issues OAuth tokens through the control endpoint with the configured lifetime', async () => {
    const r = await anon.post('/__emulator/tokens', { kind: 'oauth', scopes: ['crm.objects.contacts.read'] });
    expect(r.body).toMatchObject({ access_token: expect.any(String), refresh_token: expect.any(String), expires_in: 60 });
    const info = await anon.get(`/oauth/v1/access-tokens/${r.body.access_token}`);
    expect(info.body.scopes).toEqual(['crm.objects.contacts.read']);
  });
});
