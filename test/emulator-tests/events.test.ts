import { beforeEach, describe, expect, it } from 'vitest';
import { useEmulator } from './helpers.js';

const { api } = useEmulator();
beforeEach(async () => {
  await api.post('/__emulator/seed', {
    eventDefinitions: [
      { name: 'order_completed', label: 'Order Completed', propertyDefinitions: [{ name: 'order_id', type: 'string' }, { name: 'amount', type: 'number' }] },
      { name: 'pe1234567_viewed_car', label: 'Viewed Car' },
    ],
  });
});

const events = async () => (await api.get('/__emulator/dump')).body.events;

describe('custom behavioral events', () => {
  it('accepts a valid completion with 204 and records it', async () => {
    const r = await api.post('/events/v3/send', {
      eventName: 'pe1234567_order_completed', email: 'jane@x.co', objectId: '802', occurredAt: '2023-07-05T08:28:35.216Z', properties: { order_id: 'A-1', amount: 99.5, hs_city: 'Paris' },
    });
    expect(r.status).toBe(204);
    expect(r.text).toBe('');
    expect(await events()).toEqual([
      { eventName: 'pe1234567_order_completed', email: 'jane@x.co', objectId: '802', occurredAt: '2023-07-05T08:28:35.216Z', properties: { amount: '99.5', hs_city: 'Paris', order_id: 'A-1' } },
    ]);
  });

  it('rejects an undefined event, a name without pe<hubId>_, and a completion without identity', async () => {
    const unknown = await api.post('/events/v3/send', { eventName: 'pe1234567_nope', email: 'a@b.co' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    expect((await api.post('/events/v3/send', { eventName: 'order_completed', email: 'a@b.co' })).status).toBe(400);
    const noIdentity = await api.post('/events/v3/send', { eventName: 'pe1234567_order_completed', properties: {} });
    expect(noIdentity.status).toBe(400);
    expect(noIdentity.body.message).toMatch(/email, utk, or objectId/);
    expect(await events()).toEqual([]);
  });

  it('accepts utk or objectId alone', async () => {
    expect((await api.post('/events/v3/send', { eventName: 'pe1234567_viewed_car', utk: 'abc' })).status).toBe(204);
    expect((await api.post('/events/v3/send', { eventName: 'pe1234567_viewed_car', objectId: '12' })).status).toBe(204);
    expect(await events()).toHaveLength(2);
  });

  it('rejects more than 50 properties and properties the definition does not have', async () => {
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`p${i}`, 'x']));
    const r = await api.post('/events/v3/send', { eventName: 'pe1234567_order_completed', email: 'a@b.co', properties: many });
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/at most 50 properties/);
    const undefinedProp = await api.post('/events/v3/send', { eventName: 'pe1234567_order_completed', email: 'a@b.co', properties: { color: 'red' } });
    expect(undefinedProp.status).toBe(400);
  });

  it('records a repeated uuid once', async () => {
    const e = { eventName: 'pe1234567_viewed_car', email: 'a@b.co', uuid: 'msg-1' };
    expect((await api.post('/events/v3/send', e)).status).toBe(204);
    expect((await api.post('/events/v3/send', e)).status).toBe(204);
    expect((await api.post('/events/v3/send', { ...e, eventName: 'pe1234567_order_completed' })).status).toBe(204);
    expect(await events()).toHaveLength(2);
  });

  it('sends batches of up to 500 (204) and rejects 501 or one bad input, recording nothing', async () => {
    const input = (i: number) => ({ eventName: 'pe1234567_viewed_car', email: `u${i}@x.co`, uuid: `u${i}` });
    expect((await api.post('/events/v3/send/batch', { inputs: Array.from({ length: 500 }, (_, i) => input(i)) })).status).toBe(204);
    expect(await events()).toHaveLength(500);
    expect((await api.post('/events/v3/send/batch', { inputs: Array.from({ length: 501 }, (_, i) => input(i)) })).status).toBe(400);
    const bad = await api.post('/events/v3/send/batch', { inputs: [input(1000), { eventName: 'pe1234567_viewed_car' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^inputs\[1\]/);
    expect(await events()).toHaveLength(500);
  });

  it('serves the date-versioned send path', async () => {
    expect((await api.post('/events/2026-03/send', { eventName: 'pe1234567_viewed_car', email: 'a@b.co' })).status).toBe(204);
  });

  it('lists event definitions with fullyQualifiedName (Segment\'s dynamic eventName field)', async () => {
    const r = await api.get('/events/v3/event-definitions');
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(2);
    expect(r.body.results.map((d: any) => [d.name, d.fullyQualifiedName])).toEqual([
      ['order_completed', 'pe1234567_order_completed'],
      ['viewed_car', 'pe1234567_viewed_car'],
    ]);
    const one = await api.get('/events/v3/event-definitions/pe1234567_order_completed/?includeProperties=true');
    expect(one.body.properties.map((p: any) => p.name)).toEqual(['order_id', 'amount']);
    expect((await api.get('/events/v3/event-definitions/pe1234567_missing')).status).toBe(404);
  });

  it('creates definitions and properties through the API', async () => {
    const r = await api.post('/events/v3/event-definitions', { label: 'Signed Up', includeDefaultProperties: true, propertyDefinitions: [] });
    expect(r.status).toBe(201);
    expect(r.body.fullyQualifiedName).toBe('pe1234567_signed_up');
    expect((await api.post('/events/v3/event-definitions', { label: 'Signed Up', propertyDefinitions: [] })).status).toBe(409);
    expect((await api.post('/events/v3/event-definitions/pe1234567_signed_up/property', { name: 'plan', label: 'Plan', type: 'string' })).status).toBe(201);
    expect((await api.post('/events/v3/send', { eventName: 'pe1234567_signed_up', email: 'a@b.co', properties: { plan: 'pro' } })).status).toBe(204);
  });
});
