import { describe, expect, it } from 'vitest';
import { useEmulator, CORRELATION } from './helpers.js';

const { api } = useEmulator();

describe('single-record CRM endpoints', () => {
  it('creates a contact with a numeric id, lowercased email and auto-set properties (201)', async () => {
    const r = await api.post('/crm/v3/objects/contacts', { properties: { email: 'Jane@X.com', firstname: 'Jane' } });
    expect(r.status).toBe(201);
    expect(r.body.id).toMatch(/^\d+$/);
    expect(r.body.properties).toMatchObject({ email: 'jane@x.com', firstname: 'Jane', hs_object_id: r.body.id });
    expect(Date.parse(r.body.properties.createdate)).not.toBeNaN();
    expect(Date.parse(r.body.properties.lastmodifieddate)).not.toBeNaN();
    expect(r.body).toMatchObject({ archived: false });
    expect(r.body.createdAt).toBe(r.body.properties.createdate);
    expect(r.headers.get('content-type')).toBe('application/json;charset=utf-8');
  });

  it('stringifies numbers and booleans', async () => {
    const r = await api.post('/crm/v3/objects/companies', { properties: { name: 'Acme', numberofemployees: 50 } });
    expect(r.status).toBe(201);
    expect(r.body.properties.numberofemployees).toBe('50');
  });

  it('rejects an object value with a JSON error and writes nothing', async () => {
    const r = await api.post('/crm/v3/objects/contacts', { properties: { email: 'a@b.co', firstname: { a: 1 } } });
    expect(r.status).toBe(400);
    expect(r.body.category).toBe('VALIDATION_ERROR');
    const d = await api.get('/__emulator/dump');
    expect(d.body.records.contacts).toEqual([]);
  });

  it('answers 409 CONFLICT with the existing id when the email exists', async () => {
    const first = await api.post('/crm/v3/objects/contacts', { properties: { email: 'jane@x.com' } });
    const r = await api.post('/crm/v3/objects/contacts', { properties: { email: 'JANE@x.com' } });
    expect(r.status).toBe(409);
    expect(r.body).toEqual({
      status: 'error',
      message: `Contact already exists. Existing ID: ${first.body.id}`,
      correlationId: expect.stringMatching(CORRELATION),
      category: 'CONFLICT',
    });
    expect(r.headers.get('x-hubspot-correlation-id')).toBe(r.body.correlationId);
  });

  it('gets by id with default properties and nulls for unset ones', async () => {
    const c = await api.post('/crm/v3/objects/contacts', { properties: { email: 'a@b.co', phone: '123' } });
    const r = await api.get(`/crm/v3/objects/contacts/${c.body.id}`);
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.properties).sort()).toEqual(['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname']);
    expect(r.body.properties.firstname).toBeNull();
    const p = await api.get(`/crm/v3/objects/contacts/${c.body.id}?properties=phone`);
    expect(p.body.properties.phone).toBe('123');
    expect(p.body.properties.email).toBeUndefined();
  });

  it('gets and patches by idProperty=email, also through hs_additional_emails', async () => {
    const c = await api.post('/crm/v3/objects/contacts', { properties: { email: 'main@x.com', hs_additional_emails: 'old@x.com;other@x.com' } });
    const byPrimary = await api.get('/crm/v3/objects/contacts/main%40x.com?idProperty=email');
    expect(byPrimary.body.id).toBe(c.body.id);
    const bySecondary = await api.get('/crm/v3/objects/contacts/OTHER@x.com?idProperty=email');
    expect(bySecondary.status).toBe(200);
    expect(bySecondary.body.id).toBe(c.body.id);
    const patched = await api.patch('/crm/v3/objects/contacts/old@x.com?idProperty=email', { properties: { firstname: 'Old' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id: c.body.id, properties: { firstname: 'Old', email: 'main@x.com' } });
  });

  it('answers 404 OBJECT_NOT_FOUND for an unknown id or email', async () => {
    const r = await api.patch('/crm/v3/objects/contacts/nobody@x.com?idProperty=email', { properties: { firstname: 'X' } });
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND', message: 'Object not found.  objectId are usually numeric.', context: { id: ['nobody@x.com'] } });
    expect((await api.get('/crm/v3/objects/contacts/999999')).status).toBe(404);
  });

  it('rejects a PATCH without properties', async () => {
    const c = await api.post('/crm/v3/objects/contacts', { properties: { email: 'a@b.co' } });
    const r = await api.patch(`/crm/v3/objects/contacts/${c.body.id}`, { properties: {} });
    expect(r.status).toBe(400);
    expect(r.body.message).toBe('No properties found to update, please provide at least one.');
  });

  it('updates by a hasUniqueValue idProperty and refuses a non-unique one', async () => {
    await api.post('/crm/v3/properties/companies', {
      name: 'segment_group_id', label: 'Segment Group ID', groupName: 'companyinformation', type: 'string', fieldType: 'text', hasUniqueValue: true,
    });
    const c = await api.post('/crm/v3/objects/companies', { properties: { name: 'Acme', segment_group_id: 'g1' } });
    const r = await api.patch('/crm/v3/objects/companies/g1?idProperty=segment_group_id', { properties: { city: 'Paris' } });
    expect(r.status).toBe(200);
    expect(r.body.id).toBe(c.body.id);
    const bad = await api.patch('/crm/v3/objects/companies/Acme?idProperty=name', { properties: { city: 'Paris' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('Unable to perform update/upsert by non-unique 0-2 property name');
  });

  it('clears a value with ""', async () => {
    const c = await api.post('/crm/v3/objects/contacts', { properties: { email: 'a@b.co', city: 'Paris' } });
    const r = await api.patch(`/crm/v3/objects/contacts/${c.body.id}`, { properties: { city: '' } });
    expect(r.body.properties.city).toBe('');
    const g = await api.get(`/crm/v3/objects/contacts/${c.body.id}?properties=city`);
    expect(g.body.properties.city).toBeNull();
  });

  it('archives with DELETE (204) after which GET is 404', async () => {
    const c = await api.post('/crm/v3/objects/deals', { properties: { dealname: 'Big' } });
    expect((await api.del(`/crm/v3/objects/deals/${c.body.id}`)).status).toBe(204);
    expect((await api.get(`/crm/v3/objects/deals/${c.body.id}`)).status).toBe(404);
  });

  it('lists with limit (Segment testAuthentication) and pages with after', async () => {
    for (const e of ['a@x.co', 'b@x.co', 'c@x.co']) await api.post('/crm/v3/objects/contacts', { properties: { email: e } });
    const r = await api.get('/crm/v3/objects/contacts?limit=1');
    expect(r.status).toBe(200);
    expect(r.body.results).toHaveLength(1);
    const next = await api.get(`/crm/v3/objects/contacts?limit=5&after=${r.body.paging.next.after}`);
    expect(next.body.results.map((x: any) => x.properties.email)).toEqual(['b@x.co', 'c@x.co']);
    expect(next.body.paging).toBeUndefined();
  });

  it('accepts object type ids and answers 400 for an unknown type', async () => {
    const c = await api.post('/crm/v3/objects/0-5', { properties: { subject: 'Help', hs_pipeline: '0', hs_pipeline_stage: '1' } });
    expect(c.status).toBe(201);
    expect((await api.get(`/crm/v3/objects/tickets/${c.body.id}`)).body.properties.subject).toBe('Help');
    const bad = await api.get('/crm/v3/objects/widgets/1');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('Unable to infer object type from: widgets');
  });

  it('serves the date-versioned path with the same handlers', async () => {
    const c = await api.post('/crm/objects/2026-03/contacts', { properties: { email: 'v@x.co' } });
    expect(c.status).toBe(201);
    expect((await api.get(`/crm/v3/objects/contacts/${c.body.id}`)).body.properties.email).toBe('v@x.co');
  });

  it('uses hs_lastmodifieddate for companies, as HubSpot does', async () => {
    const c = await api.post('/crm/v3/objects/companies', { properties: { name: 'Acme' } });
    expect(c.body.properties.hs_lastmodifieddate).toBeDefined();
    expect(c.body.properties.lastmodifieddate).toBeUndefined();
  });
});

describe('lifecycle stage', () => {
  it('ignores a backwards move silently and accepts it after clearing', async () => {
    const c = await api.post('/crm/v3/objects/contacts', { properties: { email: 'l@x.co', lifecyclestage: 'lead' } });
    const back = await api.patch('/crm/v3/objects/contacts/l@x.co?idProperty=email', { properties: { lifecyclestage: 'subscriber', firstname: 'L' } });
    expect(back.status).toBe(200);
    expect(back.body.properties).toMatchObject({ lifecyclestage: 'lead', firstname: 'L' });
    const fwd = await api.patch(`/crm/v3/objects/contacts/${c.body.id}`, { properties: { lifecyclestage: 'customer' } });
    expect(fwd.body.properties.lifecyclestage).toBe('customer');
    const cleared = await api.patch(`/crm/v3/objects/contacts/${c.body.id}`, { properties: { lifecyclestage: '' } });
    expect(cleared.body.properties.lifecyclestage).toBe('');
    const set = await api.patch(`/crm/v3/objects/contacts/${c.body.id}`, { properties: { lifecyclestage: 'subscriber' } });
    expect(set.body.properties.lifecyclestage).toBe('subscriber');
  });

  it('rejects a stage that is not an option with INVALID_OPTION', async () => {
    const r = await api.post('/crm/v3/objects/contacts', { properties: { email: 'l@x.co', lifecyclestage: 'Lead' } });
    expect(r.status).toBe(400);
    expect(r.body.errors[0]).toMatchObject({ code: 'INVALID_OPTION', context: { propertyName: ['lifecyclestage'] } });
    expect(r.body.message).toContain('"error":"INVALID_OPTION"');
  });
});
