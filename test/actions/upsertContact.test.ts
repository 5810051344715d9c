import { describe, expect, it } from 'vitest';
import { upsertContact } from '../../src/actions/upsertContact/index.js';
import { echoBatch, notFound, ok, planned, scripted } from '../helpers/scripted-context.js';

const identify = (email: string, extra: Record<string, unknown> = {}) => ({ type: 'identify', userId: `u-${email}`, traits: { email, ...extra } });
const batched = '      enable_batching: true\n';

describe('upsertContact perform', () => {
  it('PATCHes by email, and remembers the contact for its user and email', async () => {
    const op = planned('upsertContact', '', identify('a@x.io', { first_name: 'A' }));
    const ctx = scripted([['PATCH /crm/v3/objects/contacts/a%40x.io', ok({ id: '11', properties: {} })]]);
    expect(await upsertContact.perform([op], ctx)).toEqual([{ kind: 'delivered' }]);
    expect(op.recordId).toBe('11');
    expect(ctx.run.ids.get('user:u-a@x.io')).toBe('11');
    expect(ctx.run.ids.get('email:a@x.io')).toBe('11');
  });

  it('creates when the PATCH answers 404, and updates the contact a 409 names', async () => {
    const op = planned('upsertContact', '', identify('b@x.io'));
    const ctx = scripted([
      ['PATCH /crm/v3/objects/contacts/b%40x.io', notFound],
      ['POST /crm/v3/objects/contacts', { status: 409, body: { category: 'CONFLICT', message: 'Contact already exists. Existing ID: 77' } }],
      ['PATCH /crm/v3/objects/contacts/77', ok({ id: '77' })],
    ]);
    expect(await upsertContact.perform([op], ctx)).toEqual([{ kind: 'delivered' }]);
    expect(op.recordId).toBe('77');
  });

  it('clears a lifecycle stage HubSpot kept, then sets it again; a failed reset fails the event', async () => {
    const op = planned('upsertContact', '      lifecyclestage: lead\n', identify('c@x.io'));
    const route = 'PATCH /crm/v3/objects/contacts/c%40x.io';
    const ctx = scripted([[route, ok({ id: '5', properties: { lifecyclestage: 'customer' } })], [route, ok({ id: '5' })], [route, ok({ id: '5' })]]);
    expect(await upsertContact.perform([op], ctx)).toEqual([{ kind: 'delivered' }]);
    expect(ctx.sent.map((s) => (s.req.body as any).properties.lifecyclestage)).toEqual(['lead', '', 'lead']);

    const failing = scripted([[route, ok({ id: '5', properties: { lifecyclestage: 'customer' } })], [route, { status: 400, body: { message: 'no' } }]]);
    const [outcome] = await upsertContact.perform([op], failing);
    expect(outcome).toMatchObject({ kind: 'failed', error: { status: 400, message: 'clearing the lifecycle stage: no' } });
  });

  it('batched: a stage the read shows going back is cleared in the update and set after; a refused one is cleared, then set; a failed clear fails its event', async () => {
    const stage = (email: string, to: string) => planned('upsertContact', batched + `      lifecyclestage: ${to}\n`, identify(email));
    const back = stage('back@x.io', 'lead');
    const custom = stage('custom@x.io', 'lead');
    const read = ok({ results: [{ id: '1', properties: { email: 'back@x.io', lifecyclestage: 'customer' } }, { id: '2', properties: { email: 'custom@x.io', lifecyclestage: '9001' } }] });
    // HubSpot keeps the portal's own stage 9001 (its order is not known here), so that one is refused.
    const update = ok({ results: [{ id: '1', properties: { lifecyclestage: '' } }, { id: '2', properties: { lifecyclestage: '9001' } }] });
    const ctx = scripted([
      ['POST /crm/v3/objects/contacts/batch/read', read],
      ['POST /crm/v3/objects/contacts/batch/update', update],
      ['POST /crm/v3/objects/contacts/batch/update', ok({ results: [] })],
      ['POST /crm/v3/objects/contacts/batch/update', ok({ results: [] })],
    ]);
    expect(await upsertContact.perform([back, custom], ctx)).toEqual([{ kind: 'delivered' }, { kind: 'delivered' }]);
    const stages = ctx.sent.slice(1).map((s) => (s.req.body as any).inputs.map((i: any) => `${i.id}=${i.properties.lifecyclestage}`).join(' '));
    expect(stages).toEqual(['1= 2=lead', '2=', '1=lead 2=lead']);

    const failing = scripted([
      ['POST /crm/v3/objects/contacts/batch/read', read],
      ['POST /crm/v3/objects/contacts/batch/update', update],
      ['POST /crm/v3/objects/contacts/batch/update', { status: 400, body: { message: 'no' } }],
      ['POST /crm/v3/objects/contacts/batch/update', ok({ results: [] })],
    ]);
    const outcomes = await upsertContact.perform([back, custom], failing);
    expect(outcomes).toMatchObject([{ kind: 'delivered' }, { kind: 'failed', error: { message: 'clearing the lifecycle stage: no' } }]);
  });

  it('batches: one read, one create for those not found, one update for those found, outcomes in input order', async () => {
    const ops = ['new@x.io', 'old@x.io', 'bad@x.io'].map((e) => planned('upsertContact', batched, identify(e)));
    const ctx = scripted([
      ['POST /crm/v3/objects/contacts/batch/read', { status: 207, body: { results: [{ id: '9', properties: { email: 'old@x.io' } }], errors: [{ category: 'OBJECT_NOT_FOUND', context: { ids: ['new@x.io', 'bad@x.io'] } }] } }],
      ['POST /crm/v3/objects/contacts/batch/create', (req) => {
        const [first, second] = (req.body as any).inputs;
        return { status: 207, body: { results: [{ id: '21', properties: first.properties, objectWriteTraceId: first.objectWriteTraceId }], errors: [{ status: 'error', category: 'VALIDATION_ERROR', message: 'bad email', context: { objectWriteTraceId: [second.objectWriteTraceId] } }] } };
      }],
      ['POST /crm/v3/objects/contacts/batch/update', echoBatch()],
    ]);
    const outcomes = await upsertContact.perform(ops, ctx);
    expect(outcomes.map((o) => o.kind)).toEqual(['delivered', 'delivered', 'failed']);
    expect(ops.map((o) => o.recordId)).toEqual(['21', '9', undefined]);
    expect(ctx.left()).toEqual([]);
  });

  it('reads back contacts a batch create says exist, and updates them', async () => {
    const op = planned('upsertContact', batched, identify('dup@x.io'));
    const ctx = scripted([
      ['POST /crm/v3/objects/contacts/batch/read', { status: 207, body: { results: [], errors: [{ category: 'OBJECT_NOT_FOUND', context: { ids: ['dup@x.io'] } }] } }],
      ['POST /crm/v3/objects/contacts/batch/create', { status: 409, body: { category: 'CONFLICT', message: 'exists' } }],
      ['POST /crm/v3/objects/contacts/batch/read', ok({ results: [{ id: '3', properties: { email: 'other@x.io', hs_additional_emails: 'dup@x.io' } }] })],
      ['POST /crm/v3/objects/contacts/batch/update', echoBatch()],
    ]);
    expect(await upsertContact.perform([op], ctx)).toEqual([{ kind: 'delivered' }]);
    expect(op.recordId).toBe('3');
  });

  it('merges two upserts of one email, later values winning, and no others', () => {
    const a = planned('upsertContact', batched, identify('m@x.io', { first_name: 'A', last_name: 'L' })).data;
    const b = planned('upsertContact', batched, identify('M@x.io', { first_name: 'B' })).data;
    expect(upsertContact.merge!(a, b)?.properties).toMatchObject({ firstname: 'B', lastname: 'L' });
    expect(upsertContact.merge!(a, planned('upsertContact', batched, identify('n@x.io')).data)).toBeUndefined();
  });

  it('a merged upsert HubSpot refuses as invalid is applied again event by event, in input order, so the good one lands', async () => {
    const good = planned('upsertContact', batched + '      lifecyclestage: { "@path": "$.traits.stage" }\n', identify('p@x.io', { stage: 'lead' }));
    const bad = planned('upsertContact', batched + '      lifecyclestage: { "@path": "$.traits.stage" }\n', identify('p@x.io', { stage: 'bogus' }));
    const op = { ...good, data: upsertContact.merge!(good.data, bad.data)! };
    const invalid = (req: any) => {
      const input = req.body.inputs[0];
      return input.properties.lifecyclestage === 'bogus'
        ? { status: 207, body: { results: [], errors: [{ status: 'error', category: 'VALIDATION_ERROR', message: 'bogus is not a valid option', context: { objectWriteTraceId: [input.objectWriteTraceId] } }] } }
        : echoBatch(30)(req);
    };
    const none = { status: 207, body: { results: [], errors: [{ category: 'OBJECT_NOT_FOUND', context: { ids: ['p@x.io'] } }] } };
    const ctx = scripted([
      ['POST /crm/v3/objects/contacts/batch/read', none],
      ['POST /crm/v3/objects/contacts/batch/create', invalid],
      ['POST /crm/v3/objects/contacts/batch/read', none],
      ['POST /crm/v3/objects/contacts/batch/create', invalid],
      ['POST /crm/v3/objects/contacts/batch/read', ok({ results: [{ id: '30', properties: { email: 'p@x.io' } }] })],
      ['POST /crm/v3/objects/contacts/batch/update', invalid],
    ]);
    const [outcome] = await upsertContact.perform([op], ctx);
    expect(outcome).toMatchObject({ kind: 'failed', error: { message: expect.stringContaining('bogus is not a valid option') }, parts: [{ kind: 'delivered' }, { kind: 'failed' }] });
    expect(op.recordId).toBe('30');
    expect(ctx.left()).toEqual([]);
  });
});
