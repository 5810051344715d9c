import { afterEach, describe, expect, it } from 'vitest';
import { inputFiles, runCli, requestsOf } from '../helpers/run-cli.js';
import { ndjson, portal, recordsOf, type Portal } from '../helpers/live.js';

const deals = (target: string) =>
  `version: 1\nmappings:\n  - name: contacts\n    action: upsertContact\n    trigger: 'type = "identify"'\n  - name: deals\n    action: upsertCustomObjectRecord\n    trigger: 'type = "track" and event = "Order Completed"'\n    fields:\n      objectType: deals\n      customObjectSearchFields:\n        dealname: { "@template": "Order {{properties.id}}" }\n      properties:\n        dealname: { "@template": "Order {{properties.id}}" }\n${target}      associationLabel: "HUBSPOT_DEFINED:3"\n`;
const BY_EMAIL = '      toObjectType: contacts\n      searchFieldsToAssociateCustomObjects:\n        email: { "@path": "$.properties.email" }\n';
const BY_TWO = '      toObjectType: companies\n      searchFieldsToAssociateCustomObjects:\n        domain: { "@path": "$.properties.domain" }\n        name: { "@path": "$.properties.company" }\n';
const order = (id: string, props: Record<string, string>) => ({ type: 'track', messageId: `t-${id}`, event: 'Order Completed', properties: { id, ...props } });

describe('send --dry-run shows the association a deal would get, as depending on the lookup', () => {
  it('a batched create carries a stand-in id naming the contact looked up by email, and says it depends on the lookup', async () => {
    const { m, e } = inputFiles(deals(BY_EMAIL), [order('C3', { email: 'buyer@x.io' }), order('C4', { email: 'other@x.io' })]);
    const r = await runCli(['send', e, '-m', m, '--dry-run']);
    expect(r.code).toBe(0);
    const create = requestsOf(r.stdout).find((q) => q.url.endsWith('/crm/v3/objects/deals/batch/create'));
    expect(create.body.inputs.map((i: any) => i.associations)).toEqual([
      [{ to: { id: '<id of the contacts record found by email=buyer@x.io>' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }] }],
      [{ to: { id: '<id of the contacts record found by email=other@x.io>' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }] }],
    ]);
    expect(create.dependsOn).toBe('the search found no record; associations: only if the association lookup finds exactly one record for each <id of …>');
  });

  it('a contact upserted earlier in the same run is associated by its (dry-run) id, with no lookup condition', async () => {
    const { m, e } = inputFiles(deals(BY_EMAIL), [{ type: 'identify', messageId: 'i1', traits: { email: 'buyer@x.io' } }, order('C3', { email: 'buyer@x.io' })]);
    const r = await runCli(['send', e, '-m', m, '--dry-run']);
    const create = requestsOf(r.stdout).find((q) => q.url.endsWith('/crm/v3/objects/deals/batch/create'));
    expect(create.body.inputs[0].associations).toEqual([{ to: { id: 'new-contacts-1' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }] }]);
    expect(create.dependsOn).toBe('the search found no record');
  });

  it('one event at a time (a search on several fields): the create names every field the lookup matches on', async () => {
    const { m, e } = inputFiles(deals(BY_TWO), [order('C5', { domain: 'x.io', company: 'X' })]);
    const r = await runCli(['send', e, '-m', m, '--dry-run', '--pretty']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('<id of the companies record found by domain=x.io or name=X>');
    expect(r.stdout).toContain('only if the search found no record; the association: only if the association lookup finds exactly one record for each <id of …>');
  });
});

describe("send --dry-run shows a company's contact association as depending on the read by email", () => {
  const companies = 'version: 1\nmappings:\n  - name: contacts\n    action: upsertContact\n  - name: companies\n    action: upsertCompany\n';
  const group = (id: string, extra: object) => ({ type: 'group', messageId: `g-${id}`, groupId: id, traits: { name: id }, ...extra });

  it('a contact known only by email: the company write and its association depend on the read, instead of the event failing', async () => {
    const { m, e } = inputFiles(companies, [group('acme', { traits: { name: 'Acme', email: 'boss@acme.io' } })]);
    const r = await runCli(['send', e, '-m', m, '--dry-run']);
    expect(r.code).toBe(0);
    const reqs = requestsOf(r.stdout);
    const upsert = reqs.find((q) => q.url.endsWith('/crm/v3/objects/companies/batch/upsert'));
    expect(upsert.dependsOn).toBe('the read finds the contact to associate by email (else the event fails and its company is not written)');
    const assoc = reqs.find((q) => q.url.includes('/associations/companies/contacts/'));
    expect(assoc.body.inputs).toEqual([{ from: { id: 'new-companies-1' }, to: { id: '<id of the contacts record found by email=boss@acme.io>' } }]);
    expect(assoc.dependsOn).toBe('the association lookup finds exactly one record for each <id of …>');
  });

  it('a contact the same run upserts is associated by its id, and the company write depends on nothing', async () => {
    const { m, e } = inputFiles(companies, [{ type: 'identify', messageId: 'i1', traits: { email: 'boss@acme.io' } }, group('acme', { traits: { name: 'Acme', email: 'boss@acme.io' } })]);
    const r = await runCli(['send', e, '-m', m, '--dry-run']);
    expect(r.code).toBe(0);
    const reqs = requestsOf(r.stdout);
    expect(reqs.find((q) => q.url.endsWith('/companies/batch/upsert')).dependsOn).toBeUndefined();
    const assoc = reqs.find((q) => q.url.includes('/associations/companies/contacts/'));
    expect(assoc.body.inputs[0].to.id).toMatch(/^new-contacts-\d+$/);
    expect(assoc.dependsOn).toBeUndefined();
  });

  it('a contact named only by a userId no one upserted still fails, as it does live (nothing to look up)', async () => {
    const { m, e } = inputFiles(companies, [group('beta', { userId: 'u-9' })]);
    const r = await runCli(['send', e, '-m', m, '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Identify (Upsert Contact) must be called before Group (Upsert Company)');
  });
});

describe('a live run is unchanged: no association when the lookup finds nothing', () => {
  let p: Portal;
  afterEach(async () => p?.stop());

  it('creates the deal without an association, and delivers it', async () => {
    p = await portal();
    const r = await p.send([p.file('e.ndjson', ndjson([order('C3', { email: 'nobody@x.io' })])), '-m', p.file('m.yaml', deals(BY_EMAIL))]);
    expect(r.code).toBe(0);
    const dump = await p.dump();
    expect(recordsOf(dump, 'deals').map((d) => d.dealname)).toEqual(['Order C3']);
    expect(dump.associations).toEqual([]);
  });
});
