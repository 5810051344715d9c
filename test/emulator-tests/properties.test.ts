import { describe, expect, it } from 'vitest';
import { useEmulator, CORRELATION } from './helpers.js';

const { emu, api } = useEmulator();

/** The exact definition Segment's Upsert Company creates (segment-hubspot.md §2.3). */
const SEGMENT_GROUP_ID = {
  name: 'segment_group_id', label: 'Segment Group ID', description: 'Unique Property to map Segment Group ID with a HubSpot Company Object',
  groupName: 'companyinformation', type: 'string', fieldType: 'text', hidden: true, displayOrder: -1, hasUniqueValue: true, formField: false,
};

describe('properties API', () => {
  it('lists the seeded default properties of each standard object', async () => {
    const names = async (t: string) => (await api.get(`/crm/v3/properties/${t}`)).body.results.map((p: any) => p.name);
    expect(await names('contacts')).toEqual(expect.arrayContaining(['email', 'firstname', 'lastname', 'phone', 'address', 'city', 'state', 'country', 'zip', 'website', 'company', 'lifecyclestage', 'hs_additional_emails', 'jobtitle']));
    expect(await names('companies')).toEqual(expect.arrayContaining(['name', 'domain', 'description', 'address', 'city', 'state', 'zip', 'phone', 'numberofemployees', 'industry', 'lifecyclestage']));
    expect(await names('companies')).not.toContain('segment_group_id');
    expect(await names('deals')).toEqual(expect.arrayContaining(['dealname', 'amount', 'pipeline', 'dealstage', 'closedate']));
    expect(await names('tickets')).toEqual(expect.arrayContaining(['subject', 'content', 'hs_pipeline', 'hs_pipeline_stage']));
    const stage = (await api.get('/crm/v3/properties/contacts/lifecyclestage')).body;
    expect(stage.type).toBe('enumeration');
    expect(stage.options.map((o: any) => o.value)).toEqual(['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other']);
    expect((await api.get('/crm/v3/properties/companies/numberofemployees')).body.type).toBe('number');
    expect((await api.get('/crm/v3/properties/contacts?dataSensitivity=sensitive')).body).toEqual({ results: [] });
  });

  it('walks Segment\'s segment_group_id path: PROPERTY_DOESNT_EXIST, create (201), then the write works', async () => {
    const before = await api.patch('/crm/v3/objects/companies/g1?idProperty=segment_group_id', { properties: { name: 'Acme' } });
    expect(before.status).toBe(400);
    expect(before.body.errors).toEqual([{ message: 'Property "segment_group_id" does not exist', code: 'PROPERTY_DOESNT_EXIST', context: { propertyName: ['segment_group_id'] } }]);
    const write = await api.post('/crm/v3/objects/companies', { properties: { name: 'Acme', segment_group_id: 'g1' }, associations: [] });
    expect(write.status).toBe(400);
    // The exact body shape of hubspot-api.md §3.4; Segment parses the embedded JSON.
    expect(write.body).toEqual({
      status: 'error',
      message: 'Property values were not valid: [{"isValid":false,"message":"Property \\"segment_group_id\\" does not exist","error":"PROPERTY_DOESNT_EXIST","name":"segment_group_id","localizedErrorMessage":"Property \\"segment_group_id\\" does not exist","portalId":1234567}]',
      correlationId: expect.stringMatching(CORRELATION),
      errors: [{ message: 'Property "segment_group_id" does not exist', code: 'PROPERTY_DOESNT_EXIST', context: { propertyName: ['segment_group_id'] } }],
      category: 'VALIDATION_ERROR',
    });
    const embedded = JSON.parse(write.body.message.replace('Property values were not valid: ', ''));
    expect(embedded).toHaveLength(1);
    expect(embedded[0]).toMatchObject({ name: 'segment_group_id', error: 'PROPERTY_DOESNT_EXIST' });

    const created = await api.post('/crm/v3/properties/companies', SEGMENT_GROUP_ID);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'segment_group_id', hasUniqueValue: true, hidden: true, groupName: 'companyinformation', type: 'string' });
    expect((await api.post('/crm/v3/objects/companies', { properties: { name: 'Acme', segment_group_id: 'g1' } })).status).toBe(201);
    expect((await api.patch('/crm/v3/objects/companies/g1?idProperty=segment_group_id', { properties: { city: 'Rome' } })).status).toBe(200);
  });

  it('answers 409 OBJECT_ALREADY_EXISTS for an existing property name', async () => {
    await api.post('/crm/v3/properties/companies', SEGMENT_GROUP_ID);
    const r = await api.post('/crm/v3/properties/companies', SEGMENT_GROUP_ID);
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ status: 'error', message: "A property named 'segment_group_id' already exists.", category: 'OBJECT_ALREADY_EXISTS', subCategory: 'Properties.PROPERTY_WITH_NAME_EXISTS' });
  });

  it('enforces hasUniqueValue on writes', async () => {
    await api.post('/crm/v3/properties/companies', SEGMENT_GROUP_ID);
    const first = await api.post('/crm/v3/objects/companies', { properties: { segment_group_id: 'g1' } });
    const r = await api.post('/crm/v3/objects/companies', { properties: { segment_group_id: 'g1' } });
    expect(r.status).toBe(409);
    expect(r.body.category).toBe('CONFLICT');
    expect(r.body.message).toContain(`Existing ID: ${first.body.id}`);
  });

  it('lists one error per bad property and rejects non-midnight dates with INVALID_DATE', async () => {
    await api.post('/crm/v3/properties/contacts', { name: 'graduation_date', label: 'Graduation', groupName: 'contactinformation', type: 'date', fieldType: 'date' });
    const r = await api.post('/crm/v3/objects/contacts', { properties: { email: 'a@b.co', graduation_date: 1664533942262, nope: 'x' } });
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: any) => e.code).sort()).toEqual(['INVALID_DATE', 'PROPERTY_DOESNT_EXIST']);
    expect(r.body.message).toContain('1664533942262 is at 10:32:22.262 UTC, not midnight!');
    const ok = await api.post('/crm/v3/objects/contacts', { properties: { email: 'a@b.co', graduation_date: Date.UTC(2022, 8, 30) } });
    expect(ok.status).toBe(201);
    expect(ok.body.properties.graduation_date).toBe('2022-09-30');
    expect((await api.post('/crm/v3/objects/contacts', { properties: { email: 'b@b.co', graduation_date: '2022-09-30' } })).status).toBe(201);
  });

  it('rejects an invalid email and a non-numeric number', async () => {
    const e = await api.post('/crm/v3/objects/contacts', { properties: { email: 'dsfsafas@' } });
    expect(e.body.errors[0]).toMatchObject({ code: 'INVALID_EMAIL', message: 'Email address dsfsafas@ is invalid' });
    const n = await api.post('/crm/v3/objects/companies', { properties: { numberofemployees: 'many' } });
    expect(n.body.errors[0].code).toBe('INVALID_LONG');
  });

  it('batch-creates properties with 207 for existing ones and requires the schema write scope', async () => {
    const r = await api.post('/crm/v3/properties/contacts/batch/create', {
      inputs: [{ name: 'fav', label: 'Fav', groupName: 'contactinformation', type: 'string', fieldType: 'text' }, { name: 'email', label: 'Email', groupName: 'contactinformation', type: 'string', fieldType: 'text' }],
    });
    expect(r.status).toBe(207);
    expect(r.body.results.map((p: any) => p.name)).toEqual(['fav']);
    expect(r.body.errors[0]).toMatchObject({ category: 'OBJECT_ALREADY_EXISTS' });
    const c = api.withToken(emu.issueToken({ scopes: ['crm.objects.companies.write'] }));
    const denied = await c.post('/crm/v3/properties/companies', SEGMENT_GROUP_ID);
    expect(denied.status).toBe(403);
    expect(denied.body.errors[0].context.requiredScopes).toEqual(['crm.schemas.companies.write']);
  });

  it('serves the date-versioned properties path', async () => {
    const r = await api.get('/crm/properties/2026-03/companies/domain');
    expect(r.status).toBe(200);
    expect(r.body.name).toBe('domain');
  });

  it('serves property groups and validates groupName', async () => {
    const groups = await api.get('/crm/v3/properties/companies/groups');
    expect(groups.body.results.map((g: any) => g.name)).toContain('companyinformation');
    const bad = await api.post('/crm/v3/properties/companies', { ...SEGMENT_GROUP_ID, groupName: 'nope' });
    expect(bad.status).toBe(400);
  });
});
