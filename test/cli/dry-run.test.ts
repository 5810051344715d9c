import { describe, expect, it, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli, requestsOf, type CliResult } from '../helpers/run-cli.js';

const MAPPING = 'test/fixtures/mapping.yaml';
const EVENTS = 'test/fixtures/events.ndjson';

describe('send --dry-run on a fixture with good, bad and unmatched lines', () => {
  let r: CliResult;
  let reqs: any[];
  beforeAll(async () => {
    r = await runCli(['send', EVENTS, '--mapping', MAPPING, '--dry-run']);
    reqs = requestsOf(r.stdout);
  });

  it('exits 2 because some events are invalid, and sends nothing anywhere', () => {
    expect(r.code).toBe(2);
  });

  it('prints the contact request with its source, mapping, action, full URL and body', () => {
    const create = reqs.find((q) => q.action === 'upsertContact' && q.method === 'POST' && q.url.endsWith('/crm/v3/objects/contacts'));
    expect(reqs.find((q) => q.action === 'upsertContact' && q.method === 'PATCH')).toEqual({
      sources: [{ file: EVENTS, line: 1, messageId: 'i1' }],
      mapping: 'contacts',
      action: 'upsertContact',
      method: 'PATCH',
      url: 'https://api.hubapi.com/crm/v3/objects/contacts/Vep%40Beri.dz?idProperty=email',
      body: { properties: { firstname: 'John', email: 'Vep@Beri.dz' } },
    });
    expect(create).toMatchObject({ body: { properties: { firstname: 'John', email: 'Vep@Beri.dz' } }, dependsOn: 'the PATCH answered 404 (no contact with this email)' });
  });

  it('prints the behavioral event with its transformed name', () => {
    const ev = reqs.filter((q) => q.action === 'sendCustomBehavioralEvent');
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ method: 'POST', url: 'https://api.hubapi.com/events/v3/send', sources: [{ line: 3, messageId: 't1' }] });
    expect(ev[0].body).toMatchObject({ eventName: 'pe22596207_signed_up', email: 'vep@beri.dz', properties: { hs_city: 'Paris' } });
    expect(ev[0].body.uuid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('prints the company requests: property check, read by segment_group_id, create', () => {
    const co = reqs.filter((q) => q.action === 'upsertCompany').map((q) => `${q.method} ${new URL(q.url).pathname}`);
    expect(co).toEqual([
      'GET /crm/v3/properties/companies/segment_group_id',
      'POST /crm/v3/properties/companies',
      'POST /crm/v3/objects/companies/batch/upsert',
    ]);
    const upsert = reqs.find((q) => q.url.endsWith('/companies/batch/upsert'));
    expect(upsert.body.inputs).toEqual([{ idProperty: 'segment_group_id', id: 'g-1', properties: { name: 'Acme', numberofemployees: '12', segment_group_id: 'g-1' }, objectWriteTraceId: expect.any(String) }]);
  });

  it('prints the custom object create, trimmed, with no search when no search fields', () => {
    const rec = reqs.filter((q) => q.action === 'upsertCustomObjectRecord');
    expect(rec).toHaveLength(1);
    expect(rec[0]).toMatchObject({ method: 'POST', url: 'https://api.hubapi.com/crm/v3/objects/p11223344_discount', body: { properties: { coupon_code: 'TEST1234' }, associations: [] } });
  });

  it('names every bad line by file and line, with mapping, field and reason', () => {
    expect(r.stderr).toContain(`${EVENTS}:2: line 2 is not valid JSON`);
    expect(r.stderr).toContain(`${EVENTS}:4: line 4 is JSON but not an object; each line must be one Segment event`);
    expect(r.stderr).toContain(`${EVENTS}:6: mapping "contacts", field "email": Email must be a valid email address string but it was not.`);
    expect(r.stderr).toContain(`${EVENTS}:7: mapping "events", field "eventName": EventName should begin with pe22596207_`);
  });

  it('summarises on stderr: read, matched per mapping, planned per action, skipped, invalid by reason', () => {
    expect(r.stderr).toMatch(/events read:\s+9/);
    expect(r.stderr).toMatch(/matched "contacts": 2/);
    expect(r.stderr).toMatch(/matched "events": 2/);
    expect(r.stderr).toMatch(/skipped:\s+1\n\s+no mapping matched: 1/);
    expect(r.stderr).toMatch(/invalid\/failed:\s+4/);
    expect(r.stderr).toMatch(/invalid: EventName should begin with pe22596207_: 1/);
    expect(r.stderr).toMatch(/requests planned: 7/);
    expect(r.stderr).toMatch(/upsertContact: 2/);
  });
});

describe('send --dry-run inputs', () => {
  const one = '{"type":"identify","messageId":"s1","traits":{"email":"s@x.io"}}\n';
  const mapping = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ha-'));
    const file = path.join(dir, 'm.yaml');
    writeFileSync(file, 'version: 1\nmappings:\n  - name: c\n    action: upsertContact\n');
    return { dir, file };
  };

  it('reads stdin when no file is given, and for "-"', async () => {
    const { file } = mapping();
    for (const args of [[], ['-']]) {
      const r = await runCli(['send', ...args, '-m', file, '--dry-run'], { stdin: one });
      expect(r.code).toBe(0);
      const reqs = requestsOf(r.stdout);
      expect(reqs[0]).toMatchObject({ sources: [{ file: '<stdin>', line: 1, messageId: 's1' }], method: 'PATCH' });
    }
  });

  it('reads .gz files transparently, by their magic bytes, and files in order', async () => {
    const { dir, file } = mapping();
    const gz = path.join(dir, 'export.json.gz');
    writeFileSync(gz, gzipSync(one.repeat(3)));
    const plain = path.join(dir, 'more.ndjson');
    writeFileSync(plain, '{"type":"identify","messageId":"p9","traits":{"email":"p@x.io"}}\n');
    const r = await runCli(['send', gz, plain, '-m', file, '--dry-run'], {});
    expect(r.code).toBe(0);
    const patches = requestsOf(r.stdout).filter((q) => q.method === 'PATCH');
    expect(patches.map((q) => `${path.basename(q.sources[0].file)}:${q.sources[0].line}`)).toEqual(['export.json.gz:1', 'export.json.gz:2', 'export.json.gz:3', 'more.ndjson:1']);
  });

  it('reads gzip on stdin', async () => {
    const { file } = mapping();
    const r = await runCli(['send', '-m', file, '--dry-run'], { stdin: gzipSync(one) });
    expect(requestsOf(r.stdout)[0].sources[0].messageId).toBe('s1');
  });

  it('batches contacts when enable_batching is set: one read and one create for many events, merged by email', async () => {
    const { dir } = mapping();
    const m = path.join(dir, 'b.yaml');
    writeFileSync(m, 'version: 1\nmappings:\n  - name: c\n    action: upsertContact\n    fields:\n      enable_batching: true\n      properties:\n        plan: { "@path": "$.traits.plan" }\n');
    const f = path.join(dir, 'e.ndjson');
    writeFileSync(f, Array.from({ length: 150 }, (_, i) => JSON.stringify({ type: 'identify', messageId: `b${i}`, traits: { email: `User${i % 50}@x.io`, plan: `p${i}` } })).join('\n'));
    const r = await runCli(['send', f, '-m', m, '--dry-run']);
    expect(r.code).toBe(0);
    const reqs = requestsOf(r.stdout);
    expect(reqs.map((q) => new URL(q.url).pathname)).toEqual(['/crm/v3/objects/contacts/batch/read', '/crm/v3/objects/contacts/batch/create']);
    const inputs = reqs[1].body.inputs;
    expect(inputs).toHaveLength(50);
    // user0 appears at events 0, 50 and 100: merged in input order, the later value wins, no duplicate id.
    expect(inputs.find((i: any) => i.properties.email === 'user0@x.io').properties.plan).toBe('p100');
    expect(reqs[1].sources).toHaveLength(150);
    expect(r.stderr).toMatch(/events read:\s+150/);
    expect(r.stderr).toMatch(/would deliver:\s+150/);
  });

  it('prints for people with --pretty, plain without a TTY', async () => {
    const { file } = mapping();
    const r = await runCli(['send', '-m', file, '--dry-run', '--pretty'], { stdin: one });
    expect(r.stdout).toContain('<stdin>:1  identify  messageId s1\n  → would be delivered\n  PATCH /crm/v3/objects/contacts/s@x.io?idProperty=email  c\n      email: s@x.io');
    expect(r.stdout).toContain('only if the PATCH answered 404 (no contact with this email)');
    // eslint-disable-next-line no-control-regex -- looking for the escape character itself
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });

  it('stops with the mapping file\'s problems, located, before reading events', async () => {
    const { dir } = mapping();
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, 'version: 1\nmappings:\n  - name: c\n    action: upsertContact\n    fields:\n      emial: x\n');
    const r = await runCli(['send', '-m', bad, '--dry-run'], { stdin: one });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}:6:7: mapping "c": unknown field "emial" for upsertContact`);
    expect(r.stdout).toBe('');
  });

  it('names a missing input file', async () => {
    const { file } = mapping();
    const r = await runCli(['send', 'no-such-file.ndjson', '-m', file, '--dry-run']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot read input file no-such-file.ndjson (no such file)');
  });
});

describe('validate', () => {
  it('passes the shipped example', async () => {
    const r = await runCli(['validate', 'mappings.example.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('mappings.example.yaml: 4 mappings, no problems\n');
  });

  it('lists every problem as file:line:col and exits non-zero', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ha-'));
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, "version: 1\nmappings:\n  - name: a\n    action: upsertContacts\n  - name: a\n    action: upsertCompany\n    trigger: 'type = '\n");
    const r = await runCli(['validate', bad]);
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith(bad));
    expect(lines).toHaveLength(3);
    expect(r.stderr).toContain('3 problems in');
  });
});

it('the shipped example dry-run prints requests for all four actions', async () => {
  const r = await runCli(['send', 'examples/events.ndjson', '-m', 'mappings.example.yaml', '--dry-run']);
  expect(r.code).toBe(0);
  const actions = new Set(requestsOf(r.stdout).map((q) => q.action));
  expect([...actions].sort()).toEqual(['sendCustomBehavioralEvent', 'upsertCompany', 'upsertContact', 'upsertCustomObjectRecord']);
  expect(readFileSync('examples/events.ndjson', 'utf8').split('\n').filter(Boolean)).toHaveLength(6);
});

it('stops quietly when the reader of the dry-run goes away (| head)', async () => {
  const { spawn } = await import('node:child_process');
  const { BIN } = await import('../helpers/run-cli.js');
  const dir = mkdtempSync(path.join(tmpdir(), 'ha-'));
  const file = path.join(dir, 'many.ndjson');
  const lines = Array.from({ length: 30_000 }, (_, i) => JSON.stringify({ type: 'identify', messageId: `h${i}`, traits: { email: `h${i}@x.io` } }));
  // An invalid last event: reported on stderr only if the run reads that far.
  lines.push(JSON.stringify({ type: 'identify', messageId: 'last', traits: { email: 'not-an-email' } }));
  writeFileSync(file, lines.join('\n'));
  const child = spawn(process.execPath, [BIN, 'send', file, '-m', 'mappings.example.yaml', '--dry-run'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise((resolve) => child.on('close', resolve));
  expect(code).toBe(0);
  expect(stderr).not.toContain('many.ndjson:30001:');
  expect(stderr).toBe('');
});

it('a failed-events file sent again retries only the failed mappings, and says why when none is left', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ha-'));
  const failed = path.join(dir, 'failed.ndjson');
  const first = await runCli(['send', EVENTS, '--mapping', MAPPING, '--dry-run', '--failed', failed]);
  expect(first.code).toBe(2);
  const lines = readFileSync(failed, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  expect(lines.map((l) => l.failure.line)).toEqual([2, 4, 6, 7]);
  expect(lines[2]).toMatchObject({ event: { messageId: 'i2' }, failure: { mappings: ['contacts'] } });

  const again = await runCli(['send', failed, '--mapping', MAPPING, '--dry-run']);
  // The two events fail again in their mapping only; the two unparseable lines fail again as such.
  expect(again.stderr).toMatch(/matched "contacts": 1\n\s+matched "events": 1\n/);
  expect(again.stderr).toMatch(/invalid\/failed:\s+4/);

  const renamed = path.join(dir, 'renamed.yaml');
  writeFileSync(renamed, readFileSync(MAPPING, 'utf8').replace('name: contacts', 'name: people'));
  const third = await runCli(['send', failed, '--mapping', renamed, '--dry-run']);
  expect(third.stderr).toContain('none of the mappings it failed in (contacts) is in the mapping file and matches it: 1');
});
