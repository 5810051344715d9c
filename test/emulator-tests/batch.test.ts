import { describe, expect, it } from 'vitest';
import { boot, useEmulator, CORRELATION } from './helpers.js';

const { api } = useEmulator();

const contacts = (n: number) => Array.from({ length: n }, (_, i) => ({ properties: { email: `u${i}@x.co` } }));

describe('batch create', () => {
  it('creates all inputs (201) and does not return them in input order', async () => {
    const r = await api.post('/crm/v3/objects/contacts/batch/create', { inputs: contacts(6) });
    expect(r.status).toBe(201);
    expect(r.body.status).toBe('COMPLETE');
    expect(r.body.results).toHaveLength(6);
    expect(Date.parse(r.body.startedAt)).not.toBeNaN();
    expect(Date.parse(r.body.completedAt)).not.toBeNaN();
    const emails = r.body.results.map((x: any) => x.properties.email);
    expect([...emails].sort()).toEqual(['u0@x.co', 'u1@x.co', 'u2@x.co', 'u3@x.co', 'u4@x.co', 'u5@x.co']);
    expect(emails).not.toEqual(['u0@x.co', 'u1@x.co', 'u2@x.co', 'u3@x.co', 'u4@x.co', 'u5@x.co']);
  });

  it('keeps input order when shuffleBatchResults is false', async () => {
    const plain = await boot({ shuffleBatchResults: false });
    try {
      const r = await plain.api.post('/crm/v3/objects/contacts/batch/create', { inputs: contacts(4) });
      expect(r.body.results.map((x: any) => x.properties.email)).toEqual(['u0@x.co', 'u1@x.co', 'u2@x.co', 'u3@x.co']);
    } finally {
      await plain.emu.stop();
    }
  });

  it('refuses more than 100 inputs with HubSpot\'s message', async () => {
    const r = await api.post('/crm/v3/objects/contacts/batch/create', { inputs: contacts(101) });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      status: 'error',
      message: 'The maximum number of inputs supported in a batch is 100. Please reduce the number of items and try again',
      category: 'VALIDATION_ERROR',
    });
    expect((await api.post('/crm/v3/objects/contacts/batch/create', { inputs: contacts(100) })).status).toBe(201);
  });

  it('rejects the whole batch on one bad record without objectWriteTraceId, writing nothing', async () => {
    const inputs = [{ properties: { email: 'ok@x.co' } }, { properties: { email: 'bad@x.co', favourite_color: 'red' } }];
    const r = await api.post('/crm/v3/objects/contacts/batch/create', { inputs });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([{ message: 'Property "favourite_color" does not exist', code: 'PROPERTY_DOESNT_EXIST', context: { propertyName: ['favourite_color'] } }]);
    const dump = await api.get('/__emulator/dump');
    expect(dump.body.records.contacts).toEqual([]);
  });

  it('answers 207 with per-record errors when every input has objectWriteTraceId', async () => {
    const inputs = [
      { objectWriteTraceId: 't1', properties: { email: 'ok@x.co' } },
      { objectWriteTraceId: 't2', properties: { email: 'bad@x.co', favourite_color: 'red' } },
    ];
    const r = await api.post('/crm/v3/objects/contacts/batch/create', { inputs });
    expect(r.status).toBe(207);
    expect(r.body.numErrors).toBe(1);
    expect(r.body.results).toHaveLength(1);
    expect(r.body.results[0].properties.email).toBe('ok@x.co');
    expect(r.body.errors[0]).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR', context: { objectWriteTraceId: ['t2'], }, links: {} });
    expect(r.body.errors[0].message).toContain('PROPERTY_DOESNT_EXIST');
    const dump = await api.get('/__emulator/dump');
    expect(dump.body.records.contacts.map((c: any) => c.properties.email)).toEqual(['ok@x.co']);
  });

  it('reports an existing email as a 409 for the whole batch', async () => {
    const existing = await api.post('/crm/v3/objects/contacts', { properties: { email: 'dup@x.co' } });
    const r = await api.post('/crm/v3/objects/contacts/batch/create', { inputs: [{ properties: { email: 'new@x.co' } }, { properties: { email: 'dup@x.co' } }] });
    expect(r.status).toBe(409);
    expect(r.body.message).toBe(`Contact already exists. Existing ID: ${existing.body.id}`);
  });
});

describe('batch read', () => {
  it('reads by email, honours hs_additional_emails, and reports missing ids in a 207 OBJECT_NOT_FOUND', async () => {
    const a = await api.post('/crm/v3/objects/contacts', { properties: { email: 'a@x.co', lifecyclestage: 'lead' } });
    const b = await api.post('/crm/v3/objects/contacts', { properties: { email: 'primary@x.co', hs_additional_emails: 'secondary@x.co' } });
    const r = await api.post('/crm/v3/objects/contacts/batch/read', {
      properties: ['email', 'lifecyclestage', 'hs_additional_emails'],
      idProperty: 'email',
      inputs: [{ id: 'a@x.co' }, { id: 'secondary@x.co' }, { id: 'ghost@x.co' }, { id: 'ghost2@x.co' }],
    });
    expect(r.status).toBe(207);
    const byId = Object.fromEntries(r.body.results.map((x: any) => [x.id, x.properties]));
    expect(byId[a.body.id]).toMatchObject({ email: 'a@x.co', lifecyclestage: 'lead', hs_additional_emails: null });
    expect(byId[b.body.id]).toMatchObject({ email: 'primary@x.co', hs_additional_emails: 'secondary@x.co' });
    expect(r.body.numErrors).toBe(1);
    expect(r.body.errors[0]).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND', context: { ids: ['ghost@x.co', 'ghost2@x.co'] } });
  });

  it('answers 200 when all are found, by record id', async () => {
    const a = await api.post('/crm/v3/objects/companies', { properties: { name: 'A' } });
    const r = await api.post('/crm/v3/objects/companies/batch/read', { inputs: [{ id: a.body.id }], properties: ['name'] });
    expect(r.status).toBe(200);
    expect(r.body.results[0].properties.name).toBe('A');
    expect(r.body.errors).toBeUndefined();
  });

  it('caps propertiesWithHistory reads at 50 inputs', async () => {
    const inputs = Array.from({ length: 51 }, (_, i) => ({ id: String(i) }));
    const r = await api.post('/crm/v3/objects/contacts/batch/read', { inputs, propertiesWithHistory: ['email'] });
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/property histories is 50/);
  });
});

describe('batch update', () => {
  it('updates by id and shows a silently refused backwards lifecycle move', async () => {
    const a = await api.post('/crm/v3/objects/contacts', { properties: { email: 'a@x.co', lifecyclestage: 'lead' } });
    const r = await api.post('/crm/v3/objects/contacts/batch/update', { inputs: [{ id: a.body.id, properties: { lifecyclestage: 'subscriber', city: 'Rome' } }] });
    expect(r.status).toBe(200);
    expect(r.body.results[0].properties).toMatchObject({ lifecyclestage: 'lead', city: 'Rome' });
    await api.post('/crm/v3/objects/contacts/batch/update', { inputs: [{ id: a.body.id, properties: { lifecyclestage: '' } }] });
    const again = await api.post('/crm/v3/objects/contacts/batch/update', { inputs: [{ id: a.body.id, properties: { lifecyclestage: 'subscriber' } }] });
    expect(again.body.results[0].properties.lifecyclestage).toBe('subscriber');
  });

  it('rejects duplicate ids with HubSpot\'s exact body', async () => {
    const a = await api.post('/crm/v3/objects/contacts', { properties: { email: 'a@x.co' } });
    const r = await api.post('/crm/v3/objects/contacts/batch/update', {
      inputs: [{ id: a.body.id, properties: { city: 'A' } }, { id: a.body.id, properties: { city: 'B' } }],
    });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      status: 'error',
      message: `Duplicate IDs found in batch input: [${a.body.id}]. IDs must be unique`,
      correlationId: expect.stringMatching(CORRELATION),
      context: { ids: [a.body.id] },
      category: 'VALIDATION_ERROR',
    });
  });

  it('rejects the batch when an id does not exist; 207 with trace ids', async () => {
    const a = await api.post('/crm/v3/objects/contacts', { properties: { email: 'a@x.co' } });
    const all = await api.post('/crm/v3/objects/contacts/batch/update', { inputs: [{ id: a.body.id, properties: { city: 'A' } }, { id: '424242', properties: { city: 'B' } }] });
    expect(all.status).toBe(404);
    expect(all.body.category).toBe('OBJECT_NOT_FOUND');
    expect((await api.get(`/crm/v3/objects/contacts/${a.body.id}?properties=city`)).body.properties.city).toBeNull();
    const traced = await api.post('/crm/v3/objects/contacts/batch/update', {
      inputs: [{ id: a.body.id, objectWriteTraceId: 'x', properties: { city: 'A' } }, { id: '424242', objectWriteTraceId: 'y', properties: { city: 'B' } }],
    });
    expect(traced.status).toBe(207);
    expect(traced.body.errors[0].context).toEqual({ ids: ['424242'], objectWriteTraceId: ['y'] });
    expect(traced.body.results[0].properties.city).toBe('A');
  });
});

describe('batch upsert', () => {
  it('creates and updates by email and marks results with `new`', async () => {
    const existing = await api.post('/crm/v3/objects/contacts', { properties: { email: 'jane@x.co' } });
    const r = await api.post('/crm/v3/objects/contacts/batch/upsert', {
      inputs: [
        { idProperty: 'email', id: 'JANE@x.co', properties: { firstname: 'Jane' } },
        { idProperty: 'email', id: 'bob@y.co', properties: { lifecyclestage: 'lead' } },
      ],
    });
    expect(r.status).toBe(200);
    const jane = r.body.results.find((x: any) => x.id === existing.body.id);
    const bob = r.body.results.find((x: any) => x.id !== existing.body.id);
    expect(jane).toMatchObject({ new: false, properties: { email: 'jane@x.co', firstname: 'Jane' } });
    expect(bob).toMatchObject({ new: true, properties: { email: 'bob@y.co', lifecyclestage: 'lead' } });
  });

  it('upserts onto the contact that has the email as an additional email', async () => {
    const c = await api.post('/crm/v3/objects/contacts', { properties: { email: 'p@x.co', hs_additional_emails: 's@x.co' } });
    const r = await api.post('/crm/v3/objects/contacts/batch/upsert', { inputs: [{ idProperty: 'email', id: 's@x.co', properties: { firstname: 'S' } }] });
    expect(r.body.results[0]).toMatchObject({ id: c.body.id, new: false });
  });

  it('rejects duplicate ids case-insensitively for email', async () => {
    const r = await api.post('/crm/v3/objects/contacts/batch/upsert', {
      inputs: [{ idProperty: 'email', id: 'a@x.co', properties: {} }, { idProperty: 'email', id: 'A@x.co', properties: {} }],
    });
    expect(r.status).toBe(400);
    expect(r.body.message).toBe('Duplicate IDs found in batch input: [A@x.co]. IDs must be unique');
  });

  it('refuses a non-unique idProperty', async () => {
    const r = await api.post('/crm/v3/objects/deals/batch/upsert', { inputs: [{ idProperty: 'dealname', id: 'Big', properties: {} }] });
    expect(r.status).toBe(400);
    expect(r.body.message).toBe('Unable to perform update/upsert by non-unique 0-3 property dealname');
  });
});
