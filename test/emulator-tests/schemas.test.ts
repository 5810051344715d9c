import { describe, expect, it } from 'vitest';
import { boot, useEmulator } from './helpers.js';

const { emu, api } = useEmulator();

const CAR = {
  name: 'car', labels: { singular: 'Car', plural: 'Cars' }, primaryDisplayProperty: 'vin', requiredProperties: ['vin'],
  properties: [{ name: 'vin', label: 'VIN', type: 'string', hasUniqueValue: true }, { name: 'year', label: 'Year', type: 'number' }],
  associatedObjects: ['CONTACT'],
};

describe('custom object schemas', () => {
  it('creates a schema (2-N / p<hubId>_name) and lists it on both schema paths', async () => {
    const r = await api.post('/crm/v3/schemas', CAR);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: 'car', fullyQualifiedName: 'p1234567_car', labels: { singular: 'Car', plural: 'Cars' }, metaType: 'PORTAL_SPECIFIC' });
    expect(r.body.objectTypeId).toMatch(/^2-\d+$/);
    expect(r.body.associations[0]).toMatchObject({ fromObjectTypeId: r.body.objectTypeId, toObjectTypeId: '0-1' });
    for (const path of ['/crm/v3/schemas?archived=false', '/crm-object-schemas/v3/schemas', '/crm-object-schemas/2026-03/schemas']) {
      const list = await api.get(path);
      expect(list.body.results.map((s: any) => s.fullyQualifiedName)).toEqual(['p1234567_car']);
    }
    expect((await api.get(`/crm/v3/schemas/${r.body.objectTypeId}`)).body.name).toBe('car');
  });

  it('serves records by fullyQualifiedName and by 2-N, with custom scopes and unique properties', async () => {
    const schema = (await api.post('/crm/v3/schemas', CAR)).body;
    const car = await api.post('/crm/v3/objects/p1234567_car', { properties: { vin: 'V1', year: 2020 } });
    expect(car.status).toBe(201);
    expect(car.body.properties).toMatchObject({ vin: 'V1', year: '2020', hs_object_id: car.body.id });
    expect(car.body.properties.hs_createdate).toBeDefined();
    expect((await api.get(`/crm/v3/objects/${schema.objectTypeId}/V1?idProperty=vin`)).body.id).toBe(car.body.id);
    const up = await api.post(`/crm/v3/objects/${schema.objectTypeId}/batch/upsert`, { inputs: [{ idProperty: 'vin', id: 'V1', properties: { year: '2021' } }, { idProperty: 'vin', id: 'V2', properties: {} }] });
    expect(up.body.results.map((x: any) => x.new).sort()).toEqual([false, true]);
    const noCustom = api.withToken(emu.issueToken({ scopes: ['crm.objects.contacts.write'] }));
    const denied = await noCustom.post('/crm/v3/objects/p1234567_car', { properties: { vin: 'V3' } });
    expect(denied.status).toBe(403);
    expect(denied.body.errors[0].context.requiredScopes).toEqual(['crm.objects.custom.write']);
  });

  it('answers 409 for a second schema with the same name', async () => {
    await api.post('/crm/v3/schemas', CAR);
    expect((await api.post('/crm/v3/schemas', CAR)).status).toBe(409);
  });
});

describe('account info', () => {
  it('answers the portal details', async () => {
    const r = await api.get('/account-info/v3/details');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ portalId: 1234567, accountType: 'STANDARD', timeZone: expect.any(String), uiDomain: 'app.hubspot.com', dataHostingLocation: 'na1' });
    expect(r.headers.get('x-hubspot-ratelimit-max')).toBe('110');
  });

  it('reports the configured hub id', async () => {
    const other = await boot({ hubId: 42 });
    try {
      expect((await other.api.get('/account-info/v3/details')).body.portalId).toBe(42);
      expect(other.emu.hubId).toBe(42);
    } finally {
      await other.emu.stop();
    }
  });
});
