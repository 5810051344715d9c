import { describe, expect, it } from 'vitest';
import { upsertCompany } from '../../src/actions/upsertCompany/index.js';
import { echoBatch, notFound, ok, planned, scripted } from '../helpers/scripted-context.js';

const group = (groupId: string, extra: Record<string, unknown> = {}) => ({ type: 'group', userId: 'u1', groupId, traits: { name: `Co ${groupId}`, ...extra } });
const noContact = '      associateContact: false\n';
const byDomain = '      companysearchfields:\n        domain: { "@path": "$.traits.website" }\n';
const known = { flags: new Set(['companies.segment_group_id.exists']) };

describe('upsertCompany perform', () => {
  it('creates segment_group_id once, then upserts companies on it', async () => {
    const op = planned('upsertCompany', noContact, group('g1'));
    const ctx = scripted([
      ['GET /crm/v3/properties/companies/segment_group_id', notFound],
      ['POST /crm/v3/properties/companies', { status: 201, body: {} }],
      ['POST /crm/v3/objects/companies/batch/upsert', echoBatch(40)],
    ]);
    expect(await upsertCompany.perform([op], ctx)).toEqual([{ kind: 'delivered' }]);
    expect(op.recordId).toBe('40');
    expect((ctx.sent[2]!.req.body as any).inputs[0]).toMatchObject({ idProperty: 'segment_group_id', id: 'g1' });
    expect(await upsertCompany.perform([planned('upsertCompany', noContact, group('g2'))], scripted([['POST /crm/v3/objects/companies/batch/upsert', echoBatch()]], ctx.run))).toEqual([{ kind: 'delivered' }]);
  });

  it('fails every company when the property cannot be made', async () => {
    const ops = [planned('upsertCompany', noContact, group('g1')), planned('upsertCompany', noContact, group('g2'))];
    const ctx = scripted([['GET /crm/v3/properties/companies/segment_group_id', { status: 403, body: { category: 'MISSING_SCOPES', message: 'no' } }]]);
    const outcomes = await upsertCompany.perform(ops, ctx);
    expect(outcomes).toHaveLength(2);
    expect(outcomes.every((o) => o.kind === 'failed')).toBe(true);
  });

  it('reads by segment_group_id, then searches the rest: updates what is found, creates or skips the others', async () => {
    const found = planned('upsertCompany', noContact + byDomain, group('g-found', { website: 'a.io' }));
    const searched = planned('upsertCompany', noContact + byDomain, group('g-search', { website: 'b.io' }));
    const skipped = planned('upsertCompany', noContact + byDomain + '      createNewCompany: false\n', group('g-skip', { website: 'c.io' }));
    const created = planned('upsertCompany', noContact + byDomain, group('g-new', { website: 'd.io' }));
    const ctx = scripted([
      ['POST /crm/v3/objects/companies/batch/read', ok({ results: [{ id: '1', properties: { segment_group_id: 'g-found' } }] })],
      ['POST /crm/v3/objects/companies/search', ok({ total: 1, results: [{ id: '2', properties: { domain: 'b.io' } }] })],
      ['POST /crm/v3/objects/companies/batch/upsert', echoBatch(50)],
      ['POST /crm/v3/objects/companies/batch/update', echoBatch()],
    ], known);
    const outcomes = await upsertCompany.perform([found, searched, skipped, created], ctx);
    expect(outcomes).toEqual([
      { kind: 'delivered' },
      { kind: 'delivered' },
      { kind: 'skipped', reason: 'no company matched and createNewCompany is false' },
      { kind: 'delivered' },
    ]);
    expect([found, searched, created].map((o) => o.recordId)).toEqual(['1', '2', '50']);
  });

  it('associates each company with the contact of its user, and fails the one whose contact is unknown', async () => {
    const withUser = planned('upsertCompany', '', group('g1'));
    const withEmail = planned('upsertCompany', '', { type: 'group', groupId: 'g2', traits: { email: 'x@y.io' } });
    const ctx = scripted([
      ['POST /crm/v3/objects/contacts/batch/read', { status: 207, body: { results: [], errors: [{ category: 'OBJECT_NOT_FOUND', context: { ids: ['x@y.io'] } }] } }],
      ['POST /crm/v3/objects/companies/batch/upsert', echoBatch(60)],
      ['POST /crm/v4/associations/companies/contacts/batch/associate/default', ok({ results: [] })],
    ], { ...known, ids: new Map([['user:u1', '7']]) });
    const outcomes = await upsertCompany.perform([withUser, withEmail], ctx);
    expect(outcomes[0]).toEqual({ kind: 'delivered' });
    expect(outcomes[1]).toMatchObject({ kind: 'failed', error: { field: 'associateContact' } });
    expect((ctx.sent[2]!.req.body as any).inputs).toEqual([{ from: { id: '60' }, to: { id: '7' } }]);
    // HubSpot leaves batch associations out of its ten-secondly limit: they must not wait for its budget.
    expect(ctx.sent.map((s) => s.req.budget)).toEqual([undefined, undefined, 'exempt']);
  });

  it('fails the company, unwritten, when its same-event contact failed', async () => {
    const contact: any = { id: 900, action: 'upsertContact', mappingName: 'c', data: {}, outcome: { kind: 'failed', error: { kind: 'hubspot', message: 'boom' } } };
    const op = planned('upsertCompany', '', group('g1'), { sameEvent: new Map([['contact', contact]]) });
    const ctx = scripted([], known);
    const [outcome] = await upsertCompany.perform([op], ctx);
    expect(outcome).toMatchObject({ kind: 'failed', error: { kind: 'dependency', message: 'the company was not upserted: its contact failed (boom)' } });
  });

  it('merges two upserts of one group only when they look the company up the same way and name the same contact', () => {
    const a = planned('upsertCompany', noContact + byDomain, group('g', { website: 'a.io' })).data;
    expect(upsertCompany.merge!(a, planned('upsertCompany', noContact + byDomain, group('g', { website: 'a.io', industry: 'X' })).data)?.properties).toMatchObject({ industry: 'X', domain: 'a.io' });
    expect(upsertCompany.merge!(a, planned('upsertCompany', noContact, group('g')).data)).toBeUndefined();
    expect(upsertCompany.merge!(a, planned('upsertCompany', noContact + byDomain, group('g', { website: 'b.io' })).data)).toBeUndefined();
    expect(upsertCompany.merge!(a, planned('upsertCompany', noContact + byDomain + '      createNewCompany: false\n', group('g', { website: 'a.io' })).data)).toBeUndefined();
    expect(upsertCompany.merge!(a, planned('upsertCompany', noContact + byDomain, group('h', { website: 'a.io' })).data)).toBeUndefined();
    const u1 = planned('upsertCompany', '', group('g')).data;
    expect(upsertCompany.merge!(u1, planned('upsertCompany', '', group('g')).data)?.contacts).toHaveLength(1);
    expect(upsertCompany.merge!(u1, planned('upsertCompany', '', { ...group('g'), userId: 'u2' }).data)).toBeUndefined();
  });

  it('writes no company whose contact is not found, and says why a contact read failed', async () => {
    const ghost = planned('upsertCompany', '', { type: 'group', userId: 'ghost', groupId: 'g1', traits: {} });
    const byEmail = planned('upsertCompany', '', { type: 'group', groupId: 'g2', traits: { email: 'x@y.io' } });
    const found = planned('upsertCompany', '', group('g3'));
    const ctx = scripted([
      ['POST /crm/v3/objects/contacts/batch/read', { status: 503, body: { category: 'SERVICE_UNAVAILABLE', message: 'Service Unavailable' } }],
      ['POST /crm/v3/objects/companies/batch/upsert', echoBatch(70)],
      ['POST /crm/v4/associations/companies/contacts/batch/associate/default', ok({ results: [] })],
    ], { ...known, ids: new Map([['user:u1', '7']]) });
    const outcomes = await upsertCompany.perform([ghost, byEmail, found], ctx);
    expect(outcomes[0]).toMatchObject({ kind: 'failed', error: { field: 'associateContact' } });
    expect(outcomes[1]).toMatchObject({ kind: 'failed', error: { status: 503, message: 'reading the contact to associate by email: Service Unavailable' } });
    expect(outcomes[2]).toEqual({ kind: 'delivered' });
    expect((ctx.sent[1]!.req.body as any).inputs.map((i: any) => i.id)).toEqual(['g3']);
  });

  it('never puts one record id twice in a batch/update: two groups that find the same company update it in turn, in input order', async () => {
    const ops = ['g1', 'g2', 'g3'].map((g) => planned('upsertCompany', noContact + byDomain, group(g, { website: g === 'g3' ? 'other.io' : 'same.io' })));
    const noDuplicates = (req: any) => {
      const ids = req.body.inputs.map((i: any) => i.id);
      return new Set(ids).size === ids.length ? echoBatch()(req) : { status: 400, body: { category: 'VALIDATION_ERROR', message: 'Duplicate IDs found in batch input' } };
    };
    const ctx = scripted([
      ['POST /crm/v3/objects/companies/batch/read', ok({ results: [] })],
      ['POST /crm/v3/objects/companies/search', ok({ results: [{ id: '5', properties: { domain: 'same.io' } }, { id: '6', properties: { domain: 'other.io' } }] })],
      ['POST /crm/v3/objects/companies/batch/update', noDuplicates],
      ['POST /crm/v3/objects/companies/batch/update', noDuplicates],
    ], known);
    expect((await upsertCompany.perform(ops, ctx)).map((o) => o.kind)).toEqual(['delivered', 'delivered', 'delivered']);
    const updates = ctx.sent.filter((s) => s.route.endsWith('batch/update')).map((s) => (s.req.body as any).inputs.map((i: any) => `${i.id}:${i.properties.segment_group_id}`));
    expect(updates).toEqual([['5:g1', '6:g3'], ['5:g2']]);
  });

  it('a batch that holds its ops in the order they became ready still updates a company in input order', async () => {
    const [first, second] = ['g1', 'g2'].map((g) => planned('upsertCompany', noContact + byDomain, group(g, { website: 'same.io', industry: `by ${g}` })));
    const ctx = scripted([
      ['POST /crm/v3/objects/companies/batch/read', ok({ results: [] })],
      ['POST /crm/v3/objects/companies/search', ok({ results: [{ id: '5', properties: { domain: 'same.io' } }] })],
      ['POST /crm/v3/objects/companies/batch/update', echoBatch()],
      ['POST /crm/v3/objects/companies/batch/update', echoBatch()],
    ], known);
    await upsertCompany.perform([second!, first!], ctx);
    const updates = ctx.sent.filter((s) => s.route.endsWith('batch/update')).map((s) => (s.req.body as any).inputs[0].properties.industry);
    expect(updates).toEqual(['by g1', 'by g2']);
  });

  it('a company found by search takes the group id another group of the batch found it by: that group is looked up again after the write', async () => {
    const ops = [planned('upsertCompany', noContact + byDomain, group('g1', { website: 'same.io' })), planned('upsertCompany', noContact + byDomain, group('g2', { website: 'else.io' }))];
    const ctx = scripted([
      ['POST /crm/v3/objects/companies/batch/read', ok({ results: [{ id: '5', properties: { segment_group_id: 'g2' } }] })],
      ['POST /crm/v3/objects/companies/search', ok({ results: [{ id: '5', properties: { domain: 'same.io' } }] })],
      ['POST /crm/v3/objects/companies/batch/update', echoBatch()],
      // One at a time, g2 comes after company 5 took g1: no company has g2 any more.
      ['POST /crm/v3/objects/companies/batch/read', ok({ results: [] })],
      ['POST /crm/v3/objects/companies/search', ok({ results: [] })],
      ['POST /crm/v3/objects/companies/batch/upsert', echoBatch(70)],
    ], known);
    expect(await upsertCompany.perform(ops, ctx)).toEqual([{ kind: 'delivered' }, { kind: 'delivered' }]);
    expect(ops.map((o) => o.recordId)).toEqual(['5', '70']);
    expect((ctx.sent[2]!.req.body as any).inputs).toMatchObject([{ id: '5', properties: { segment_group_id: 'g1' } }]);
    expect((ctx.sent[5]!.req.body as any).inputs[0]).toMatchObject({ idProperty: 'segment_group_id', id: 'g2' });
  });

  it('an upsert on the group id of a company an earlier op of the batch finds by search waits for that write', async () => {
    const searched = planned('upsertCompany', noContact + byDomain, group('B', { website: 'd.io' }));
    const upsert = planned('upsertCompany', noContact, group('A'));
    const ctx = scripted([
      ['POST /crm/v3/objects/companies/batch/read', ok({ results: [{ id: '5', properties: { segment_group_id: 'A' } }] })],
      ['POST /crm/v3/objects/companies/search', ok({ results: [{ id: '5', properties: { domain: 'd.io' } }] })],
      ['POST /crm/v3/objects/companies/batch/update', echoBatch()],
      ['POST /crm/v3/objects/companies/batch/upsert', echoBatch(71)],
    ], known);
    expect(await upsertCompany.perform([searched, upsert], ctx)).toEqual([{ kind: 'delivered' }, { kind: 'delivered' }]);
    expect([searched.recordId, upsert.recordId]).toEqual(['5', '71']);
  });

  it('a company this run wrote is found by a later group\'s search while HubSpot\'s index has not caught up', async () => {
    const first = planned('upsertCompany', noContact, group('g1', { website: 'new.io' }));
    const ctx = scripted([['POST /crm/v3/objects/companies/batch/upsert', echoBatch(80)]], known);
    await upsertCompany.perform([first], ctx);
    const later = planned('upsertCompany', noContact + byDomain, group('g2', { website: 'NEW.io' }));
    const again = scripted([
      ['POST /crm/v3/objects/companies/batch/read', ok({ results: [] })],
      // Others may hold the domain too, so HubSpot is asked; its index does not show the new company yet.
      ['POST /crm/v3/objects/companies/search', ok({ results: [] })],
      ['POST /crm/v3/objects/companies/batch/update', echoBatch()],
    ], ctx.run);
    expect(await upsertCompany.perform([later], again)).toEqual([{ kind: 'delivered' }]);
    expect(later.recordId).toBe('80');
  });

  it('a merged upsert HubSpot refuses as invalid is applied again event by event, in input order', async () => {
    const first = planned('upsertCompany', noContact, group('g', { industry: 'Software' }));
    const second = planned('upsertCompany', noContact + '      lifecyclestage: { "@path": "$.traits.stage" }\n', group('g', { stage: 'bogus' }));
    const op = { ...first, data: upsertCompany.merge!(first.data, second.data)! };
    const invalid = (req: any) => {
      const input = req.body.inputs[0];
      return input.properties.lifecyclestage === 'bogus'
        ? { status: 400, body: { category: 'VALIDATION_ERROR', message: 'bogus is not a valid lifecycle stage' } }
        : echoBatch(90)(req);
    };
    const ctx = scripted([
      ['POST /crm/v3/objects/companies/batch/upsert', invalid],
      ['POST /crm/v3/objects/companies/batch/upsert', invalid],
      ['POST /crm/v3/objects/companies/batch/upsert', invalid],
    ], known);
    const [outcome] = await upsertCompany.perform([op], ctx);
    expect(outcome).toMatchObject({ kind: 'failed', parts: [{ kind: 'delivered' }, { kind: 'failed' }] });
    expect((ctx.sent[1]!.req.body as any).inputs[0].properties).toMatchObject({ industry: 'Software' });
    expect(op.recordId).toBe('90');
  });
});
