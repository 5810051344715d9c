import { afterEach, describe, expect, it } from 'vitest';
import { ndjson, portal, recordsOf, type Portal } from '../helpers/live.js';

let p: Portal;
afterEach(async () => p?.stop());

const both = (companyFields = '') =>
  `version: 1\nmappings:\n  - name: contacts\n    action: upsertContact\n  - name: companies\n    action: upsertCompany\n${companyFields ? `    fields:\n${companyFields}` : ''}`;

const assocPairs = (dump: any) => dump.associations.filter((a: string[]) => a[0] === 'companies' && a[2] === 'contacts').map((a: string[]) => `${a[1]}>${a[3]}`);

describe('upsertCompany against the emulator', () => {
  it('creates segment_group_id, upserts the company and associates the contact of the same user', async () => {
    p = await portal();
    const events = [
      { type: 'identify', messageId: 'i1', userId: 'u1', traits: { email: 'jane@acme.io' } },
      { type: 'group', messageId: 'g1', userId: 'u1', groupId: 'acme', traits: { name: ' Acme ', website: 'acme.io', employees: '42' } },
      { type: 'group', messageId: 'g2', userId: 'u1', groupId: 'acme', traits: { industry: 'Software' } },
    ];
    const r = await p.send([p.file('e.ndjson', ndjson(events)), '-m', p.file('m.yaml', both())]);
    expect(r.stderr).toMatch(/delivered:\s+3/);
    expect(r.code).toBe(0);
    const dump = await p.dump();
    expect(dump.properties.companies).toContain('segment_group_id');
    const companies = recordsOf(dump, 'companies');
    expect(companies).toHaveLength(1);
    expect(companies[0]).toMatchObject({ name: 'Acme', domain: 'acme.io', numberofemployees: '42', industry: 'Software', segment_group_id: 'acme' });
    const contact = recordsOf(dump, 'contacts')[0]!;
    expect(assocPairs(dump)).toEqual([`${companies[0]!.id}>${contact.id}`]);
  });

  it('associates with the contact an earlier event upserted for the same anonymousId, and with a known email', async () => {
    p = await portal();
    await p.seed({ records: { contacts: [{ properties: { email: 'known@x.io' } }] } });
    const events = [
      { type: 'identify', messageId: 'i1', anonymousId: 'anon-9', traits: { email: 'anon@x.io' } },
      { type: 'track', messageId: 't1', event: 'x' },
      { type: 'group', messageId: 'g1', anonymousId: 'anon-9', groupId: 'g-anon', traits: { name: 'A' } },
      { type: 'group', messageId: 'g2', groupId: 'g-mail', traits: { name: 'B', email: 'Known@x.io' } },
    ];
    const r = await p.send([p.file('e.ndjson', ndjson(events)), '-m', p.file('m.yaml', both())]);
    expect(r.code).toBe(0);
    const dump = await p.dump();
    const contacts = new Map(recordsOf(dump, 'contacts').map((c) => [c.email, c.id]));
    const companies = new Map(recordsOf(dump, 'companies').map((c) => [c.segment_group_id, c.id]));
    expect(assocPairs(dump).sort()).toEqual([`${companies.get('g-anon')}>${contacts.get('anon@x.io')}`, `${companies.get('g-mail')}>${contacts.get('known@x.io')}`].sort());
  });

  it('a company found by its segment_group_id is updated in the same batch/upsert that creates the new ones: one request fewer a batch', async () => {
    p = await portal();
    const fields = '      associateContact: false\n      companysearchfields:\n        domain: { "@path": "$.traits.website" }\n';
    const m = p.file('m.yaml', both(fields));
    const first = await p.send([p.file('a.ndjson', ndjson([{ type: 'group', messageId: 'g0', userId: 'u0', groupId: 'acme', traits: { name: 'Acme', website: 'acme.io' } }])), '-m', m]);
    expect(first.code, first.stderr).toBe(0);
    const before = (await p.requests()).counts;
    const events = [
      { type: 'group', messageId: 'g1', userId: 'u1', groupId: 'acme', traits: { name: 'Acme Two', website: 'acme.io' } },
      { type: 'group', messageId: 'g2', userId: 'u2', groupId: 'beta', traits: { name: 'Beta', website: 'beta.io' } },
    ];
    const r = await p.send([p.file('b.ndjson', ndjson(events)), '-m', m]);
    expect(r.stderr).toMatch(/delivered:\s+2/);
    const after = (await p.requests()).counts;
    const sent = (k: string) => (after[k] ?? 0) - (before[k] ?? 0);
    expect(sent('POST /crm/v3/objects/companies/batch/upsert')).toBe(1);
    expect(sent('POST /crm/v3/objects/companies/batch/update')).toBe(0);
    const companies = recordsOf(await p.dump(), 'companies').map((c) => `${c.segment_group_id}:${c.name}:${c.domain}`).sort();
    expect(companies).toEqual(['acme:Acme Two:acme.io', 'beta:Beta:beta.io']);
  });

  it('fails with Segment\'s message when there is no contact to associate', async () => {
    p = await portal();
    const r = await p.send([p.file('e.ndjson', ndjson([{ type: 'group', messageId: 'g1', groupId: 'g', traits: { name: 'A' } }])), '-m', p.file('m.yaml', both()), '--failed', 'f.ndjson']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Identify (Upsert Contact) must be called before Group (Upsert Company) for the HubSpot Cloud (Actions) destination');
    expect(recordsOf(await p.dump(), 'companies')).toHaveLength(0);
  });

  it('finds an existing company by the search fields and backfills its segment_group_id', async () => {
    p = await portal();
    await p.seed({ records: { companies: [{ properties: { name: 'Old Name', domain: 'found.io' } }] } });
    const m = p.file('m.yaml', both('      associateContact: false\n      companysearchfields:\n        domain: { "@path": "$.traits.website" }\n'));
    const r = await p.send([p.file('e.ndjson', ndjson([{ type: 'group', messageId: 'g1', groupId: 'new-gid', traits: { name: 'New Name', website: 'found.io' } }])), '-m', m]);
    expect(r.code).toBe(0);
    const companies = recordsOf(await p.dump(), 'companies');
    expect(companies).toHaveLength(1);
    expect(companies[0]).toMatchObject({ name: 'New Name', domain: 'found.io', segment_group_id: 'new-gid' });
  });

  it('skips, with the reason, when nothing is found and createNewCompany is false', async () => {
    p = await portal();
    const m = p.file('m.yaml', both('      associateContact: false\n      createNewCompany: false\n'));
    const r = await p.send([p.file('e.ndjson', ndjson([{ type: 'group', messageId: 'g1', groupId: 'nope', traits: { name: 'X' } }])), '-m', m]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/skipped:\s+1\n\s+no company has segment_group_id "nope" and createNewCompany is false: 1/);
    expect(recordsOf(await p.dump(), 'companies')).toHaveLength(0);
  });

  it('refuses an ambiguous search, as Segment does', async () => {
    p = await portal();
    await p.seed({ records: { companies: [{ properties: { name: 'A', domain: 'dup.io' } }, { properties: { name: 'B', domain: 'dup.io' } }] } });
    const m = p.file('m.yaml', both('      associateContact: false\n      companysearchfields:\n        domain: { "@path": "$.traits.website" }\n'));
    const r = await p.send([p.file('e.ndjson', ndjson([{ type: 'group', messageId: 'g1', groupId: 'x', traits: { website: 'dup.io' } }])), '-m', m, '--failed', 'f.ndjson']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('The search criteria defined by Company Search Fields returned more than one companies. The update request will be rejected.');
  });

  it('looks up 100 companies a search when the search fields are one property', async () => {
    p = await portal();
    await p.seed({ records: { companies: Array.from({ length: 30 }, (_, i) => ({ properties: { name: `Old ${i}`, domain: `d${i}.io` } })) } });
    const m = p.file('m.yaml', both('      associateContact: false\n      companysearchfields:\n        domain: { "@path": "$.traits.website" }\n'));
    const events = Array.from({ length: 150 }, (_, i) => ({ type: 'group', messageId: `g${i}`, groupId: `gid-${i}`, traits: { name: `New ${i}`, website: `d${i}.io` } }));
    const r = await p.send([p.file('e.ndjson', ndjson(events)), '-m', m]);
    expect(r.code).toBe(0);
    const companies = recordsOf(await p.dump(), 'companies');
    expect(companies).toHaveLength(150);
    expect(companies.find((c) => c.domain === 'd7.io')).toMatchObject({ name: 'New 7', segment_group_id: 'gid-7' });
    expect((await p.requests()).counts['POST /crm/v3/objects/companies/search']).toBe(2);
  });

  it('sends 300 companies for 300 users in a handful of requests', async () => {
    p = await portal();
    const events = Array.from({ length: 300 }, (_, i) => [
      { type: 'identify', messageId: `i${i}`, userId: `u${i}`, traits: { email: `u${i}@x.io` } },
      { type: 'group', messageId: `g${i}`, userId: `u${i}`, groupId: `co-${i % 150}`, traits: { name: `Co ${i % 150}` } },
    ]).flat();
    const r = await p.send([p.file('e.ndjson', ndjson(events)), '-m', p.file('m.yaml', both().replace('action: upsertContact', 'action: upsertContact\n    fields:\n      enable_batching: true'))]);
    expect(r.code).toBe(0);
    const dump = await p.dump();
    expect(recordsOf(dump, 'companies')).toHaveLength(150);
    expect(assocPairs(dump)).toHaveLength(300);
    const { total } = await p.requests();
    // Segment: at least 2 requests per identify and 2 per group, 1200 here.
    expect(total).toBeLessThanOrEqual(1200 / 20);
  });
});
