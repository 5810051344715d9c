import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { ndjson, portal, recordsOf, type Portal } from '../helpers/live.js';
import { BIN } from '../helpers/run-cli.js';

let p: Portal;
afterEach(async () => p?.stop());

const contacts = 'version: 1\nmappings:\n  - name: c\n    action: upsertContact\n';
const identifies = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({ type: 'identify', messageId: `m${i + from}`, traits: { email: `u${i + from}@x.io` } }));
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
const resetDailyLimit = (p: Portal) =>
  fetch(`${p.emu.url}/__emulator/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dailyLimit: null }) });

describe('the checkpoint', () => {
  it('refuses a second run on a checkpoint in use, naming the process that holds it', async () => {
    p = await portal({ faults: { slowMs: 300 } });
    const file = p.file('e.ndjson', ndjson(identifies(40)));
    const m = p.file('m.yaml', contacts);
    const ck = path.join(p.dir, 'ck.json');
    const env = { ...process.env, HUBSPOT_API_BASE_URL: p.emu.url, HUBSPOT_ACCESS_TOKEN: p.emu.accessToken };
    const first = spawn(process.execPath, [BIN, 'send', file, '-m', m, '--checkpoint', ck, '--concurrency', '1', '--quiet'], { cwd: p.dir, env, stdio: 'ignore' });
    const done = new Promise((resolve) => first.on('exit', resolve));
    for (let i = 0; i < 100 && !existsSync(`${ck}.lock`); i++) await new Promise((r) => setTimeout(r, 50));
    const second = await p.send([file, '-m', m, '--checkpoint', ck]);
    first.kill('SIGKILL');
    await done;
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`is in use by another run (process ${first.pid}`);
    // A lock left by a killed run does not stop the next one.
    await p.emu.setFaults({});
    const third = await p.send([file, '-m', m, '--checkpoint', ck]);
    expect(third.code).toBe(0);
    expect(existsSync(`${ck}.lock`)).toBe(false);
    expect(recordsOf(await p.dump(), 'contacts')).toHaveLength(40);
  });

  it('refuses to resume with another mapping file or other data, saying what differs; --force-resume overrides', async () => {
    p = await portal({ dailyLimit: 1 });
    const file = p.file('e.ndjson', ndjson(identifies(5)));
    const m = p.file('m.yaml', contacts);
    const first = await p.send([file, '-m', m, '--checkpoint', 'ck.json']);
    expect(first.code).not.toBe(0);
    writeFileSync(m, contacts.replace('name: c', 'name: other'));
    await resetDailyLimit(p);
    const again = await p.send([file, '-m', m, '--checkpoint', 'ck.json']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('was written for other data: the mapping file');
    expect(again.stderr).toContain('--force-resume');
    writeFileSync(file, ndjson(identifies(6)));
    const both = await p.send([file, '-m', m, '--checkpoint', 'ck.json']);
    expect(both.stderr).toContain('e.ndjson is not the file it was');
    const forced = await p.send([file, '-m', m, '--checkpoint', 'ck.json', '--force-resume']);
    expect(forced.code).toBe(0);
    expect(forced.stderr).toMatch(/Resumed at .*e\.ndjson:1/);
  });

  it('a resumed run after a kill waits out the search index lag before its lookups', async () => {
    p = await portal();
    const file = p.file('e.ndjson', ndjson(identifies(3)));
    const m = p.file('m.yaml', contacts);
    // A checkpoint as a kill leaves it: not complete, not clean.
    writeFileSync(path.join(p.dir, 'ck.json'), JSON.stringify({ version: 1, inputs: [file], mapping: m, resumeAt: { input: 0, line: 2 }, complete: false, ids: [], flags: [], updatedAt: '' }));
    const r = await p.send([file, '-m', m, '--checkpoint', 'ck.json'], { env: { HUBSPOT_ACTIONS_SEARCH_SETTLE_MS: '50' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('did not stop cleanly: waiting 0.1 s');
    expect(recordsOf(await p.dump(), 'contacts').map((c) => c.email).sort()).toEqual(['u1@x.io', 'u2@x.io']);
    const cp = JSON.parse(readFileSync(path.join(p.dir, 'ck.json'), 'utf8'));
    expect(cp).toMatchObject({ complete: true, clean: true });
  });
});

describe('resuming', () => {
  it('does not apply again what the stopped run finished beyond the mark: a deal is not associated with a buyer identified after it', async () => {
    p = await portal();
    // The portal as the stopped run left it: the deal (line 2) and its buyer's later identify (line 3) done,
    // line 1 unfinished, so the checkpoint's mark is at line 1.
    await p.seed({ records: { contacts: [{ properties: { email: 'b@x.io' } }], deals: [{ properties: { dealname: 'Order D1', amount: '5' } }] } });
    const m = p.file('m.yaml', `${contacts}  - name: deals
    action: upsertCustomObjectRecord
    trigger: 'type = "track"'
    fields:
      objectType: deals
      customObjectSearchFields:
        dealname: { "@template": "Order {{properties.id}}" }
      properties:
        dealname: { "@template": "Order {{properties.id}}" }
        amount: { "@path": "$.properties.total" }
      toObjectType: contacts
      searchFieldsToAssociateCustomObjects:
        email: { "@path": "$.properties.buyer" }
      associationLabel: "HUBSPOT_DEFINED:3"
`);
    const file = p.file('e.ndjson', ndjson([
      { type: 'identify', messageId: 'a', traits: { email: 'a@x.io' } },
      { type: 'track', messageId: 'd', event: 'Deal', properties: { id: 'D1', total: 5, buyer: 'b@x.io' } },
      { type: 'identify', messageId: 'b', traits: { email: 'b@x.io' } },
    ]));
    const ck = path.join(p.dir, 'ck.json');
    writeFileSync(ck, JSON.stringify({ version: 1, inputs: [file], mapping: m, resumeAt: { input: 0, line: 1 }, complete: false, ids: [], flags: [], updatedAt: '' }));
    const done = (line: number, mapping: string, action: string) => JSON.stringify({ input: 0, line, mapping, action, outcome: { kind: 'delivered' } });
    writeFileSync(`${ck}.journal`, [done(2, 'deals', 'upsertCustomObjectRecord'), done(3, 'c', 'upsertContact')].join('\n') + '\n');
    // --no-preflight: no request naming deals at all is the proof, and the preflight reads the deals properties.
    const r = await p.send([file, '-m', m, '--checkpoint', ck, '--outcomes', 'o.ndjson', '--no-preflight'], { env: { HUBSPOT_ACTIONS_SEARCH_SETTLE_MS: '0' } });
    expect(r.code).toBe(0);
    const dump = await p.dump();
    expect(dump.associations.filter((a: string[]) => a[0] === 'deals')).toEqual([]);
    expect(recordsOf(dump, 'contacts').map((c) => c.email).sort()).toEqual(['a@x.io', 'b@x.io']);
    expect(lines(path.join(p.dir, 'o.ndjson')).map((o) => [o.line, o.outcome]).sort()).toEqual([[1, 'delivered'], [2, 'delivered'], [3, 'delivered']]);
    // Only the preflight's reads of the deals schema: no search, read or write of a deal.
    expect(Object.keys((await p.requests()).counts).filter((k) => k.includes('deals') && !k.startsWith('GET '))).toEqual([]);
    expect(existsSync(`${ck}.journal`)).toBe(false);
  });
});

describe('resuming, and what the stopped run learned', () => {
  it('knows the contact of a user whose identify the stopped run finished after its last checkpoint save', async () => {
    p = await portal();
    const seeded = await p.seed({ records: { contacts: [{ properties: { email: 'u@x.io' } }] } });
    const contactId = String(seeded.records.contacts[0]);
    const m = p.file('m.yaml', `${contacts}  - name: companies\n    action: upsertCompany\n`);
    const file = p.file('e.ndjson', ndjson([
      { type: 'identify', messageId: 'a', traits: { email: 'a@x.io' } },
      { type: 'identify', messageId: 'u', userId: 'u1', traits: { email: 'u@x.io' } },
      { type: 'group', messageId: 'g', userId: 'u1', groupId: 'g1', traits: { name: 'G' } },
    ]));
    const ck = path.join(p.dir, 'ck.json');
    writeFileSync(ck, JSON.stringify({ version: 1, inputs: [file], mapping: m, resumeAt: { input: 0, line: 1 }, complete: false, ids: [], flags: [], updatedAt: '' }));
    writeFileSync(`${ck}.journal`, [
      JSON.stringify({ id: ['user:u1', contactId] }),
      JSON.stringify({ id: ['email:u@x.io', contactId] }),
      JSON.stringify({ input: 0, line: 2, mapping: 'c', action: 'upsertContact', outcome: { kind: 'delivered' } }),
    ].join('\n') + '\n');
    const r = await p.send([file, '-m', m, '--checkpoint', ck], { env: { HUBSPOT_ACTIONS_SEARCH_SETTLE_MS: '0' } });
    expect(r.stderr).toMatch(/failed:\s+0/);
    expect(r.code).toBe(0);
    const dump = await p.dump();
    const company = recordsOf(dump, 'companies')[0]!;
    expect(dump.associations).toContainEqual(['companies', company.id, 'contacts', contactId, expect.any(String)]);
  });
});

describe('the failed-events and outcomes files', () => {
  const mixed = () => [
    ...identifies(2),
    { type: 'identify', messageId: 'bad', traits: { email: 'not-an-email' } },
    ...identifies(2, 10),
    { type: 'identify', messageId: 'bad2', traits: {} },
  ];

  it('hold each event once across a stop and a resume, and a second run rewrites them', async () => {
    p = await portal({ dailyLimit: 2 });
    const events = [...mixed(), ...identifies(6, 20), { type: 'identify', messageId: 'bad3', traits: {} }];
    const file = p.file('e.ndjson', ndjson(events));
    const m = p.file('m.yaml', contacts);
    const args = [file, '-m', m, '--checkpoint', 'ck.json', '--failed', 'f.ndjson', '--outcomes', 'o.ndjson', '--concurrency', '1'];
    const first = await p.send(args);
    expect(first.code).not.toBe(0);
    expect(first.stderr).toMatch(/unfinished:\s+\d+/);
    await resetDailyLimit(p);
    const second = await p.send(args);
    expect(second.code).toBe(2);
    const outcomes = lines(path.join(p.dir, 'o.ndjson'));
    expect(outcomes.map((o) => o.line).sort((a, b) => a - b)).toEqual(events.map((_, i) => i + 1));
    expect(outcomes.filter((o) => o.outcome === 'failed').map((o) => o.messageId).sort()).toEqual(['bad', 'bad2', 'bad3']);
    expect(outcomes.filter((o) => o.outcome === 'delivered')).toHaveLength(10);
    expect(lines(path.join(p.dir, 'f.ndjson')).map((l) => l.failure.messageId).sort()).toEqual(['bad', 'bad2', 'bad3']);

    // The same command without a checkpoint sends everything again: the files say so once.
    const third = await p.send([file, '-m', m, '--failed', 'f.ndjson', '--outcomes', 'o.ndjson']);
    expect(third.code).toBe(2);
    expect(lines(path.join(p.dir, 'f.ndjson'))).toHaveLength(3);
    expect(lines(path.join(p.dir, 'o.ndjson'))).toHaveLength(events.length);
  });

  it('keep where an event first came from through retries', async () => {
    p = await portal();
    const m = p.file('m.yaml', contacts);
    const first = await p.send([p.file('e.ndjson', ndjson(mixed())), '-m', m, '--failed', 'f1.ndjson']);
    expect(first.code).toBe(2);
    const retry = await p.send(['f1.ndjson', '-m', m, '--failed', 'f2.ndjson', '--outcomes', 'o.ndjson']);
    expect(retry.code).toBe(2);
    const again = lines(path.join(p.dir, 'f2.ndjson'));
    expect(again.map((l) => [path.basename(l.failure.file), l.failure.line, l.failure.messageId])).toEqual([
      ['e.ndjson', 3, 'bad'],
      ['e.ndjson', 6, 'bad2'],
    ]);
    expect(again.map((l) => l.failure.readFrom)).toEqual([
      { file: 'f1.ndjson', line: 1 },
      { file: 'f1.ndjson', line: 2 },
    ]);
    expect(lines(path.join(p.dir, 'o.ndjson'))[0].origin).toMatchObject({ line: 3, messageId: 'bad' });
  });

  it('refuses an input that is also the failed or outcomes output', async () => {
    p = await portal();
    const file = p.file('e.ndjson', ndjson(identifies(1)));
    const r = await p.send([file, '-m', p.file('m.yaml', contacts), '--failed', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--failed');
    expect(r.stderr).toContain('is also an input of this run');
    expect(readFileSync(file, 'utf8')).toBe(ndjson(identifies(1)));
    expect((await p.requests()).total).toBe(0);
  });

  it('summarise bad lines by kind, without line numbers', async () => {
    p = await portal();
    const text = ['{"type":"identify","messageId":"a","traits":{"email":"a@x.io"}}', '{not json', '[1,2]', '{also not', '1'].join('\n') + '\n';
    const r = await p.send([p.file('e.ndjson', text), '-m', p.file('m.yaml', contacts), '--json', '--failed', 'f.ndjson']);
    const summary = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(summary.counts.failedByReason).toEqual({
      'invalid: is not valid JSON': 2,
      'invalid: is JSON but not an object; each line must be one Segment event': 2,
    });
    expect(r.stderr).toMatch(/e\.ndjson:2: line 2 is not valid JSON/);
  });
});

describe('reading', () => {
  it('finishes the events read before a truncated .gz, and says exactly what was not read', async () => {
    p = await portal();
    const gz = gzipSync(Buffer.from(ndjson(identifies(50))));
    const file = p.file('e.ndjson.gz', '');
    writeFileSync(file, gz.subarray(0, Math.floor(gz.length * 0.6)));
    const later = p.file('later.ndjson', ndjson(identifies(2, 100)));
    const r = await p.send([file, later, '-m', p.file('m.yaml', contacts), '--checkpoint', 'ck.json']);
    expect(r.code).toBe(1);
    const read = Number(/events read:\s+(\d+)/.exec(r.stderr)?.[1]);
    expect(read).toBeGreaterThan(0);
    expect(r.stderr).toMatch(new RegExp(`delivered:\\s+${read}\\b`));
    expect(r.stderr).toContain(`reading ${file} failed after line`);
    expect(r.stderr).toContain(`was not read`);
    expect(r.stderr).toContain('later.ndjson');
    expect(r.stderr).toMatch(new RegExp(`Events from .*e\\.ndjson\\.gz:${read + 1} on are not finished`));
    expect(recordsOf(await p.dump(), 'contacts')).toHaveLength(read);
  });

  it('ignores a UTF-8 byte-order mark at the start of a file', async () => {
    p = await portal();
    const file = p.file('e.ndjson', '\ufeff' + ndjson(identifies(2)));
    const r = await p.send([file, '-m', p.file('m.yaml', contacts)]);
    expect(r.stderr).toMatch(/delivered:\s+2/);
    expect(r.code).toBe(0);
  });
});

describe('merged operations', () => {
  it('give each merged event its own outcome when HubSpot refuses the merge: the good one delivered, the bad one failed', async () => {
    p = await portal();
    const m = p.file('m.yaml', 'version: 1\nmappings:\n  - name: c\n    action: upsertContact\n    fields:\n      enable_batching: true\n      lifecyclestage: { "@path": "$.traits.lifecyclestage" }\n');
    const events = [
      { type: 'identify', messageId: 'good', traits: { email: 'p@x.io', firstName: 'Pat' } },
      { type: 'identify', messageId: 'bad', traits: { email: 'p@x.io', lifecyclestage: 'bogus' } },
    ];
    const r = await p.send([p.file('e.ndjson', ndjson(events)), '-m', m, '--outcomes', 'o.ndjson', '--failed', 'f.ndjson']);
    expect(r.code).toBe(2);
    const outcomes = lines(path.join(p.dir, 'o.ndjson'));
    expect(Object.fromEntries(outcomes.map((o) => [o.messageId, o.outcome]))).toEqual({ good: 'delivered', bad: 'failed' });
    expect(lines(path.join(p.dir, 'f.ndjson')).map((l) => l.failure.messageId)).toEqual(['bad']);
    expect(recordsOf(await p.dump(), 'contacts')).toMatchObject([{ email: 'p@x.io', firstname: 'Pat' }]);
  });
});

describe('client settings from the environment', () => {
  it('HUBSPOT_ACTIONS_TIMEOUT_MS sets the request timeout; a value that is not a number is refused', async () => {
    p = await portal({ faults: { slowMs: 1500 } });
    const file = p.file('e.ndjson', ndjson(identifies(1)));
    const m = p.file('m.yaml', contacts);
    const run = p.send([file, '-m', m, '--no-preflight'], { env: { HUBSPOT_ACTIONS_TIMEOUT_MS: '200' } });
    // Long enough for the CLI to start and send at least once under load; each try gives up at 200 ms.
    await new Promise((r) => setTimeout(r, 3000));
    await p.emu.setFaults({});
    const r = await run;
    expect(r.code).toBe(0);
    // The first answer came after 1.5 s, past the 200 ms asked for: it was given up on and asked again.
    const log = await (await fetch(`${p.emu.url}/__emulator/requests?last=100`)).json();
    expect(log.log.filter((e: any) => e.method === 'PATCH').length).toBeGreaterThanOrEqual(2);
    const bad = await p.send([file, '-m', m], { env: { HUBSPOT_ACTIONS_TIMEOUT_MS: 'soon' } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('HUBSPOT_ACTIONS_TIMEOUT_MS must be a number of at least 1, not "soon"');
  });
});

describe('--limit', () => {
  it('leaves the checkpoint unfinished: the next run resumes after the events it read', async () => {
    p = await portal();
    const file = p.file('e.ndjson', ndjson(identifies(5)));
    const m = p.file('m.yaml', contacts);
    const first = await p.send([file, '-m', m, '--checkpoint', 'ck.json', '--limit', '2']);
    expect(first.code).toBe(0);
    expect(recordsOf(await p.dump(), 'contacts')).toHaveLength(2);
    const rest = await p.send([file, '-m', m, '--checkpoint', 'ck.json'], { env: { HUBSPOT_ACTIONS_SEARCH_SETTLE_MS: '0' } });
    expect(rest.code).toBe(0);
    expect(rest.stderr).toMatch(/Resumed at .*e\.ndjson:3/);
    expect(recordsOf(await p.dump(), 'contacts')).toHaveLength(5);
  });
});
