import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/run-cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ha-tester-'));
const MAPPING = path.join(dir, 'm.yaml');
writeFileSync(
  MAPPING,
  [
    'version: 1',
    'mappings:',
    '  - name: contacts',
    '    action: upsertContact',
    "    trigger: 'type = \"identify\" and traits.email != null'",
    '    fields:',
    '      properties: { plan: { "@path": "$.traits.plan" } }',
    '  - name: orders',
    '    action: upsertCustomObjectRecord',
    "    trigger: 'type = \"track\" and event = \"Order Completed\" and properties.total > 10'",
    '    fields:',
    '      objectType: deals',
    '      customObjectSearchFields: { order_id: { "@template": "order-{{properties.order_id}}" } }',
    '      properties: { amount: { "@path": "$.properties.total" } }',
    '',
  ].join('\n'),
);
const EVENTS = path.join(dir, 'sample.ndjson');
writeFileSync(
  EVENTS,
  [
    JSON.stringify({ type: 'identify', messageId: 'i1', traits: { email: 'a@b.co', plan: 'pro' } }),
    '',
    JSON.stringify({ type: 'track', event: 'Order Completed', messageId: 't1', properties: { total: 3, order_id: 'A1' } }),
    '{"type": "identify", ',
    JSON.stringify({ type: 'identify', messageId: 'i2', traits: { email: 'not-an-email' } }),
  ].join('\n') + '\n',
);

describe('validate --events: the mapping tester', () => {
  it('shows per event which mappings matched with their payloads, and which part of a trigger did not', async () => {
    const r = await runCli(['validate', MAPPING, '--events', EVENTS]);
    expect(r.code).toBe(0);
    const blocks = r.stdout.split('\n\n');
    expect(blocks[0]).toBe(
      [
        `${EVENTS}:1: identify messageId i1`,
        '  matched   "contacts" (upsertContact), payload:',
        '              {',
        '                "email": "a@b.co",',
        '                "enable_batching": false,',
        '                "properties": {',
        '                  "plan": "pro"',
        '                }',
        '              }',
        '  no match  "orders" (upsertCustomObjectRecord): not met: type = "track" (the event has "identify"); event = "Order Completed" (the event has nothing there); properties.total > 10 (the event has nothing there)',
      ].join('\n'),
    );
    expect(blocks[1]).toBe(
      [
        `${EVENTS}:3: track "Order Completed" messageId t1`,
        '  no match  "contacts" (upsertContact): not met: type = "identify" (the event has "track"); traits.email != null (the event has nothing there)',
        '  no match  "orders" (upsertCustomObjectRecord): not met: properties.total > 10 (the event has 3)',
      ].join('\n'),
    );
    expect(blocks[2]).toMatch(new RegExp(`^${EVENTS.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:4: not valid JSON \\(`));
    expect(blocks[3]).toBe(
      [
        `${EVENTS}:5: identify messageId i2`,
        '  invalid   "contacts" (upsertContact):',
        '              field "email": Email must be a valid email address string but it was not.',
        '  no match  "orders" (upsertCustomObjectRecord): not met: type = "track" (the event has "identify"); event = "Order Completed" (the event has nothing there); properties.total > 10 (the event has nothing there)',
      ].join('\n'),
    );
    expect(blocks[4]).toBe(['4 events tested:', '  "contacts": matched 2, 1 of them invalid', '  "orders": matched 0', '  1 line not an event', `${MAPPING}: 2 mappings, no problems`, ''].join('\n'));
  });

  it('gives the same as JSON with --json, each event with its file and line', async () => {
    const r = await runCli(['validate', '-m', MAPPING, '--events', EVENTS, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.ok).toBe(true);
    expect(out.events.map((e: any) => [e.line, e.problem ? 'not an event' : e.mappings.map((m: any) => (m.matched ? (m.problems ? 'invalid' : 'matched') : 'no match')).join(',')])).toEqual([
      [1, 'matched,no match'],
      [3, 'no match,no match'],
      [4, 'not an event'],
      [5, 'invalid,no match'],
    ]);
    expect(out.events[1].mappings[1]).toEqual({ mapping: 'orders', action: 'upsertCustomObjectRecord', matched: false, failed: [{ condition: 'properties.total > 10', actual: 3 }] });
    expect(out.events[3].mappings[0].problems).toEqual([{ field: 'email', message: 'Email must be a valid email address string but it was not.' }]);
  });

  it('tests no event while the mapping file has problems, and says why', async () => {
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, 'version: 1\nmappings:\n  - name: a\n    action: upsertContacts\n');
    const r = await runCli(['validate', bad, '--events', EVENTS]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error: 1 problem in');
    expect(r.stderr).toContain('the events are tested once the mapping file has no problems');
  });

  it('says so when the events file cannot be read', async () => {
    const r = await runCli(['validate', MAPPING, '--events', path.join(dir, 'missing.ndjson')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot read the events file ${path.join(dir, 'missing.ndjson')} (ENOENT)`);
  });
});
