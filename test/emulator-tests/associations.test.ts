import { beforeEach, describe, expect, it } from 'vitest';
import { useEmulator } from './helpers.js';

let contact: string;
let company: string;
let deal: string;

const { api } = useEmulator();
beforeEach(async () => {
  const seeded = await api.post('/__emulator/seed', {
    records: { contacts: [{ properties: { email: 'a@x.co' } }], companies: [{ properties: { name: 'Acme' } }], deals: [{ properties: { dealname: 'Big' } }] },
  });
  [contact] = seeded.body.records.contacts;
  [company] = seeded.body.records.companies;
  [deal] = seeded.body.records.deals;
});

const dumpAssociations = async () => (await api.get('/__emulator/dump')).body.associations;

describe('associations v4', () => {
  it('default PUT answers 200 with both directions and is idempotent', async () => {
    const path = `/crm/v4/objects/contacts/${contact}/associations/default/companies/${company}`;
    const r = await api.put(path);
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('COMPLETE');
    expect(r.body.results).toEqual([
      { from: { id: contact }, to: { id: company }, associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 } },
      { from: { id: company }, to: { id: contact }, associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 280 } },
    ]);
    await api.put(path);
    expect(await dumpAssociations()).toEqual([
      ['companies', company, 'contacts', contact, 'HUBSPOT_DEFINED:280'],
      ['contacts', contact, 'companies', company, 'HUBSPOT_DEFINED:279'],
    ]);
  });

  it('labelled PUT answers 201 LabelsBetweenObjectPair and adds the unlabeled type too', async () => {
    const r = await api.put(`/crm/v4/objects/contacts/${contact}/associations/companies/${company}`, [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 }]);
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ fromObjectTypeId: '0-1', fromObjectId: Number(contact), toObjectTypeId: '0-2', toObjectId: Number(company), labels: ['Primary'] });
    const list = await api.get(`/crm/v4/objects/contacts/${contact}/associations/companies`);
    expect(list.body.results).toEqual([
      { toObjectId: Number(company), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 279, label: null }, { category: 'HUBSPOT_DEFINED', typeId: 1, label: 'Primary' }] },
    ]);
  });

  it('answers 404 when either record is missing and 400 for a type id that does not fit the pair', async () => {
    expect((await api.put(`/crm/v4/objects/contacts/${contact}/associations/default/companies/999999`)).status).toBe(404);
    expect((await api.put(`/crm/v4/objects/contacts/999999/associations/default/companies/${company}`)).status).toBe(404);
    const bad = await api.put(`/crm/v4/objects/contacts/${contact}/associations/companies/${company}`, [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 341 }]);
    expect(bad.status).toBe(400);
  });

  it('lists HubSpot-defined labels per pair', async () => {
    const r = await api.get('/crm/v4/associations/contacts/companies/labels');
    expect(r.body.results).toEqual([{ category: 'HUBSPOT_DEFINED', typeId: 279, label: null }, { category: 'HUBSPOT_DEFINED', typeId: 1, label: 'Primary' }]);
    const deals = await api.get('/crm/v4/associations/deals/companies/labels');
    expect(deals.body.results.map((l: any) => l.typeId)).toEqual([341, 5]);
    const tickets = await api.get('/crm/v4/associations/0-1/0-5/labels');
    expect(tickets.body.results.map((l: any) => l.typeId)).toEqual([15]);
  });

  it('batch associate/default and batch/create, with per-input errors as 207', async () => {
    const d = await api.post('/crm/v4/associations/deals/companies/batch/associate/default', { inputs: [{ from: { id: deal }, to: { id: company } }] });
    expect(d.status).toBe(200);
    expect(d.body.results[0].associationSpec).toEqual({ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 341 });
    const c = await api.post('/crm/v4/associations/contacts/deals/batch/create', {
      inputs: [
        { from: { id: contact }, to: { id: deal }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 4 }] },
        { from: { id: contact }, to: { id: '999999' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 4 }] },
      ],
    });
    expect(c.status).toBe(207);
    expect(c.body.results).toHaveLength(1);
    expect(c.body.errors[0].category).toBe('OBJECT_NOT_FOUND');
    expect(await dumpAssociations()).toEqual(expect.arrayContaining([['contacts', contact, 'deals', deal, 'HUBSPOT_DEFINED:4'], ['deals', deal, 'contacts', contact, 'HUBSPOT_DEFINED:3']]));
  });

  it('serves Segment\'s v3 company_to_contact PUT (no body) and 404s a missing contact', async () => {
    const r = await api.put(`/crm/v3/objects/companies/${company}/associations/contacts/${contact}/company_to_contact`);
    expect(r.status).toBe(200);
    expect(r.body.id).toBe(company);
    expect(r.body.associations.contacts.results).toEqual(expect.arrayContaining([{ id: contact, type: 'company_to_contact' }]));
    const missing = await api.put(`/crm/v3/objects/companies/${company}/associations/contacts/123456789/company_to_contact`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ message: 'No contact with ID 123456789 exists', category: 'OBJECT_NOT_FOUND' });
    const fromContact = await api.get(`/crm/v3/objects/contacts/${contact}?associations=companies`);
    expect(fromContact.body.associations.companies.results).toEqual(expect.arrayContaining([{ id: company, type: 'contact_to_company' }]));
  });

  it('creates inline associations on create and infers the target type from the type id', async () => {
    const r = await api.post('/crm/v3/objects/deals', {
      properties: { dealname: 'New' },
      associations: [{ to: { id: company }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 341 }] }],
    });
    expect(r.status).toBe(201);
    expect(await dumpAssociations()).toEqual(expect.arrayContaining([['deals', r.body.id, 'companies', company, 'HUBSPOT_DEFINED:341']]));
    const bad = await api.post('/crm/v3/objects/deals', { properties: { dealname: 'X' }, associations: [{ to: { id: '999999' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 341 }] }] });
    expect(bad.status).toBe(400);
  });

  it('deletes associations (204) and serves the date-versioned association paths', async () => {
    await api.put(`/crm/objects/2026-03/contacts/${contact}/associations/default/companies/${company}`);
    expect(await dumpAssociations()).toHaveLength(2);
    expect((await api.get('/crm/associations/2026-03/contacts/companies/labels')).status).toBe(200);
    expect((await api.del(`/crm/v4/objects/contacts/${contact}/associations/companies/${company}`)).status).toBe(204);
    expect(await dumpAssociations()).toEqual([]);
  });

  it('associates custom objects through seeded schema associations and custom labels', async () => {
    const seeded = await api.post('/__emulator/seed', {
      schemas: [{ name: 'car', labels: { singular: 'Car', plural: 'Cars' }, properties: [{ name: 'vin', type: 'string', hasUniqueValue: true }], primaryDisplayProperty: 'vin', associatedObjects: ['CONTACT'] }],
      associationLabels: [{ fromObjectType: 'p1234567_car', toObjectType: 'contacts', label: 'Driver', name: 'driver' }],
    });
    const custom = seeded.body.associationLabels[0];
    const car = await api.post('/crm/v3/objects/p1234567_car', { properties: { vin: 'V1' } });
    const labels = await api.get(`/crm/v4/associations/${seeded.body.schemas[0].objectTypeId}/contacts/labels`);
    expect(labels.body.results).toEqual([
      { category: 'USER_DEFINED', typeId: expect.any(Number), label: null },
      { category: 'USER_DEFINED', typeId: custom.typeId, label: 'Driver' },
    ]);
    const r = await api.put(`/crm/v4/objects/p1234567_car/${car.body.id}/associations/contacts/${contact}`, [{ associationCategory: 'USER_DEFINED', associationTypeId: custom.typeId }]);
    expect(r.status).toBe(201);
    expect(r.body.labels).toEqual(['Driver']);
  });
});
