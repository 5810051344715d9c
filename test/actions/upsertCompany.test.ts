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
      ['POST /crm/v3/objects/companies/batch/upsert', echoBatch(60)],
      ['POST /crm/v3/objects/contacts/batch/read', { status: 207, body: { results: [], errors: [{ category: 'OBJECT_NOT_FOUND', context: { ids: ['x@y.io'] } }] } }],
      ['POST /crm/v4/associations/companies/contacts/batch/associate/default', ok({ results: [] })],
    ], { ...known, ids: new Map([['user:u1', '7']]) });
    const outcomes = await upsertCompany.perform([withUser, withEmail], ctx);
    expect(outcomes[0]).toEqual({ kind: 'delivered' });
    expect(outcomes[1]).toMatchObject({ kind: 'failed', error: { field: 'associateContact' } });
    expect((ctx.sent[2]!.req.body as any).inputs).toEqual([{ from: { id: '60' }, to: { id: '7' } }]);
  });

  it('fails the company, not the batch, when its same-event contact failed', async () => {
    const contact: any = { id: 900, action: 'upsertContact', mappingName: 'c', data: {}, outcome: { kind: 'failed', error: { kind: 'hubspot', message: 'boom' } } };
    const op = planned('upsertCompany', '', group('g1'), { sameEvent: new Map([['contact', contact]]) });
    const ctx = scripted([['POST /crm/v3/objects/companies/batch/upsert', echoBatch()]], known);
    const [outcome] = await upsertCompany.perform([op], ctx);
    expect(outcome).toMatchObject({ kind: 'failed', error: { kind: 'dependency', message: 'the company was upserted but not associated: its contact failed (boom)' } });
  });
});
