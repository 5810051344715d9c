import { describe, expect, it } from 'vitest';
import { boot, useEmulator } from './helpers.js';

const { api, controls } = useEmulator();

describe('test controls', () => {
  it('starts in well under a second', async () => {
    const t0 = performance.now();
    const other = await boot();
    expect(performance.now() - t0).toBeLessThan(500);
    await other.emu.stop();
  });

  it('seeds records, properties and event definitions and returns the created ids', async () => {
    const r = await controls.post('/__emulator/seed', {
      properties: { companies: [{ name: 'segment_group_id', label: 'Segment Group ID', groupName: 'companyinformation', type: 'string', fieldType: 'text', hasUniqueValue: true }] },
      records: { companies: [{ properties: { name: 'Acme', segment_group_id: 'g1' } }], contacts: [{ properties: { email: 'A@x.co' } }, { properties: { email: 'b@x.co' } }] },
      eventDefinitions: [{ name: 'signed_up', label: 'Signed Up' }],
    });
    expect(r.status).toBe(200);
    expect(r.body.records.contacts).toHaveLength(2);
    expect(r.body.properties).toEqual({ companies: ['segment_group_id'] });
    expect(r.body.eventDefinitions).toEqual(['pe1234567_signed_up']);
    const bad = await controls.post('/__emulator/seed', { records: { contacts: [{ properties: { nope: 'x' } }] } });
    expect(bad.status).toBe(400);
  });

  it('dumps state in a stable, comparable form', async () => {
    await controls.post('/__emulator/seed', { records: { contacts: [{ properties: { email: 'b@x.co', firstname: 'B' } }, { properties: { email: 'a@x.co' } }] } });
    const d = (await controls.get('/__emulator/dump')).body;
    expect(d.records.contacts).toEqual([
      { id: expect.any(String), properties: { email: 'b@x.co', firstname: 'B' } },
      { id: expect.any(String), properties: { email: 'a@x.co' } },
    ]);
    expect(Number(d.records.contacts[0].id)).toBeLessThan(Number(d.records.contacts[1].id));
    expect(d.records.companies).toEqual([]);
    expect(d.associations).toEqual([]);
    expect(d.events).toEqual([]);
    // Two emulators fed the same requests dump the same state.
    const twin = await boot();
    try {
      await twin.controls.post('/__emulator/seed', { records: { contacts: [{ properties: { email: 'b@x.co', firstname: 'B' } }, { properties: { email: 'a@x.co' } }] } });
      expect((await twin.controls.get('/__emulator/dump')).body).toEqual(d);
    } finally {
      await twin.emu.stop();
    }
  });

  it('counts requests by route key and keeps an ordered log', async () => {
    await api.post('/crm/v3/objects/contacts/batch/upsert', { inputs: [{ idProperty: 'email', id: 'a@x.co', properties: {} }] });
    await api.post('/crm/v3/objects/contacts/batch/upsert', { inputs: [{ idProperty: 'email', id: 'b@x.co', properties: {} }] });
    await api.get('/crm/v3/objects/contacts/999');
    const r = (await controls.get('/__emulator/requests')).body;
    expect(r.total).toBe(3);
    expect(r.counts).toEqual({ 'GET /crm/v3/objects/contacts/999': 1, 'POST /crm/v3/objects/contacts/batch/upsert': 2 });
    expect(r.routes['POST /crm/v3/objects/:objectType/batch/upsert']).toBe(2);
    expect(r.log.map((e: any) => [e.method, e.path, e.status])).toEqual([
      ['POST', '/crm/v3/objects/contacts/batch/upsert', 200],
      ['POST', '/crm/v3/objects/contacts/batch/upsert', 200],
      ['GET', '/crm/v3/objects/contacts/999', 404],
    ]);
  });

  it('resets CRM state and the request log but keeps the ready token', async () => {
    await api.post('/crm/v3/objects/contacts', { properties: { email: 'a@x.co' } });
    expect((await controls.post('/__emulator/reset')).status).toBe(200);
    expect((await controls.get('/__emulator/dump')).body.records.contacts).toEqual([]);
    expect((await controls.get('/__emulator/requests')).body.total).toBe(0);
    expect((await api.post('/crm/v3/objects/contacts', { properties: { email: 'a@x.co' } })).status).toBe(201);
  });

  it('issues tokens with chosen scopes', async () => {
    const r = await controls.post('/__emulator/tokens', { scopes: ['crm.objects.contacts.read'] });
    expect(r.body.access_token).toMatch(/^pat-na1-/);
    const limited = api.withToken(r.body.access_token);
    expect((await limited.get('/crm/v3/objects/contacts')).status).toBe(200);
    expect((await limited.get('/crm/v3/objects/companies')).status).toBe(403);
  });

  it('changes config at run time', async () => {
    const r = await controls.post('/__emulator/config', { searchPerSecond: 1, accessTokenLifetimeSeconds: 5, dailyLimit: 10 });
    expect(r.body).toMatchObject({ searchPerSecond: 1, accessTokenLifetimeSeconds: 5, dailyLimit: 10 });
    expect((await api.post('/crm/v3/objects/contacts/search', {})).status).toBe(200);
    expect((await api.post('/crm/v3/objects/contacts/search', {})).status).toBe(429);
    expect((await api.get('/crm/v3/objects/contacts')).headers.get('x-hubspot-ratelimit-daily')).toBe('10');
  });

  it('answers an unknown API path with a JSON 404', async () => {
    const r = await api.get('/crm/v3/nothing/here');
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toBe('application/json;charset=utf-8');
    expect(r.body.status).toBe('error');
  });
});
