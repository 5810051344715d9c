import { afterEach, describe, expect, it } from 'vitest';
import { ndjson, portal, type Portal } from '../helpers/live.js';
import { benchMapping, benchSeed, generate, HUB_ID } from '../../bench/gen.mjs';
import { cleanRunState, normalState, workload, workloadMapping, workloadSeed } from '../helpers/workload.js';

let p: Portal;
afterEach(async () => p?.stop());

describe('faults', () => {
  it('rides out 5xx answers and stray 429s: everything lands, once', async () => {
    const events = workload(120);
    p = await portal({ faults: { errorRate: 0.2, rate429: 0.03 }, seed: 7 });
    await p.seed(workloadSeed);
    const r = await p.send([p.file('e.ndjson', ndjson(events)), '-m', p.file('m.yaml', workloadMapping)]);
    expect(r.stderr).toMatch(/failed:\s+0/);
    expect(r.code).toBe(0);
    expect(normalState(await p.dump())).toEqual(await cleanRunState(events));
  });

  it('keeps under a portal limit far below --rate: a few 429s, then it adapts from the headers', async () => {
    p = await portal({ tenSecondlyLimit: 25 });
    const events = Array.from({ length: 30 }, (_, i) => ({ type: 'identify', messageId: `s${i}`, traits: { email: `s${i}@x.io` } }));
    const m = p.file('m.yaml', 'version: 1\nmappings:\n  - name: c\n    action: upsertContact\n');
    const r = await p.send([p.file('e.ndjson', ndjson(events)), '-m', m, '--rate', '1000', '--no-preflight']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/delivered:\s+30/);
    const log = await (await fetch(`${p.emu.url}/__emulator/requests?last=1000`)).json();
    const answered429 = log.log.filter((e: any) => e.status === 429).length;
    expect(log.log.filter((e: any) => e.status !== 429)).toHaveLength(60);
    // Without a budget, 60 requests against 25 per 10 s would be answered 429 dozens of times.
    expect(answered429).toBeLessThanOrEqual(6);
  });

  it('finishes a run whose partial batches wait for a spent budget with nothing in flight', async () => {
    // Held for the budget, such batches have no request of theirs to wake the run: the scheduler's
    // timer must keep the process alive until the budget frees (it used to end "before finishing").
    p = await portal({ tenSecondlyLimit: 10, hubId: HUB_ID });
    await p.seed(benchSeed());
    const r = await p.send([p.file('e.ndjson', ndjson([...generate(100, 7)])), '-m', p.file('m.yaml', benchMapping()), '--no-preflight', '--json']);
    expect(r.stderr).not.toContain('internal error');
    expect(JSON.parse(r.stdout)).toMatchObject({ counts: { read: 100, failed: 0 }, unfinished: 0 });
    expect(r.code).toBe(0);
  });

  it('survives answers lost after the write (dropped connections): no duplicate, nothing missing', async () => {
    const events = workload(90);
    p = await portal({ faults: { dropAfterWriteRate: 0.15, dropRate: 0.1 }, seed: 3 });
    await p.seed(workloadSeed);
    const r = await p.send([p.file('e.ndjson', ndjson(events)), '-m', p.file('m.yaml', workloadMapping)]);
    expect(r.stderr).toMatch(/failed:\s+0/);
    expect(r.code).toBe(0);
    expect(normalState(await p.dump())).toEqual(await cleanRunState(events));
  });

  it('stops cleanly at the daily limit with a checkpoint, and resumes to the same end state', async () => {
    const events = workload(150);
    p = await portal({ dailyLimit: 4 });
    await p.seed(workloadSeed);
    const file = p.file('e.ndjson', ndjson(events));
    const m = p.file('m.yaml', workloadMapping);
    const first = await p.send([file, '-m', m, '--checkpoint', 'ck.json']);
    expect(first.code).toBe(4);
    expect(first.stderr).toMatch(/daily/i);
    expect(first.stderr).toMatch(/Stopped:/);
    await fetch(`${p.emu.url}/__emulator/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dailyLimit: null }) });
    const second = await p.send([file, '-m', m, '--checkpoint', 'ck.json']);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/Resumed at .*e\.ndjson:\d+/);
    expect(normalState(await p.dump())).toEqual(await cleanRunState(events));
  });
});

describe('lost answers to creates of records with no unique key', () => {
  const dealsMapping = `version: 1\nmappings:\n  - name: deals\n    action: upsertCustomObjectRecord\n    trigger: 'event = "Order Completed"'\n    fields:\n      objectType: deals\n      customObjectSearchFields:\n        dealname: { "@path": "$.properties.id" }\n      properties:\n        dealname: { "@path": "$.properties.id" }\n        amount: { "@path": "$.properties.total" }\n`;

  it('checks with a search instead of creating twice, in batches and one by one', async () => {
    p = await portal({ faults: { dropAfterWriteRate: 0.5, routes: '^POST /crm/v3/objects/deals' }, seed: 11 });
    const events = Array.from({ length: 60 }, (_, i) => ({ type: 'track', messageId: `o${i}`, event: 'Order Completed', properties: { id: `D${i % 40}`, total: i } }));
    const env = { HUBSPOT_ACTIONS_SEARCH_SETTLE_MS: '0' };
    const r = await p.send([p.file('e.ndjson', ndjson(events)), '-m', p.file('m.yaml', dealsMapping)], { env });
    expect(r.stderr).toMatch(/failed:\s+0/);
    const deals = (await p.dump()).records.deals.map((d: any) => d.properties.dealname);
    expect(deals).toHaveLength(40);
    expect(new Set(deals).size).toBe(40);

    // One at a time (two search fields keep Segment's per-event flow).
    const two = dealsMapping.replace('        dealname: { "@path": "$.properties.id" }\n      properties:', '        dealname: { "@path": "$.properties.id" }\n        amount: { "@path": "$.properties.total" }\n      properties:');
    const more = Array.from({ length: 12 }, (_, i) => ({ type: 'track', messageId: `q${i}`, event: 'Order Completed', properties: { id: `E${i}`, total: 1000 + i } }));
    const r2 = await p.send([p.file('f.ndjson', ndjson(more)), '-m', p.file('n.yaml', two)], { env });
    expect(r2.stderr).toMatch(/failed:\s+0/);
    const all = (await p.dump()).records.deals.map((d: any) => d.properties.dealname);
    expect(all.filter((n: string) => n.startsWith('E'))).toHaveLength(12);
    expect(new Set(all).size).toBe(all.length);
  });
});
