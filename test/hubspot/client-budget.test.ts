import { SERVER_MAX_SHARE } from '../../src/hubspot/rate-limiter.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createHubSpotClient, type ClientOptions } from '../../src/hubspot/client.js';
import type { HubSpotRequest } from '../../src/hubspot/transport.js';
import { bodies, fakeTokens, json, ok, startServer, type Step } from './scripted-server.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function setup(script: Step[] | Step, opts: Partial<ClientOptions> = {}) {
  const server = await startServer(script);
  const client = createHubSpotClient({ baseUrl: server.url, tokens: fakeTokens(), ...opts });
  cleanup.push(() => server.close(), () => client.close());
  return { server, client };
}

/**
 * HubSpot's ten-secondly limit as HubSpot runs it: a rolling window of accepted calls, headers on
 * every answer, the real 429 body once the window is full. `foreign` calls from another app on the
 * same account are already in the window when the test starts.
 */
function rollingLimit(max: number, intervalMs: number, foreign = 0) {
  const accepted: number[] = Array.from({ length: foreign }, () => performance.now());
  const stats = { rejected: 0 };
  const step: Step = (req, res, seen) => {
    while (accepted.length && accepted[0] + intervalMs <= seen.at) accepted.shift();
    const headers = {
      'X-HubSpot-RateLimit-Max': String(max),
      'X-HubSpot-RateLimit-Interval-Milliseconds': String(intervalMs),
    };
    if (accepted.length >= max) {
      stats.rejected++;
      return json(429, bodies.tenSecondly, { ...headers, 'X-HubSpot-RateLimit-Remaining': '0' })(req, res, seen);
    }
    accepted.push(seen.at);
    ok({ n: seen.url }, { ...headers, 'X-HubSpot-RateLimit-Remaining': String(max - accepted.length) })(req, res, seen);
  };
  return { step, stats };
}

/** The most requests the server saw inside any window of `ms`. */
function busiestWindow(times: number[], ms: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i] - sorted[j] >= ms) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

const get = (i: number, budget?: HubSpotRequest['budget']): HubSpotRequest => ({ method: 'GET', path: `/r/${i}`, budget });

describe('rate budgets', () => {
  it('lowers its budget to its share of the maximum HubSpot announces, and keeps under it', async () => {
    const limit = rollingLimit(10, 1_000);
    const { client, server } = await setup(limit.step);
    const answers = await Promise.all(Array.from({ length: 24 }, (_, i) => client.send(get(i))));
    expect(answers.map((a) => a.status)).toEqual(Array(24).fill(200));
    expect(limit.stats.rejected).toBe(0);
    expect(busiestWindow(server.seen.map((s) => s.at), 1_000)).toBeLessThanOrEqual(10);
    const stats = client.stats();
    expect(stats.limits.standard).toMatchObject({ limit: Math.floor(10 * SERVER_MAX_SHARE), intervalMs: 1_000, serverMax: 10 });
    expect(stats.rateLimited).toBe(0);
    expect(stats.budgetWaitMs.standard).toBeGreaterThan(0);
  });

  it('sends no more than the server says is left when another app shares the bucket', async () => {
    const limit = rollingLimit(20, 1_000, 15);
    const { client } = await setup(limit.step, { maxConcurrency: 4 });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => client.send(get(i))));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(limit.stats.rejected).toBeLessThanOrEqual(1);
  });

  it('adapts after a 429 storm: few 429s, every request delivered', async () => {
    // A --rate far above the account's real limit, and enough concurrency to overrun it at once.
    const limit = rollingLimit(20, 1_000);
    const { client } = await setup(limit.step, { ratePer10s: 1_000, maxConcurrency: 30, random: () => 0 });
    const n = 80;
    const answers = await Promise.all(Array.from({ length: n }, (_, i) => client.send(get(i))));
    expect(answers.map((a) => a.status)).toEqual(Array(n).fill(200));
    expect(new Set(answers.map((a) => a.body.n)).size).toBe(n);
    const stats = client.stats();
    expect(stats.rateLimited).toBe(limit.stats.rejected);
    // The first burst of 30 against 20 costs 10 429s; after that the headers keep the client under the
    // limit, retries included, so not one more.
    expect(limit.stats.rejected).toBe(10);
    expect(stats.retries['ten-secondly-limit']).toBe(limit.stats.rejected);
    expect(stats.limits.standard).toMatchObject({ limit: Math.floor(20 * SERVER_MAX_SHARE), intervalMs: 1_000 });
  });

  it('keeps search on its own per-second budget without holding back other requests', async () => {
    const { client, server } = await setup(ok(), { searchPerSecond: 2 });
    const searches = Array.from({ length: 5 }, (_, i) =>
      client.send({ method: 'POST', path: `/crm/v3/objects/contacts/search?i=${i}`, body: {}, budget: 'search' }),
    );
    const others = Array.from({ length: 5 }, (_, i) => client.send(get(i)));
    const events = Array.from({ length: 5 }, (_, i) => client.send({ method: 'POST', path: '/events/v3/send', body: { i }, budget: 'events' }));
    await Promise.all([...searches, ...others, ...events]);
    const at = (match: (url: string) => boolean) => server.seen.filter((s) => match(s.url)).map((s) => s.at);
    const searchTimes = at((u) => u.includes('/search'));
    // Tolerance for timer and socket jitter: two 1 s windows must not overlap by more than a few ms.
    expect(busiestWindow(searchTimes, 950)).toBeLessThanOrEqual(2);
    const lastSearch = Math.max(...searchTimes);
    expect(Math.max(...at((u) => u.startsWith('/r/')), ...at((u) => u.startsWith('/events')))).toBeLessThan(lastSearch);
    const stats = client.stats();
    expect(stats.requests).toEqual({ standard: 5, search: 5, events: 5, exempt: 0 });
    expect(stats.budgetWaitMs.search).toBeGreaterThan(1_000);
    expect(stats.budgetWaitMs.standard).toBe(0);
    expect(stats.budgetWaitMs.events).toBe(0);
  });

  it('sends batch associations, outside the ten-secondly limit, while the standard budget is spent', async () => {
    const limit = rollingLimit(4, 1_000);
    // As HubSpot does: the association endpoint's answers carry the headers but it is not counted.
    const headers = { 'X-HubSpot-RateLimit-Max': '4', 'X-HubSpot-RateLimit-Interval-Milliseconds': '1000', 'X-HubSpot-RateLimit-Remaining': '0' };
    const { client, server } = await setup((req, res, seen) => (seen.url.includes('/associations/') ? ok({}, headers)(req, res, seen) : limit.step(req, res, seen)));
    const standard = Array.from({ length: 8 }, (_, i) => client.send(get(i)));
    const exempt = Array.from({ length: 3 }, (_, i) =>
      client.send({ method: 'POST', path: `/crm/v4/associations/companies/contacts/batch/associate/default?i=${i}`, body: { inputs: [] }, budget: 'exempt' }),
    );
    await Promise.all([...standard, ...exempt]);
    const at = (match: (url: string) => boolean) => server.seen.filter((s) => match(s.url)).map((s) => s.at);
    // The standard budget admits 3 (its share of 4) per second: the rest wait a window, the associations do not.
    expect(Math.max(...at((u) => u.includes('/associations/')))).toBeLessThan(Math.max(...at((u) => u.startsWith('/r/'))) - 500);
    const stats = client.stats();
    expect(stats.requests).toMatchObject({ search: 0, events: 0, exempt: 3 });
    expect(stats.budgetWaitMs.exempt).toBe(0);
    expect(stats.budgetWaitMs.standard).toBeGreaterThan(0);
  });

  it('counts a used-up budget as backlog while requests are in flight, and not once none is left to wake the run', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    const { client } = await setup((req, res, seen) => {
      if (seen.url === '/r/slow') void held.then(() => ok()(req, res, seen));
      else ok()(req, res, seen);
    }, { ratePer10s: 2 });
    await client.send(get(0));
    expect(client.backlog!()).toBe(0);
    const slow = client.send({ method: 'GET', path: '/r/slow' });
    await new Promise((r) => setTimeout(r, 50));
    // Nothing waits in the queue, but the budget is spent: a batch sent now would wait anyway.
    expect(client.backlog!()).toBe(1);
    release();
    await slow;
    // Still spent, but nothing in flight would pump the scheduler again: the batch must go and queue.
    expect(client.backlog!()).toBe(0);
  });

  it('serves thousands of queued requests through one queue', async () => {
    const { client, server } = await setup(ok(), { maxConcurrency: 6 });
    const n = 3_000;
    const answers = await Promise.all(
      Array.from({ length: n }, (_, i) => client.send({ method: 'POST', path: '/events/v3/send', body: { i }, budget: 'events' })),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(n);
    expect(client.stats().requests.events).toBe(n);
    expect(server.connections).toBeLessThanOrEqual(6);
  });
});
