import { afterEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../emulator/index.js';
import { boot, type client } from './helpers.js';

let running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.map((e) => e.stop()));
  running = [];
});

async function start(opts: Parameters<typeof boot>[0] = {}) {
  const b = await boot({ tenSecondlyLimit: 10_000, ...opts });
  running.push(b.emu);
  return b;
}

async function statuses(api: ReturnType<typeof client>, n: number): Promise<Array<number | 'dropped'>> {
  const out: Array<number | 'dropped'> = [];
  for (let i = 0; i < n; i++) {
    try {
      out.push((await api.get('/crm/v3/objects/contacts?limit=1')).status);
    } catch {
      out.push('dropped');
    }
  }
  return out;
}

describe('fault injection', () => {
  it('answers 500/502/503 at the configured rate with HubSpot-style bodies, repeatably for a seed', async () => {
    const a = await start({ seed: 7, faults: { errorRate: 0.5 } });
    const b = await start({ seed: 7, faults: { errorRate: 0.5 } });
    const sa = await statuses(a.api, 40);
    const sb = await statuses(b.api, 40);
    expect(sa).toEqual(sb);
    const errors = sa.filter((s) => s !== 200);
    expect(errors.length).toBeGreaterThan(8);
    expect(errors.length).toBeLessThan(32);
    expect(new Set(errors).size).toBeGreaterThan(1);
    for (const s of errors) expect([500, 502, 503]).toContain(s);
    a.emu.setFaults({ errorRate: 1 });
    const r = await a.api.get('/crm/v3/objects/contacts');
    expect(r.body).toMatchObject({ status: 'error', correlationId: expect.any(String), category: expect.any(String) });
    expect(r.headers.get('x-hubspot-correlation-id')).toBe(r.body.correlationId);
  });

  it('injects TEN_SECONDLY_ROLLING 429s', async () => {
    const { api } = await start({ faults: { rate429: 1 } });
    const r = await api.get('/crm/v3/objects/contacts');
    expect(r.status).toBe(429);
    expect(r.body).toMatchObject({ errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING', message: 'You have reached your ten_secondly_rolling limit.' });
  });

  it('drops connections before the write: nothing is stored', async () => {
    const { api, controls, emu } = await start({ faults: { dropRate: 1, routes: '^POST /crm/v3/objects/contacts$' } });
    await expect(api.post('/crm/v3/objects/contacts', { properties: { email: 'a@x.co' } })).rejects.toThrow();
    emu.setFaults({});
    expect((await controls.get('/__emulator/dump')).body.records.contacts).toEqual([]);
    const log = (await controls.get('/__emulator/requests')).body.log;
    expect(log[0]).toMatchObject({ method: 'POST', path: '/crm/v3/objects/contacts', status: 0 });
  });

  it('drops connections after the write ("lost answer"): the record exists', async () => {
    const { api, controls } = await start({ faults: { dropAfterWriteRate: 1, routes: '^POST ' } });
    await expect(api.post('/crm/v3/objects/contacts', { properties: { email: 'a@x.co' } })).rejects.toThrow();
    // GETs do not match the route filter.
    expect((await api.get('/crm/v3/objects/contacts/a@x.co?idProperty=email')).status).toBe(200);
    expect((await controls.get('/__emulator/dump')).body.records.contacts).toHaveLength(1);
  });

  it('adds latency with slowMs and can be set over HTTP', async () => {
    const { api, controls } = await start();
    await controls.post('/__emulator/faults', { slowMs: 150 });
    const t0 = Date.now();
    expect((await api.get('/crm/v3/objects/contacts')).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect((await controls.get('/__emulator/faults')).body).toEqual({ slowMs: 150 });
  });
});
