import { afterEach, describe, expect, it } from 'vitest';
import { ndjson, portal, recordsOf, type Portal } from '../helpers/live.js';

let p: Portal;
afterEach(async () => p?.stop());

const single = 'version: 1\nmappings:\n  - name: contacts\n    action: upsertContact\n    fields:\n      lifecyclestage: { "@path": "$.traits.stage" }\n      properties:\n        plan: { "@path": "$.traits.plan" }\n';
const batched = single + '      enable_batching: true\n';
const planProperty = { contacts: [{ name: 'plan', label: 'Plan', type: 'string', fieldType: 'text', groupName: 'contactinformation' }] };

describe('upsertContact against the emulator', () => {
  it('creates, then updates the same contact by email (case-insensitive), one event at a time', async () => {
    p = await portal();
    await p.seed({ properties: planProperty });
    const m = p.file('m.yaml', single);
    const first = await p.send([p.file('a.ndjson', ndjson([{ type: 'identify', messageId: '1', traits: { email: 'Jane@X.io', first_name: ' Jane ', plan: 'free' } }])), '-m', m]);
    expect(first.code).toBe(0);
    const second = await p.send([p.file('b.ndjson', ndjson([{ type: 'identify', messageId: '2', traits: { email: 'jane@x.io', plan: 'pro' } }])), '-m', m]);
    expect(second.code).toBe(0);
    const contacts = recordsOf(await p.dump(), 'contacts');
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({ email: 'jane@x.io', firstname: 'Jane', plan: 'pro' });
    // Segment's single flow: PATCH by email (404), POST; then PATCH by email (200).
    const { counts } = await p.requests();
    expect(counts['PATCH /crm/v3/objects/contacts/jane%40x.io']).toBe(1);
    expect(counts['POST /crm/v3/objects/contacts']).toBe(1);
  });

  it('moves a lifecycle stage backwards by clearing it first, as Segment does', async () => {
    p = await portal();
    const m = p.file('m.yaml', single.replace(/ {6}properties:\n.*\n/, ''));
    const events = [
      { type: 'identify', messageId: '1', traits: { email: 'a@x.io', stage: 'customer' } },
      { type: 'identify', messageId: '2', traits: { email: 'a@x.io', stage: 'Lead' } },
    ];
    const r = await p.send([p.file('e.ndjson', ndjson(events)), '-m', m]);
    expect(r.code).toBe(0);
    expect(recordsOf(await p.dump(), 'contacts')[0]).toMatchObject({ email: 'a@x.io', lifecyclestage: 'lead' });
  });

  it('batched, a stage the read shows moving backwards is cleared in the update and set in one more request; a forward move and a portal stage take the answer', async () => {
    p = await portal();
    await p.seed({ properties: planProperty });
    const m = p.file('m.yaml', batched);
    const seed = ['back', 'forward', 'same'].map((w, i) => ({ type: 'identify', messageId: `s${i}`, traits: { email: `${w}@x.io`, stage: 'customer' } }));
    expect((await p.send([p.file('a.ndjson', ndjson(seed)), '-m', m])).code).toBe(0);
    const before = (await p.requests()).counts;
    const events = [
      { type: 'identify', messageId: '1', traits: { email: 'back@x.io', stage: 'lead', plan: 'pro' } },
      { type: 'identify', messageId: '2', traits: { email: 'forward@x.io', stage: 'evangelist' } },
      { type: 'identify', messageId: '3', traits: { email: 'same@x.io', stage: 'customer' } },
    ];
    const r = await p.send([p.file('b.ndjson', ndjson(events)), '-m', m]);
    expect(r.stderr).toMatch(/delivered:\s+3/);
    const stages = Object.fromEntries(recordsOf(await p.dump(), 'contacts').map((c) => [c.email, `${c.lifecyclestage}/${c.plan ?? ''}`]));
    expect(stages).toEqual({ 'back@x.io': 'lead/pro', 'forward@x.io': 'evangelist/', 'same@x.io': 'customer/' });
    const after = (await p.requests()).counts;
    const updates = (after['POST /crm/v3/objects/contacts/batch/update'] ?? 0) - (before['POST /crm/v3/objects/contacts/batch/update'] ?? 0);
    // Segment's flow: the update, then (refused) a reset and a set: three.
    expect(updates).toBe(2);
  });

  it('batches 100 contacts a request, merges events for one email in input order, and lands them all', async () => {
    p = await portal();
    await p.seed({ properties: planProperty });
    const m = p.file('m.yaml', batched);
    const events = Array.from({ length: 250 }, (_, i) => ({ type: 'identify', messageId: `m${i}`, traits: { email: `user${i % 200}@x.io`, plan: `p${i}` } }));
    const r = await p.send([p.file('e.ndjson', ndjson(events)), '-m', m, '--no-preflight']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/delivered:\s+250/);
    const contacts = recordsOf(await p.dump(), 'contacts');
    expect(contacts).toHaveLength(200);
    const byEmail = new Map(contacts.map((c) => [c.email, c]));
    expect(byEmail.get('user0@x.io')!.plan).toBe('p200');
    expect(byEmail.get('user199@x.io')!.plan).toBe('p199');
    const { total, counts } = await p.requests();
    // 250 events, 200 contacts: reads and writes 100 at a time, where Segment sends 2+ per event.
    // How many of the 50 repeats merge into an unsent op depends on when the batches go: if the
    // first 100 went before their repeats were read, those are read and updated in one more batch.
    expect(counts['POST /crm/v3/objects/contacts/batch/create']).toBe(2);
    expect(counts['POST /crm/v3/objects/contacts/batch/read']).toBeGreaterThanOrEqual(2);
    expect(counts['POST /crm/v3/objects/contacts/batch/read']).toBeLessThanOrEqual(3);
    expect(counts['POST /crm/v3/objects/contacts/batch/update'] ?? 0).toBeLessThanOrEqual(1);
    expect(total).toBeLessThanOrEqual(6);
  });

  it('updates the contact whose additional email matches, creating no duplicate', async () => {
    p = await portal();
    await p.seed({ records: { contacts: [{ properties: { email: 'primary@x.io', hs_additional_emails: 'second@x.io;third@x.io' } }] } });
    const m = p.file('m.yaml', batched.replace(/ {6}properties:\n.*\n/, ''));
    const r = await p.send([p.file('e.ndjson', ndjson([{ type: 'identify', messageId: '1', traits: { email: 'Second@x.io', first_name: 'Sec' } }])), '-m', m]);
    expect(r.code).toBe(0);
    const contacts = recordsOf(await p.dump(), 'contacts');
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({ email: 'primary@x.io', firstname: 'Sec' });
  });

  it('isolates bad records of a batch (207): the good ones land, the bad ones go to the failed file', async () => {
    p = await portal();
    await p.seed({ properties: planProperty });
    const m = p.file('m.yaml', batched);
    const events = Array.from({ length: 10 }, (_, i) => ({ type: 'identify', messageId: `m${i}`, traits: { email: `u${i}@x.io`, stage: i % 4 === 1 ? 'not-a-stage' : 'lead' } }));
    const failed = `${p.dir}/failed.ndjson`;
    const r = await p.send([p.file('e.ndjson', ndjson(events)), '-m', m, '--failed', failed]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/delivered:\s+7/);
    expect(r.stderr).toMatch(/failed:\s+3/);
    const contacts = recordsOf(await p.dump(), 'contacts').map((c) => c.email).sort();
    expect(contacts).toEqual(['u0@x.io', 'u2@x.io', 'u3@x.io', 'u4@x.io', 'u6@x.io', 'u7@x.io', 'u8@x.io']);
    const { readFileSync } = await import('node:fs');
    const lines = readFileSync(failed, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.event.messageId).sort()).toEqual(['m1', 'm5', 'm9']);
    expect(lines[0].failure).toMatchObject({ file: expect.stringMatching(/e\.ndjson$/), mappings: ['contacts'] });
    expect(lines[0].failure.errors[0]).toMatchObject({ mapping: 'contacts', action: 'upsertContact', category: 'VALIDATION_ERROR', correlationId: expect.any(String) });
    expect(lines[0].failure.errors[0].message).toMatch(/INVALID_OPTION|not one of the allowed options/);
  });

  it('sends the failed file again with the same mapping once the cause is fixed', async () => {
    p = await portal();
    const m = p.file('m.yaml', batched);
    const failed = `${p.dir}/failed.ndjson`;
    const events = [{ type: 'identify', messageId: 'x1', traits: { email: 'z@x.io', plan: 'gold' } }];
    // Past the preflight, which would stop before sending: the subject is HubSpot's refusal and the retry.
    const r1 = await p.send([p.file('e.ndjson', ndjson(events)), '-m', m, '--failed', failed, '--no-preflight']);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/Property "plan" does not exist/);
    await p.seed({ properties: planProperty });
    const r2 = await p.send([failed, '-m', m, '--failed', `${p.dir}/again.ndjson`]);
    expect(r2.code).toBe(0);
    expect(recordsOf(await p.dump(), 'contacts')[0]).toMatchObject({ email: 'z@x.io', plan: 'gold' });
  });
});
