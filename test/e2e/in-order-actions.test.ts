import { afterEach, describe, expect, it } from 'vitest';
import { ndjson, portal, recordsOf, type Portal } from '../helpers/live.js';

let p: Portal;
afterEach(async () => p?.stop());

/**
 * Issue 9's promise, per action: HubSpot ends as if the events were applied one at a time, in
 * input order, however HubSpot's search lags and however the operations are batched.
 */
const contacts = '  - name: contacts\n    action: upsertContact\n    fields:\n      enable_batching: true\n';
const dealsByBuyer = `  - name: deals\n    action: upsertCustomObjectRecord\n    trigger: 'type = "track" and event = "Deal Created"'\n    fields:\n      objectType: deals\n      customObjectSearchFields:\n        dealname: { "@path": "$.properties.name" }\n      properties:\n        dealname: { "@path": "$.properties.name" }\n        amount: { "@path": "$.properties.amount" }\n      toObjectType: contacts\n      searchFieldsToAssociateCustomObjects:\n        email: { "@path": "$.properties.buyer" }\n      associationLabel: "HUBSPOT_DEFINED:3"\n`;

describe('in input order, whatever the search index lag', () => {
  it('a deal is associated with its buyer upserted by an earlier line, and not with one a later line upserts', async () => {
    p = await portal({ searchIndexLagMs: 60_000 });
    const events = [
      { type: 'identify', messageId: 'i1', userId: 'u1', traits: { email: 'Buyer@x.io' } },
      { type: 'track', messageId: 't1', event: 'Deal Created', properties: { name: 'D1', amount: 10, buyer: 'buyer@x.io' } },
      { type: 'track', messageId: 't2', event: 'Deal Created', properties: { name: 'D2', amount: 20, buyer: 'late@x.io' } },
      { type: 'identify', messageId: 'i2', userId: 'u2', traits: { email: 'late@x.io' } },
    ];
    const r = await p.send([p.file('e.ndjson', ndjson(events)), '-m', p.file('m.yaml', `version: 1\nmappings:\n${contacts}${dealsByBuyer}`)]);
    expect(r.code).toBe(0);
    const dump = await p.dump();
    const contactIds = new Map(recordsOf(dump, 'contacts').map((c) => [c.email, c.id]));
    const deals = new Map(recordsOf(dump, 'deals').map((d) => [d.dealname, d.id]));
    const dealToContact = dump.associations.filter((a: string[]) => a[0] === 'deals' && a[2] === 'contacts').map((a: string[]) => `${a[1]}>${a[3]}`);
    expect(dealToContact).toEqual([`${deals.get('D1')}>${contactIds.get('buyer@x.io')}`]);
  });

  it('a record this run created is found by any of its search fields, not only by the search that created it', async () => {
    p = await portal({ searchIndexLagMs: 60_000 });
    const byName = `  - name: byName\n    action: upsertCustomObjectRecord\n    trigger: 'event = "Created"'\n    fields:\n      objectType: deals\n      customObjectSearchFields:\n        dealname: { "@path": "$.properties.name" }\n      properties:\n        dealname: { "@path": "$.properties.name" }\n        amount: { "@path": "$.properties.amount" }\n`;
    const byNameOrAmount = `  - name: byNameOrAmount\n    action: upsertCustomObjectRecord\n    trigger: 'event = "Updated"'\n    fields:\n      objectType: deals\n      customObjectSearchFields:\n        dealname: { "@path": "$.properties.name" }\n        amount: { "@path": "$.properties.old" }\n      properties:\n        amount: { "@path": "$.properties.amount" }\n`;
    const events = [
      { type: 'track', messageId: 'c1', event: 'Created', properties: { name: 'Order 7', amount: 5 } },
      { type: 'track', messageId: 'u1', event: 'Updated', properties: { name: 'ORDER 7', old: 999, amount: 6 } },
    ];
    const r = await p.send([p.file('e.ndjson', ndjson(events)), '-m', p.file('m.yaml', `version: 1\nmappings:\n${byName}${byNameOrAmount}`)]);
    expect(r.code).toBe(0);
    const deals = recordsOf(await p.dump(), 'deals');
    expect(deals.map((d) => `${d.dealname}=${d.amount}`)).toEqual(['Order 7=6']);
  });
});

describe('merged only when equivalent', () => {
  const companies = (fields: string) => `version: 1\nmappings:\n  - name: companies\n    action: upsertCompany\n    fields:\n      associateContact: false\n${fields}`;

  it('two unsent companies for one group, one with a search that finds the company and one without, both update it', async () => {
    p = await portal();
    await p.seed({ records: { companies: [{ properties: { name: 'Found', domain: 'found.io' } }] } });
    const m = p.file('m.yaml', companies('      createNewCompany: false\n      companysearchfields:\n        domain: { "@path": "$.traits.website" }\n'));
    const events = [
      { type: 'group', messageId: 'g1', groupId: 'acme', traits: { name: 'Acme', website: 'found.io' } },
      { type: 'group', messageId: 'g2', groupId: 'acme', traits: { industry: 'Software' } },
    ];
    const r = await p.send([p.file('e.ndjson', ndjson(events)), '-m', m]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/delivered:\s+2/);
    const got = recordsOf(await p.dump(), 'companies');
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ name: 'Acme', domain: 'found.io', industry: 'Software', segment_group_id: 'acme' });
  });
});

describe('a company that must be associated with a contact', () => {
  const both = 'version: 1\nmappings:\n  - name: contacts\n    action: upsertContact\n  - name: companies\n    action: upsertCompany\n';

  it('is not created when no contact is found, as Segment says', async () => {
    p = await portal();
    const events = [
      { type: 'group', messageId: 'g1', userId: 'ghost', groupId: 'nobody', traits: { name: 'Nobody Inc' } },
      { type: 'group', messageId: 'g2', groupId: 'mail', traits: { name: 'Mail Inc', email: 'none@x.io' } },
    ];
    const r = await p.send([p.file('e.ndjson', ndjson(events)), '-m', p.file('m.yaml', both), '--failed', 'f.ndjson']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/failed:\s+2/);
    expect(r.stderr).toContain('Identify (Upsert Contact) must be called before Group (Upsert Company)');
    expect(recordsOf(await p.dump(), 'companies')).toHaveLength(0);
  });
});

describe('a merged upsert HubSpot refuses', () => {
  it('is applied again event by event: the good event lands, the bad one alone fails', async () => {
    p = await portal();
    const m = 'version: 1\nmappings:\n  - name: contacts\n    action: upsertContact\n    fields:\n      enable_batching: true\n      lifecyclestage: { "@path": "$.traits.stage" }\n';
    const events = [
      { type: 'identify', messageId: 'i1', traits: { email: 'pat@x.io', first_name: 'Pat', stage: 'lead' } },
      { type: 'identify', messageId: 'i2', traits: { email: 'pat@x.io', stage: 'not-a-stage' } },
    ];
    const r = await p.send([p.file('e.ndjson', ndjson(events)), '-m', p.file('m.yaml', m), '--failed', 'f.ndjson']);
    expect(r.code).toBe(2);
    const contacts = recordsOf(await p.dump(), 'contacts');
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({ email: 'pat@x.io', firstname: 'Pat', lifecyclestage: 'lead' });
  });
});
