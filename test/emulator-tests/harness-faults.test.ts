import { afterEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../emulator/index.js';
import { boot } from './helpers.js';

let running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.map((e) => e.stop()));
  running = [];
});
async function start(opts: Parameters<typeof boot>[0] = {}) {
  const b = await boot({ tenSecondlyLimit: 10_000, searchPerSecond: 10_000, ...opts });
  running.push(b.emu);
  return b;
}
const contacts = async (controls: any) => (await controls.get('/__emulator/dump')).body.records.contacts;

describe('faults after the write', () => {
  it('errorAfterWriteRate: the write is committed, then 502 or 504 is answered', async () => {
    const { api, controls } = await start({ seed: 5, faults: { errorAfterWriteRate: 1, routes: '^POST ' } });
    const statuses = new Set<number>();
    for (let i = 0; i < 12; i++) {
      const r = await api.post('/crm/v3/objects/contacts', { properties: { email: `a${i}@x.co` } });
      statuses.add(r.status);
      expect(r.body).toMatchObject({ status: 'error', category: expect.stringMatching(/GATEWAY/) });
    }
    expect([...statuses].sort()).toEqual([502, 504]);
    expect(await contacts(controls)).toHaveLength(12);
    const stats = (await controls.get('/__emulator/stats')).body;
    expect(stats.injected).toEqual({ errorAfterWrite: 12 });
    expect(stats.statuses).toMatchObject({ '502': expect.any(Number), '504': expect.any(Number) });
  });

  it('slowAfterWriteRate: committed at once, answered only after slowAfterWriteMs; a client that gives up gets nothing', async () => {
    const { emu, api, controls } = await start({ faults: { slowAfterWriteRate: 1, slowAfterWriteMs: 400, routes: '^POST ' } });
    const t0 = Date.now();
    const slow = api.post('/crm/v3/objects/contacts', { properties: { email: 'slow@x.co' } });
    await new Promise((r) => setTimeout(r, 100));
    expect(await contacts(controls)).toHaveLength(1); // committed before the answer
    const r = await slow;
    expect(r.status).toBe(201);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(390);

    const aborted = fetch(`${emu.url}/crm/v3/objects/contacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emu.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ properties: { email: 'gaveup@x.co' } }),
      signal: AbortSignal.timeout(100),
    });
    await expect(aborted).rejects.toThrow();
    expect(await contacts(controls)).toHaveLength(2);
  });

  it('burst429Rate: a request may start a burst; every request for burst429Ms then answers 429', async () => {
    const { api, controls } = await start({ seed: 3, faults: { burst429Rate: 0.15, burst429Ms: 200 } });
    const seen: Array<{ at: number; status: number }> = [];
    const end = Date.now() + 1500;
    while (Date.now() < end) {
      seen.push({ at: Date.now(), status: (await api.get('/crm/v3/objects/contacts?limit=1')).status });
      await new Promise((r) => setTimeout(r, 10));
    }
    const starts = seen.filter((s, i) => s.status === 429 && (i === 0 || seen[i - 1]!.status !== 429));
    expect(starts.length).toBeGreaterThan(0);
    expect(seen.some((s) => s.status === 200)).toBe(true);
    // Every request within 150 ms after a burst starts is refused too.
    for (const st of starts) for (const s of seen) if (s.at > st.at && s.at < st.at + 150) expect(s.status).toBe(429);
    const injected = (await controls.get('/__emulator/stats')).body.injected;
    expect(injected.burst429).toBe(seen.filter((s) => s.status === 429).length);
  });
});

describe('search index lag with jitter', () => {
  it('each write becomes searchable after lag + its own 0..jitter ms, reads by id see it at once', async () => {
    const { api } = await start({ searchIndexLagMs: 200, searchIndexLagJitterMs: 400 });
    const created: number[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await api.post('/crm/v3/objects/contacts', { properties: { email: `j${i}@x.co` } });
      expect(r.status).toBe(201);
      created.push(Date.now());
    }
    expect((await api.get('/crm/v3/objects/contacts/j0@x.co?idProperty=email')).status).toBe(200);
    const seenAt = new Map<string, number>();
    const deadline = Date.now() + 3000;
    while (seenAt.size < 20 && Date.now() < deadline) {
      const r = await api.post('/crm/v3/objects/contacts/search', { filterGroups: [{ filters: [{ propertyName: 'email', operator: 'CONTAINS_TOKEN', value: '*' }] }], limit: 100, properties: ['email'] });
      for (const x of r.body.results) if (!seenAt.has(x.properties.email)) seenAt.set(x.properties.email, Date.now());
      await new Promise((res) => setTimeout(res, 25));
    }
    expect(seenAt.size).toBe(20);
    const lags = created.map((t, i) => seenAt.get(`j${i}@x.co`)! - t);
    for (const l of lags) expect(l).toBeGreaterThanOrEqual(150);
    for (const l of lags) expect(l).toBeLessThan(900);
    // Jittered: not all writes come through together.
    expect(Math.max(...lags) - Math.min(...lags)).toBeGreaterThan(100);
  });
});
