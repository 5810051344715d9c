import { describe, expect, it } from 'vitest';
import { upsertCustomObjectRecord } from '../../src/actions/upsertCustomObjectRecord/index.js';
import { ANSWER_LOST } from '../../src/hubspot/transport.js';
import { echoBatch, ok, planned, scripted } from '../helpers/scripted-context.js';

const deal = (extra = '') => `      objectType: deals\n      customObjectSearchFields:\n        dealname: { "@path": "$.properties.name" }\n      properties:\n        dealname: { "@path": "$.properties.name" }\n        amount: { "@path": "$.properties.total" }\n${extra}`;
const order = (name: string, total = 1, extra: Record<string, unknown> = {}) => ({ type: 'track', event: 'Order', properties: { name, total, ...extra } });
const track = 'type = "track"';
const lost = { status: ANSWER_LOST, body: { category: 'ANSWER_LOST', message: 'the answer was lost' } };
const searchHits = (byName: Record<string, string[]>) => (req: any) => {
  const values: string[] = req.body.filterGroups[0].filters[0].values;
  return ok({ results: values.flatMap((v) => (byName[v] ?? []).map((id) => ({ id, properties: { dealname: v } }))) });
};

describe('upsertCustomObjectRecord perform, batched', () => {
  it('one IN search, then creates, updates, skips and fails as Segment would, in input order', async () => {
    const ops = [
      planned('upsertCustomObjectRecord', deal(), order('A'), { trigger: track }),
      planned('upsertCustomObjectRecord', deal(), order('B'), { trigger: track }),
      planned('upsertCustomObjectRecord', deal('      createNewCustomRecord: false\n'), order('C'), { trigger: track }),
      planned('upsertCustomObjectRecord', deal(), order('D'), { trigger: track }),
    ];
    const ctx = scripted([
      ['POST /crm/v3/objects/deals/search', searchHits({ B: ['2'], D: ['3', '4'] })],
      ['POST /crm/v3/objects/deals/batch/create', echoBatch(10)],
      ['POST /crm/v3/objects/deals/batch/update', echoBatch()],
    ]);
    const outcomes = await upsertCustomObjectRecord.perform(ops, ctx);
    expect(outcomes.map((o) => o.kind)).toEqual(['delivered', 'delivered', 'skipped', 'failed']);
    expect(outcomes[3]).toMatchObject({ error: { field: 'customObjectSearchFields' } });
    expect(ops.map((o) => o.recordId)).toEqual(['10', '2', undefined, undefined]);
    expect(ctx.left()).toEqual([]);
  });

  it('a create whose answer was lost is looked up before it is sent again', async () => {
    const ops = [planned('upsertCustomObjectRecord', deal(), order('L1'), { trigger: track }), planned('upsertCustomObjectRecord', deal(), order('L2'), { trigger: track })];
    const ctx = scripted([
      ['POST /crm/v3/objects/deals/search', searchHits({})],
      ['POST /crm/v3/objects/deals/batch/create', lost],
      ['POST /crm/v3/objects/deals/search', searchHits({ L1: ['31'] })],
      ['POST /crm/v3/objects/deals/batch/create', echoBatch(40)],
    ]);
    expect((await upsertCustomObjectRecord.perform(ops, ctx)).map((o) => o.kind)).toEqual(['delivered', 'delivered']);
    expect(ops.map((o) => o.recordId)).toEqual(['31', '40']);
    expect((ctx.sent[3]!.req.body as any).inputs.map((i: any) => i.properties.dealname)).toEqual(['L2']);
  });

  it('a create answered 502 may have landed: it is looked up, not created twice', async () => {
    const op = planned('upsertCustomObjectRecord', deal(), order('G1'), { trigger: track });
    const ctx = scripted([
      ['POST /crm/v3/objects/deals/search', searchHits({})],
      ['POST /crm/v3/objects/deals/batch/create', { status: 502, body: { category: 'BAD_GATEWAY', message: 'Bad Gateway' } }],
      ['POST /crm/v3/objects/deals/search', searchHits({ G1: ['12'] })],
    ]);
    expect(await upsertCustomObjectRecord.perform([op], ctx)).toEqual([{ kind: 'delivered' }]);
    expect(op.recordId).toBe('12');
    expect(ctx.left()).toEqual([]);
  });

  it('associates updated records with the one target found, and fails those whose target is ambiguous after writing', async () => {
    const assoc = '      toObjectType: contacts\n      searchFieldsToAssociateCustomObjects:\n        phone: { "@path": "$.properties.phone" }\n      associationLabel: "HUBSPOT_DEFINED:3"\n';
    const ops = [planned('upsertCustomObjectRecord', deal(assoc), order('A', 1, { phone: '1' }), { trigger: track }), planned('upsertCustomObjectRecord', deal(assoc), order('B', 1, { phone: '2' }), { trigger: track })];
    const ctx = scripted([
      ['POST /crm/v3/objects/deals/search', searchHits({ A: ['1'], B: ['2'] })],
      ['POST /crm/v3/objects/contacts/search', ok({ results: [{ id: '7', properties: { phone: '1' } }, { id: '8', properties: { phone: '2' } }, { id: '9', properties: { phone: '2' } }] })],
      ['POST /crm/v3/objects/deals/batch/update', echoBatch()],
      ['POST /crm/v4/associations/deals/contacts/batch/create', ok({ results: [] })],
    ]);
    const outcomes = await upsertCustomObjectRecord.perform(ops, ctx);
    expect(outcomes[0]).toEqual({ kind: 'delivered' });
    expect(outcomes[1]).toMatchObject({ kind: 'failed', error: { field: 'searchFieldsToAssociateCustomObjects' } });
    expect((ctx.sent[3]!.req.body as any).inputs).toEqual([{ from: { id: '1' }, to: { id: '7' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }] }]);
    // HubSpot leaves batch associations out of its ten-secondly limit: they must not wait for its budget.
    expect(ctx.sent.map((s) => s.req.budget)).toEqual(['search', 'search', undefined, 'exempt']);
  });
});

describe('upsertCustomObjectRecord perform, associations', () => {
  const assoc = '      toObjectType: companies\n      searchFieldsToAssociateCustomObjects:\n        domain: { "@path": "$.properties.domain" }\n      associationLabel: "HUBSPOT_DEFINED:5"\n';

  it('an updated record whose association HubSpot refused in a 207 is failed, not delivered', async () => {
    const ops = [planned('upsertCustomObjectRecord', deal(assoc), order('A', 1, { domain: 'a.io' }), { trigger: track }), planned('upsertCustomObjectRecord', deal(assoc), order('B', 1, { domain: 'b.io' }), { trigger: track })];
    const ctx = scripted([
      ['POST /crm/v3/objects/deals/search', searchHits({ A: ['1'], B: ['2'] })],
      ['POST /crm/v3/objects/companies/search', ok({ results: [{ id: '7', properties: { domain: 'a.io' } }, { id: '8', properties: { domain: 'b.io' } }] })],
      ['POST /crm/v3/objects/deals/batch/update', echoBatch()],
      ['POST /crm/v4/associations/deals/companies/batch/create', { status: 207, body: { status: 'COMPLETE', results: [{}], numErrors: 1, errors: [{ status: 'error', category: 'VALIDATION_ERROR', message: 'Company 8 does not exist, so it cannot be associated', context: { id: ['8'] } }] } }],
    ]);
    const outcomes = await upsertCustomObjectRecord.perform(ops, ctx);
    expect(outcomes[0]).toEqual({ kind: 'delivered' });
    expect(outcomes[1]).toMatchObject({ kind: 'failed', error: { message: 'associating the record: Company 8 does not exist, so it cannot be associated' } });
  });
});

describe('upsertCustomObjectRecord perform, one at a time', () => {
  const two = '      objectType: deals\n      customObjectSearchFields:\n        dealname: { "@path": "$.properties.name" }\n        amount: { "@path": "$.properties.old" }\n      properties:\n        dealname: { "@path": "$.properties.name" }\n';

  it('searches on several fields, and updates the one record found', async () => {
    const op = planned('upsertCustomObjectRecord', two, order('S', 1, { old: 3 }), { trigger: track });
    const ctx = scripted([
      ['POST /crm/v3/objects/deals/search', ok({ total: 1, results: [{ id: '5' }] })],
      ['PATCH /crm/v3/objects/deals/5', ok({ id: '5' })],
    ]);
    expect(await upsertCustomObjectRecord.perform([op], ctx)).toEqual([{ kind: 'delivered' }]);
    expect((ctx.sent[0]!.req.body as any).filterGroups).toHaveLength(2);
  });

  it('a create that lost its answer is found by the search, not sent twice', async () => {
    const op = planned('upsertCustomObjectRecord', two, order('S', 1, { old: 3 }), { trigger: track });
    const ctx = scripted([
      ['POST /crm/v3/objects/deals/search', ok({ total: 0, results: [] })],
      ['POST /crm/v3/objects/deals', lost],
      ['POST /crm/v3/objects/deals/search', ok({ total: 1, results: [{ id: '6' }] })],
    ]);
    expect(await upsertCustomObjectRecord.perform([op], ctx)).toEqual([{ kind: 'delivered' }]);
    expect(op.recordId).toBe('6');
  });

  it('without search fields, a lost create fails saying it cannot be checked', async () => {
    const op = planned('upsertCustomObjectRecord', '      objectType: deals\n      properties:\n        dealname: { "@path": "$.properties.name" }\n', order('N'), { trigger: track });
    const [outcome] = await upsertCustomObjectRecord.perform([op], scripted([['POST /crm/v3/objects/deals', lost]]));
    expect(outcome).toMatchObject({ kind: 'failed' });
    expect((outcome as any).error.message).toMatch(/with no search fields it cannot be checked/);
  });
});
