import { describe, expect, it } from 'vitest';
import { browserCommand } from '../../src/auth/browser.js';
import { checkCallback, redirectUriFor, startLoopbackServer } from '../../src/auth/loopback-server.js';
import { buildAuthorizeUrl } from '../../src/auth/oauth-flow.js';
import { needsRefresh, refreshDueAt } from '../../src/auth/oauth-token-provider.js';
import { maskToken } from '../../src/auth/mask.js';
import { DEFAULT_REQUIRED_SCOPES, optionalScopesFor, parseScopeList } from '../../src/auth/scopes.js';
import { missingScopeWarnings } from '../../src/commands/auth/scope-warnings.js';
import { UserError } from '../../src/errors.js';
import { freePort } from './helpers.js';

describe('buildAuthorizeUrl', () => {
  it('builds HubSpot\'s authorize URL with %20-separated scopes, optional scopes and state', () => {
    const url = buildAuthorizeUrl({
      appBaseUrl: 'https://app.hubspot.com',
      clientId: 'cid',
      redirectUri: redirectUriFor(3000),
      scopes: ['oauth', 'crm.objects.contacts.read'],
      optionalScopes: ['tickets'],
      state: 'st/ate+1',
    });
    expect(url).toBe(
      'https://app.hubspot.com/oauth/authorize?client_id=cid&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Foauth-callback&scope=oauth%20crm.objects.contacts.read&optional_scope=tickets&state=st%2Fate%2B1',
    );
    const parsed = new URL(url);
    expect(parsed.searchParams.get('state')).toBe('st/ate+1');
  });

  it('leaves optional_scope out when there is none', () => {
    const url = buildAuthorizeUrl({ appBaseUrl: 'http://e', clientId: 'c', redirectUri: 'r', scopes: ['oauth'], optionalScopes: [], state: 's' });
    expect(url).not.toContain('optional_scope');
  });
});

describe('checkCallback', () => {
  const q = (s: string) => new URLSearchParams(s);
  it('accepts the right state with a code', () => {
    expect(checkCallback(q('code=abc&state=s1'), 's1')).toEqual({ ok: true, code: 'abc' });
  });
  it.each([
    ['code=abc&state=wrong', /state that this login did not send/],
    ['code=abc', /no state/],
    ['state=s1', /no authorization code/],
    ['error=access_denied&state=s1', /denied/],
    ['error=invalid_scope&error_description=nope&state=s1', /invalid_scope \(nope\)/],
    // The state is checked first: an error from a page that does not know it is not even read.
    ['error=access_denied', /no state/],
    ['error=x&state=forged', /state that this login did not send/],
    // A page that knows the state still cannot draw on the terminal.
    ['error=%1B%5B2J%1B%5B1%3B1HLogged%20in%20OK&state=s1', /refused the login: \\x1b\[2J\\x1b\[1;1HLogged in OK\./],
  ])('refuses %s', (query, message) => {
    const out = checkCallback(q(query), 's1');
    expect(out.ok).toBe(false);
    if (!out.ok) {
      expect(out.error).toBeInstanceOf(UserError);
      expect(out.error.message).toMatch(message);
      expect(out.error.hint).toContain('hubspot-actions login');
    }
  });
});

describe('loopback server', () => {
  it('listens on loopback only, answers the browser, and ignores other paths', async () => {
    const port = await freePort();
    const server = await startLoopbackServer(port, 'good');
    try {
      const stray = await fetch(`http://127.0.0.1:${port}/favicon.ico`);
      expect(stray.status).toBe(404);
      const waiting = server.waitForCallback(5_000);
      const browser = fetch(`http://127.0.0.1:${port}/oauth-callback?code=c1&state=good`);
      const cb = await waiting;
      expect(cb.outcome).toEqual({ ok: true, code: 'c1' });
      cb.reply(true, 'All done <you> can close this page.');
      const page = await browser;
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('All done &lt;you&gt; can close this page.');
    } finally {
      await server.close();
    }
  });

  it('times out with a message that says what to do', async () => {
    const server = await startLoopbackServer(await freePort(), 's');
    try {
      const err = await server.waitForCallback(200).catch((e) => e);
      expect(err).toBeInstanceOf(UserError);
      expect(err.message).toMatch(/^No answer from the browser within \d+ seconds?; the login was stopped\.$/);
      expect(err.hint).toContain('--timeout');
    } finally {
      await server.close();
    }
  });

  it('says which port is taken and how to pick another', async () => {
    const port = await freePort();
    const first = await startLoopbackServer(port, 's');
    try {
      const err = await startLoopbackServer(port, 's').catch((e) => e);
      expect(err).toBeInstanceOf(UserError);
      expect(err.message).toContain(`port ${port}`);
      expect(err.hint).toContain('--port');
    } finally {
      await first.close();
    }
  });
});

describe('scopes', () => {
  it('asks for what the actions need, Enterprise-only scopes as optional', () => {
    expect(DEFAULT_REQUIRED_SCOPES).toContain('crm.schemas.companies.write');
    expect(optionalScopesFor(DEFAULT_REQUIRED_SCOPES)).toContain('analytics.behavioral_events.send');
    expect(optionalScopesFor(['tickets', 'oauth'])).not.toContain('tickets');
    expect(parseScopeList('a, b  c,a')).toEqual(['a', 'b', 'c']);
  });

  it('names each action whose scopes were not granted', () => {
    expect(missingScopeWarnings([...DEFAULT_REQUIRED_SCOPES, 'crm.objects.custom.read', 'crm.objects.custom.write', 'crm.schemas.custom.read', 'analytics.behavioral_events.send'])).toEqual([]);
    const w = missingScopeWarnings(['oauth', 'crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.objects.companies.read', 'crm.objects.companies.write']);
    expect(w).toHaveLength(3);
    expect(w.find((x) => x.startsWith('Upsert Company '))).toMatch(/crm\.schemas\.companies\.write.*log in again/);
    expect(w.find((x) => x.startsWith('Upsert Custom Object Record '))).toMatch(/Enterprise/);
    expect(w.find((x) => x.startsWith('Send Custom Behavioral Event '))).toMatch(/analytics\.behavioral_events\.send/);
  });
});

describe('refresh timing', () => {
  const at = (lifetimeSeconds: number, expiresInMs: number, now: number) => ({
    lifetimeSeconds,
    expiresAt: new Date(now + expiresInMs).toISOString(),
  });
  it('renews HubSpot\'s 30-minute token half-way, and a 2-second token after one second', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(refreshDueAt(at(1800, 1800_000, now))).toBe(now + 900_000);
    expect(needsRefresh(at(1800, 901_000, now), now)).toBe(false);
    expect(needsRefresh(at(1800, 899_000, now), now)).toBe(true);
    expect(needsRefresh(at(2, 1_100, now), now)).toBe(false);
    expect(needsRefresh(at(2, 900, now), now)).toBe(true);
    // A 6-hour token is renewed 30 minutes before it ends, not half-way.
    expect(needsRefresh(at(21600, 31 * 60_000, now), now)).toBe(false);
    expect(needsRefresh(at(21600, 29 * 60_000, now), now)).toBe(true);
    expect(needsRefresh({ lifetimeSeconds: 2, expiresAt: 'garbage' }, now)).toBe(true);
  });
});

describe('secrets in output', () => {
  it('masks a static token to its prefix and last four characters', () => {
    expect(maskToken('pat-na1-11111111-2222-3333-4444-555555551a2b')).toBe('pat-na1-…1a2b');
    expect(maskToken('CKDZpunPLhICAQEYs-gDIIGOBii1hQIyGQAf3xBK')).toBe('…3xBK');
    expect(maskToken('short')).toBe('…');
  });
});

describe('browserCommand', () => {
  it('does not open anything with BROWSER=none, uses BROWSER when set, else the platform opener', () => {
    expect(browserCommand('http://u', { BROWSER: 'none' })).toBeUndefined();
    expect(browserCommand('http://u', { BROWSER: 'firefox --new-window:chromium' })).toEqual({ cmd: 'firefox', args: ['--new-window', 'http://u'] });
    expect(browserCommand('http://u', {}, 'linux')).toEqual({ cmd: 'xdg-open', args: ['http://u'] });
    expect(browserCommand('http://u', {}, 'darwin')).toEqual({ cmd: 'open', args: ['http://u'] });
    expect(browserCommand('http://u?a=1&b=2', {}, 'win32')?.cmd).toBe('rundll32');
  });
});
