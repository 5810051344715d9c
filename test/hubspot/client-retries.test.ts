import { SERVER_MAX_SHARE } from '../../src/hubspot/rate-limiter.js';
import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHubSpotClient, type ClientOptions, type RetryInfo } from '../../src/hubspot/client.js';
import { HubSpotRunError } from '../../src/errors.js';
import {
  answerAfter,
  bodies,
  dropConnection,
  fakeTokens,
  json,
  ok,
  startServer,
  type Step,
} from './scripted-server.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

/** Backoff jitter pinned to its low end so retries stay quick; the waits themselves are not under test here. */
async function setup(script: Step[] | Step, opts: Partial<ClientOptions> = {}) {
  const server = await startServer(script);
  const retries: RetryInfo[] = [];
  const tokens = opts.tokens ?? fakeTokens();
  const client = createHubSpotClient({
    baseUrl: server.url,
    tokens,
    random: () => 0,
    onRetry: (info) => retries.push(info),
    ...opts,
  });
  cleanup.push(() => server.close(), () => client.close());
  return { server, client, retries, tokens };
}

async function rejection(p: Promise<unknown>): Promise<HubSpotRunError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HubSpotRunError);
  return err as HubSpotRunError;
}

describe('requests and answers', () => {
  it('sends JSON with the bearer token and user agent, and parses the JSON answer', async () => {
    const { server, client } = await setup(ok({ id: '512', properties: { email: 'a@b.c' } }, { 'X-HubSpot-Correlation-Id': 'abc' }));
    const res = await client.send({
      method: 'POST',
      path: '/crm/v3/objects/contacts/batch/upsert',
      query: { archived: false, skip: undefined },
      body: { inputs: [{ id: 'a@b.c', idProperty: 'email', properties: { email: 'a@b.c' } }] },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: '512', properties: { email: 'a@b.c' } });
    expect(res.headers['x-hubspot-correlation-id']).toBe('abc');
    expect(res.headers['content-type']).toBe('application/json;charset=utf-8');
    const seen = server.seen[0];
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/crm/v3/objects/contacts/batch/upsert?archived=false');
    expect(seen.headers.authorization).toBe('Bearer token-one-secret');
    expect(seen.headers['content-type']).toBe('application/json');
    expect(seen.headers['user-agent']).toMatch(/^hubspot-actions\/\d+\.\d+\.\d+/);
    expect(JSON.parse(seen.body)).toEqual({ inputs: [{ id: 'a@b.c', idProperty: 'email', properties: { email: 'a@b.c' } }] });
    expect(client.readOnly).toBe(false);
  });

  it('answers an empty body as undefined and a non-JSON body as { raw }', async () => {
    const { client, server } = await setup([
      (_req, res) => res.writeHead(204).end(),
      (_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<html>Not Found</html>'),
    ]);
    const empty = await client.send({ method: 'DELETE', path: '/crm/v3/objects/contacts/1' });
    expect(empty).toMatchObject({ status: 204, body: undefined });
    expect(server.seen[0].headers['content-type']).toBeUndefined();
    const html = await client.send({ method: 'GET', path: '/nowhere' });
    expect(html).toMatchObject({ status: 404, body: { raw: '<html>Not Found</html>' } });
  });

  it('reuses one keep-alive connection for sequential requests', async () => {
    const { client, server } = await setup(ok());
    for (let i = 0; i < 6; i++) expect((await client.send({ method: 'GET', path: `/r/${i}` })).status).toBe(200);
    expect(server.seen).toHaveLength(6);
    expect(server.connections).toBe(1);
  });
});

describe('retries', () => {
  it('retries a 503 and resolves with the 200 that follows', async () => {
    const { client, server, retries } = await setup([json(503, { message: 'busy' }), ok({ done: true })]);
    const res = await client.send({ method: 'POST', path: '/events/v3/send', body: { eventName: 'pe1_x' }, budget: 'events' });
    expect(res).toMatchObject({ status: 200, body: { done: true } });
    expect(server.seen).toHaveLength(2);
    expect(server.seen[1].body).toBe(server.seen[0].body);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ attempt: 1, cause: 'server-busy', status: 503 });
    expect(client.stats().retries).toEqual({ 'server-busy': 1 });
    expect(client.stats().requests).toEqual({ standard: 0, search: 0, events: 2, exempt: 0 });
  });

  it('retries 408, 423, 477, 500, 502, 504 and 52x, but not 501 or other 4xx', async () => {
    // One client per status, in parallel: one chain of seven backoffs would take half a minute.
    const retried = [408, 423, 477, 500, 502, 504, 524];
    await Promise.all(
      retried.map(async (status) => {
        const { client, server, retries } = await setup([json(status, { message: `status ${status}` }), ok()]);
        expect((await client.send({ method: 'GET', path: '/a' })).status).toBe(200);
        expect(retries).toMatchObject([{ status, cause: 'server-busy' }]);
        expect(server.seen).toHaveLength(2);
      }),
    );
    await Promise.all(
      [400, 404, 409, 501].map(async (status) => {
        const { client, server, retries } = await setup(json(status, { category: 'X', message: `status ${status}` }));
        const res = await client.send({ method: 'POST', path: '/b', body: {} });
        expect(res).toMatchObject({ status, body: { message: `status ${status}` } });
        expect(server.seen).toHaveLength(1);
        expect(retries).toHaveLength(0);
      }),
    );
  });

  it('resolves with the last answer, HubSpot body intact, when retries run out on a status', async () => {
    const { client, server, retries } = await setup(json(500, { status: 'error', message: 'internal error', correlationId: 'c-1' }), {
      maxRetries: 2,
    });
    const res = await client.send({ method: 'GET', path: '/x' });
    expect(res).toMatchObject({ status: 500, body: { message: 'internal error', correlationId: 'c-1' } });
    expect(server.seen).toHaveLength(3);
    expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
  });

  it('retries a dropped connection', async () => {
    const { client, server, retries } = await setup([dropConnection, ok({ after: 'drop' })]);
    const res = await client.send({ method: 'POST', path: '/crm/v3/objects/contacts/batch/upsert', body: { inputs: [] } });
    expect(res).toMatchObject({ status: 200, body: { after: 'drop' } });
    expect(server.seen).toHaveLength(2);
    expect(retries).toMatchObject([{ cause: 'network', attempt: 1 }]);
    expect(retries[0].status).toBeUndefined();
  });

  it('does not repeat a non-idempotent write whose answer was lost: it answers ANSWER_LOST (status 0)', async () => {
    const { client, server, retries } = await setup([dropConnection, ok({ second: true })]);
    const res = await client.send({ method: 'POST', path: '/crm/v3/objects/deals/batch/create', body: { inputs: [] }, idempotent: false });
    expect(res).toMatchObject({ status: 0, body: { category: 'ANSWER_LOST' } });
    expect(res.body.message).toMatch(/the write may or may not have happened/);
    expect(server.seen).toHaveLength(1);
    expect(retries).toEqual([]);
  });

  it('does not repeat a non-idempotent write answered 5xx: a gateway may answer 502 after HubSpot committed it', async () => {
    for (const status of [500, 502, 504]) {
      const { client, server, retries } = await setup([json(status, { status: 'error', message: 'upstream' }), ok({ second: true })]);
      const res = await client.send({ method: 'POST', path: '/crm/v3/objects/deals/batch/create', body: { inputs: [] }, idempotent: false });
      expect(res).toMatchObject({ status: 0, body: { category: 'ANSWER_LOST' } });
      expect(res.body.message).toMatch(new RegExp(`HubSpot answered ${status}; the write may or may not have happened`));
      expect(server.seen).toHaveLength(1);
      expect(retries).toEqual([]);
    }
  });

  it('still retries a non-idempotent write answered 429: the request was not applied', async () => {
    const { client, server } = await setup([json(429, { status: 'error', policyName: 'TEN_SECONDLY_ROLLING', message: 'limit' }), ok({ second: true })]);
    const res = await client.send({ method: 'POST', path: '/crm/v3/objects/deals/batch/create', body: { inputs: [] }, idempotent: false });
    expect(res).toMatchObject({ status: 200, body: { second: true } });
    expect(server.seen).toHaveLength(2);
  });

  it('retries an answer slower than the timeout', async () => {
    const { client, server, retries } = await setup([answerAfter(2_000, ok({ slow: true })), ok({ slow: false })], { timeoutMs: 200 });
    const res = await client.send({ method: 'GET', path: '/slow' });
    expect(res.body).toEqual({ slow: false });
    expect(server.seen).toHaveLength(2);
    expect(retries).toMatchObject([{ cause: 'timeout' }]);
  });

  it('stops the run with a network error when every attempt loses the connection', async () => {
    const { client, server, retries } = await setup(dropConnection, { maxRetries: 2 });
    const err = await rejection(client.send({ method: 'GET', path: '/oauth/v1/access-tokens/token-one-secret' }));
    expect(err.reason).toBe('network');
    expect(err.message).toMatch(/Could not reach HubSpot \(ECONNRESET\) for GET \/oauth\/v1\/access-tokens\/\[redacted\] after 3 attempts/);
    expect(err.hint).toMatch(/run the same command again/);
    expect(JSON.stringify({ m: err.message, h: err.hint, r: retries })).not.toContain('token-one-secret');
    expect(server.seen).toHaveLength(3);
  });

  it('gives up soon on a refused connection: nobody is listening', async () => {
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((r) => probe.close(() => r()));
    const retries: RetryInfo[] = [];
    const client = createHubSpotClient({ baseUrl: `http://127.0.0.1:${port}`, tokens: fakeTokens(), random: () => 0, onRetry: (i) => retries.push(i) });
    cleanup.push(() => client.close());
    const err = await rejection(client.send({ method: 'GET', path: '/x' }));
    expect(err.reason).toBe('network');
    expect(err.message).toContain('ECONNREFUSED');
    expect(retries).toHaveLength(2);
  });

  it('honours Retry-After before retrying', async () => {
    const { client, retries } = await setup([json(477, { message: 'Migration in progress' }, { 'Retry-After': '1' }), ok()]);
    const started = performance.now();
    expect((await client.send({ method: 'GET', path: '/m' })).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(retries[0]).toMatchObject({ status: 477, delayMs: 1_000 });
  });
});

describe('429s', () => {
  it('retries a TEN_SECONDLY_ROLLING 429 and pauses the standard budget', async () => {
    const limitHeaders = { 'X-HubSpot-RateLimit-Max': '100', 'X-HubSpot-RateLimit-Interval-Milliseconds': '1000' };
    const { client, server, retries } = await setup([json(429, bodies.tenSecondly, { ...limitHeaders, 'X-HubSpot-RateLimit-Remaining': '0' }), ok({ fine: 1 })]);
    const res = await client.send({ method: 'POST', path: '/crm/v3/objects/contacts', body: { properties: {} } });
    expect(res).toMatchObject({ status: 200, body: { fine: 1 } });
    expect(server.seen).toHaveLength(2);
    expect(retries).toMatchObject([{ cause: 'ten-secondly-limit', status: 429 }]);
    // The pause lasts until our one request leaves the 1 s window the server announced.
    expect(retries[0].delayMs).toBeGreaterThan(800);
    expect(retries[0].delayMs).toBeLessThanOrEqual(1_000);
    const stats = client.stats();
    expect(stats.rateLimited).toBe(1);
    // No --rate given: the budget follows the announced 100 per 1 s (its share of it), not 100 per 10 s rescaled.
    expect(stats.limits.standard).toMatchObject({ limit: Math.floor(100 * SERVER_MAX_SHARE), intervalMs: 1_000, serverMax: 100 });
  });

  it('pauses only the search budget on a SECONDLY 429', async () => {
    let searches = 0;
    const { client, server, retries } = await setup((req, res, seen) =>
      (req.url?.includes('/search') && ++searches === 1 ? json(429, bodies.secondly) : ok({ url: req.url }))(req, res, seen),
    );
    const search = client.send({ method: 'POST', path: '/crm/v3/objects/contacts/search', body: {}, budget: 'search' });
    await new Promise((r) => setTimeout(r, 50));
    const standard = await client.send({ method: 'GET', path: '/crm/v3/objects/contacts/1' });
    expect(standard.status).toBe(200);
    expect((await search).status).toBe(200);
    // The standard request went between the search's 429 and its retry: the pause held searches only.
    expect(server.seen.map((s) => s.url)).toEqual([
      '/crm/v3/objects/contacts/search',
      '/crm/v3/objects/contacts/1',
      '/crm/v3/objects/contacts/search',
    ]);
    expect(retries).toMatchObject([{ cause: 'secondly-limit', delayMs: 1_000, status: 429 }]);
  });

  it('stops the run on a DAILY 429 without retrying', async () => {
    const { client, server, retries } = await setup(json(429, bodies.daily));
    const err = await rejection(client.send({ method: 'GET', path: '/d' }));
    expect(err.reason).toBe('daily-limit');
    expect(err.message).toBe("HubSpot's daily API limit is reached (429 DAILY, correlationId c033cdaa-0000-4000-8000-000000000001).");
    expect(err.hint).toMatch(/run the same command again after the reset/);
    expect(server.seen).toHaveLength(1);
    expect(retries).toHaveLength(0);
  });
});

describe('401', () => {
  it('renews the token once and retries with it', async () => {
    const tokens = fakeTokens(['old-token-secret'], ['new-token-secret']);
    const { client, server, retries } = await setup(
      (req, res, seen) => (req.headers.authorization === 'Bearer new-token-secret' ? ok({ id: 1 }) : json(401, bodies.expired))(req, res, seen),
      { tokens },
    );
    const res = await client.send({ method: 'GET', path: '/crm/v3/objects/contacts/1' });
    expect(res).toMatchObject({ status: 200, body: { id: 1 } });
    expect(tokens.renewCalls).toEqual(['old-token-secret']);
    expect(server.seen.map((s) => s.headers.authorization)).toEqual(['Bearer old-token-secret', 'Bearer new-token-secret']);
    expect(retries).toMatchObject([{ cause: 'unauthorized', status: 401 }]);
    expect(JSON.stringify(retries)).not.toMatch(/token-secret/);
  });

  it('stops the run when the renewed token is refused too', async () => {
    const tokens = fakeTokens(['old-token-secret'], ['new-token-secret', 'third-token-secret']);
    const { client, server } = await setup(json(401, bodies.expired), { tokens });
    const err = await rejection(client.send({ method: 'GET', path: '/x' }));
    expect(err.reason).toBe('auth');
    expect(err.message).toBe(
      'HubSpot rejected the credentials (401 EXPIRED_AUTHENTICATION: The OAuth token used to make this call expired 0 second(s) ago., correlationId 019cd9fe-0000-4000-8000-000000000004)',
    );
    expect(err.hint).toBe('Run `hubspot-actions login` to sign in again, or check HUBSPOT_ACCESS_TOKEN / --token.');
    expect(tokens.renewCalls).toEqual(['old-token-secret']);
    expect(server.seen).toHaveLength(2);
  });

  it('stops the run when the credential cannot be renewed', async () => {
    const tokens = fakeTokens(['static-token-secret'], []);
    const { client, server } = await setup(
      json(401, { status: 'error', message: 'Authentication credentials not found.', category: 'INVALID_AUTHENTICATION' }),
      { tokens },
    );
    const err = await rejection(client.send({ method: 'GET', path: '/x' }));
    expect(err.reason).toBe('auth');
    expect(err.message).toContain('401 INVALID_AUTHENTICATION');
    expect(err.message).not.toContain('static-token-secret');
    expect(server.seen).toHaveLength(1);
  });

  it('resolves a 403 MISSING_SCOPES for the caller to report', async () => {
    const { client } = await setup(json(403, bodies.missingScopes));
    const res = await client.send({ method: 'POST', path: '/crm/v3/objects/contacts', body: {} });
    expect(res.status).toBe(403);
    expect(res.body.category).toBe('MISSING_SCOPES');
  });
});

describe('closing', () => {
  it('lets the process exit: close() destroys the pooled sockets', async () => {
    const { client, server } = await setup(ok());
    await client.send({ method: 'GET', path: '/a' });
    client.close();
    // After close a new request opens a fresh connection rather than reusing a destroyed one.
    expect((await client.send({ method: 'GET', path: '/b' })).status).toBe(200);
    expect(server.connections).toBe(2);
  });
});
