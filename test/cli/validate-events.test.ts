import { describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { BIN, runCli } from '../helpers/run-cli.js';

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

  it('shows each event as it is read, before the sample ends: a whole export is tested in flat memory', async () => {
    // A FIFO gives the first line and holds the rest back: a tester that read the whole file first
    // would show nothing until the writer closes it.
    const fifo = path.join(dir, 'stream.ndjson');
    execFileSync('mkfifo', [fifo]);
    const child = spawn(process.execPath, [BIN, 'validate', '-m', MAPPING, '--events', fifo], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const writer = createWriteStream(fifo);
    writer.write(JSON.stringify({ type: 'identify', messageId: 'first', traits: { email: 'a@b.co' } }) + '\n');
    // Enough lines behind it to fill the tester's output buffer, so what it read is shown.
    for (let i = 0; i < 400; i++) writer.write(JSON.stringify({ type: 'page', messageId: `p${i}`, name: 'x'.repeat(200) }) + '\n');
    for (let waited = 0; !stdout.includes(`${fifo}:1: identify messageId first`); waited += 50) {
      if (waited > 20_000) throw new Error(`nothing shown while the sample was open; stdout: ${stdout.slice(0, 200)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(stdout).not.toContain('events tested');
    writer.end(JSON.stringify({ type: 'identify', messageId: 'last', traits: { email: 'c@d.co' } }) + '\n');
    expect(await exited).toBe(0);
    expect(stdout).toContain(`${fifo}:402: identify messageId last`);
    expect(stdout).toContain('402 events tested:\n  "contacts": matched 2\n');
  });

  it('reads a sample as send reads its input: a byte-order mark and a gzipped file are events too', async () => {
    const bom = path.join(dir, 'bom.ndjson');
    writeFileSync(bom, '\ufeff' + JSON.stringify({ type: 'identify', messageId: 'b1', traits: { email: 'a@b.co' } }) + '\n');
    const gz = path.join(dir, 'sample.gz');
    writeFileSync(gz, gzipSync(JSON.stringify({ type: 'identify', messageId: 'g1', traits: { email: 'a@b.co' } }) + '\n'));
    for (const [file, id] of [[bom, 'b1'], [gz, 'g1']] as const) {
      const r = await runCli(['validate', '-m', MAPPING, '--events', file]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`${file}:1: identify messageId ${id}\n  matched   "contacts" (upsertContact), payload:`);
    }
  });

  it('reads the sample from stdin with --events -, named <stdin>', async () => {
    const fromFile = await runCli(['validate', '-m', MAPPING, '--events', EVENTS]);
    const r = await runCli(['validate', '-m', MAPPING, '--events', '-'], { stdin: readFileSync(EVENTS) });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(fromFile.stdout.split(`${EVENTS}:`).join('<stdin>:'));
  });

  it('shows the sample\'s own text with control characters escaped, as send shows it', async () => {
    const hostile = path.join(dir, 'hostile.ndjson');
    writeFileSync(hostile, [JSON.stringify({ type: 'identify', messageId: 'm\u001b]0;owned\u0007', traits: { email: 'a@b.co' } }), '{"type": \u001b[31m'].join('\n') + '\n');
    const r = await runCli(['validate', '-m', MAPPING, '--events', hostile]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).not.toContain('\u0007');
    expect(r.stdout).toContain(`${hostile}:1: identify messageId m\\x1b]0;owned\\x07`);
    expect(r.stdout).toContain(`${hostile}:2: not valid JSON (`);
  });
});
