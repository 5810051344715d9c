import { describe, expect, it } from 'vitest';
import { parseRateLimitHeaders, RollingBudget, SERVER_MAX_SHARE } from '../../src/hubspot/rate-limiter.js';

/** What the budget aims at of a maximum the server announces. */
const share = (max: number) => Math.floor(max * SERVER_MAX_SHARE);
import { backoffMs, retryAfterMs } from '../../src/hubspot/retry-policy.js';

/** Sends as many as the budget allows at `now`, settling each at once; returns how many went. */
function drain(b: RollingBudget, now: number): number {
  let n = 0;
  while (b.waitMs(now) === 0 && n < 10_000) {
    b.take();
    b.settle(now);
    n++;
  }
  return n;
}

describe('RollingBudget', () => {
  it('lets `limit` through per rolling window, never twice that across a window edge', () => {
    const b = new RollingBudget(10, 1_000);
    expect(drain(b, 0)).toBe(10);
    expect(b.waitMs(0)).toBe(1_000);
    expect(drain(b, 999)).toBe(0);
    expect(drain(b, 1_000)).toBe(10);
    // Spread sends free up one by one as each ages out.
    const s = new RollingBudget(3, 1_000);
    for (const t of [0, 300, 600]) {
      s.take();
      s.settle(t);
    }
    expect(s.waitMs(700)).toBe(300);
    expect(drain(s, 1_000)).toBe(1);
    expect(s.waitMs(1_000)).toBe(300);
  });

  it('lowers its limit to its share of a smaller server maximum and adopts the server interval', () => {
    const b = new RollingBudget(100, 10_000);
    b.observe({ max: 190, intervalMs: 10_000 }, 0);
    expect(b.snapshot(0)).toMatchObject({ limit: 100, intervalMs: 10_000, serverMax: 190 });
    b.observe({ max: 50 }, 0);
    expect(b.snapshot(0).limit).toBe(share(50));
    // The user's rate is per 10 s; a server counting per 2 s gets the same rate: 20 per 2 s.
    const e = new RollingBudget(100, 10_000);
    e.observe({ max: 1_000, intervalMs: 2_000 }, 0);
    expect(e.snapshot(0)).toMatchObject({ limit: 20, intervalMs: 2_000 });
  });

  it('with no --rate, follows the announced maximum up and down; a --rate given caps it', () => {
    const followed = new RollingBudget(100, 10_000, 10_000, true);
    expect(followed.snapshot(0).limit).toBe(100);
    followed.observe({ max: 190, intervalMs: 10_000 }, 0);
    expect(followed.snapshot(0).limit).toBe(share(190));
    followed.observe({ max: 110 }, 0);
    expect(followed.snapshot(0).limit).toBe(share(110));
    followed.observe({ max: 250 }, 0);
    expect(followed.snapshot(0).limit).toBe(share(250));
    const capped = new RollingBudget(150, 10_000);
    capped.observe({ max: 250 }, 0);
    expect(capped.snapshot(0).limit).toBe(150);
    capped.observe({ max: 110 }, 0);
    expect(capped.snapshot(0).limit).toBe(share(110));
  });

  it('never sends more than the server says is left, counting requests still in flight', () => {
    const b = new RollingBudget(100, 10_000);
    for (let i = 0; i < 5; i++) b.take();
    b.settle(0);
    b.settle(0);
    // The third answers: 4 left on the server, and the 2 others in flight may not be counted yet.
    b.observe({ max: 100, remaining: 4 }, 5);
    b.settle(5);
    expect(drain(b, 5)).toBe(2);
    expect(b.waitMs(5)).toBe(9_995);
    // When our first answered requests leave the window, the server's count gives those slots back…
    expect(drain(b, 10_000)).toBe(2);
    // …and once a full interval has passed since it spoke, only our own budget counts: its share of 100,
    // less the 2 sent at 10 000 and the 2 never answered.
    expect(drain(b, 10_005)).toBe(share(100) - 4);
  });

  it('forgets what the server said once a full interval has passed', () => {
    const b = new RollingBudget(100, 1_000);
    b.take();
    b.observe({ max: 100, remaining: 1, intervalMs: 1_000 }, 0);
    b.settle(0);
    expect(drain(b, 0)).toBe(1);
    expect(b.waitMs(500)).toBe(500);
    expect(drain(b, 1_000)).toBe(share(100));
  });

  it('pauses, and a pause only ever lengthens', () => {
    const b = new RollingBudget(10, 1_000);
    b.pause(500);
    b.pause(200);
    expect(b.waitMs(100)).toBe(400);
    expect(b.waitMs(500)).toBe(0);
    expect(b.snapshot(100).pausedForMs).toBe(400);
  });

  it('knows when its oldest request leaves the window', () => {
    const b = new RollingBudget(10, 1_000);
    expect(b.windowRemainderMs(0)).toBe(1_000);
    b.take();
    b.settle(100);
    expect(b.windowRemainderMs(400)).toBe(700);
    expect(b.windowRemainderMs(1_100)).toBe(1_000);
  });
});

describe('header and backoff arithmetic', () => {
  it('reads the X-HubSpot-RateLimit headers a private-app answer carries', () => {
    expect(
      parseRateLimitHeaders({
        'x-hubspot-ratelimit-daily': '250000',
        'x-hubspot-ratelimit-daily-remaining': '249999',
        'x-hubspot-ratelimit-interval-milliseconds': '10000',
        'x-hubspot-ratelimit-max': '100',
        'x-hubspot-ratelimit-remaining': '99',
        'x-hubspot-ratelimit-secondly': '10',
      }),
    ).toEqual({ max: 100, remaining: 99, intervalMs: 10_000, dailyRemaining: 249_999 });
    expect(parseRateLimitHeaders({ 'x-hubspot-ratelimit-max': 'lots' })).toEqual({});
  });

  it('reads Retry-After in seconds or as a date', () => {
    expect(retryAfterMs({ 'retry-after': '2' })).toBe(2_000);
    expect(retryAfterMs({ 'retry-after': 'Wed, 21 Oct 2026 07:28:05 GMT' }, Date.parse('Wed, 21 Oct 2026 07:28:00 GMT'))).toBe(5_000);
    expect(retryAfterMs({ 'retry-after': 'soon' })).toBeUndefined();
    expect(retryAfterMs({})).toBeUndefined();
  });

  it('backs off exponentially from 500 ms to a 30 s cap, with half the step jittered', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, () => 0))).toEqual([250, 500, 1_000, 2_000]);
    expect([1, 2, 3, 4].map((n) => backoffMs(n, () => 1))).toEqual([500, 1_000, 2_000, 4_000]);
    expect(backoffMs(20, () => 1)).toBe(30_000);
  });
});
