import { paths } from '../../hubspot/api.js';
import { hubspotFailure, isOk } from '../shared/hubspot-answers.js';
import { searchByValues, searchFailure, searchRequest, singleField } from '../shared/search.js';
import type { OpHandle, PerformContext } from '../types.js';
import { COMPANY_SEARCH_FAILED, MULTIPLE_COMPANIES, SEGMENT_GROUP_ID, SEGMENT_GROUP_ID_PROPERTY } from './errors.js';
import type { CompanyOp } from './index.js';

const FLAG = 'companies.segment_group_id.exists';

/**
 * Makes sure the hidden unique segment_group_id property exists before the first company write of
 * the run. Segment creates it reactively after a failed write; asking once up front costs one
 * request per run and keeps a missing property from failing (and splitting) whole batches.
 * Returns false when the ops were failed.
 */
export async function ensureGroupIdProperty(ops: OpHandle<CompanyOp>[], ctx: PerformContext): Promise<boolean> {
  if (ctx.run.flags.has(FLAG)) return true;
  const got = await ctx.send({ method: 'GET', path: paths.property('companies', SEGMENT_GROUP_ID) }, ops);
  if (isOk(got)) {
    ctx.run.flags.add(FLAG);
    return true;
  }
  if (got.status === 404) {
    const created = await ctx.send(
      { method: 'POST', path: paths.properties('companies'), body: SEGMENT_GROUP_ID_PROPERTY, when: 'the portal has no segment_group_id property yet' },
      ops,
    );
    // 409: another run created it first.
    if (isOk(created) || created.status === 409) {
      ctx.run.flags.add(FLAG);
      return true;
    }
    const failure = hubspotFailure(created, 'creating the segment_group_id company property');
    for (const op of ops) ctx.fail(op, failure);
    return false;
  }
  const failure = hubspotFailure(got, 'checking the segment_group_id company property');
  for (const op of ops) ctx.fail(op, failure);
  return false;
}

/**
 * Segment's company search for the companies no segment_group_id matched: the id found for each
 * (null: none). Ops whose search failed or matched several companies are failed and left out.
 * Searches on one property go 100 values a request; several properties keep Segment's
 * any-field-matches search, one per company.
 */
export async function searchCompanies(ops: OpHandle<CompanyOp>[], ctx: PerformContext): Promise<Map<OpHandle<CompanyOp>, string | null>> {
  const out = new Map<OpHandle<CompanyOp>, string | null>();
  const byProp = new Map<string, OpHandle<CompanyOp>[]>();
  for (const op of ops) {
    const one = singleField(op.data.searchFields);
    if (one) byProp.set(one.name, [...(byProp.get(one.name) ?? []), op]);
    else {
      const hit = await findBySearch(op, ctx);
      if (hit !== 'failed') out.set(op, hit);
    }
  }
  for (const [prop, group] of byProp) {
    const valueOf = (op: OpHandle<CompanyOp>) => singleField(op.data.searchFields)!.value;
    const ids = await searchByValues(ctx, { objectType: 'companies', prop, values: group.map(valueOf), ops: group, onBadRequest: COMPANY_SEARCH_FAILED, field: 'companysearchfields' });
    if (!ids) continue;
    for (const op of group) {
      const hits = ids.get(valueOf(op)) ?? [];
      if (hits.length > 1) ctx.fail(op, { kind: 'hubspot', status: 400, message: MULTIPLE_COMPANIES, field: 'companysearchfields' });
      else out.set(op, hits[0] ?? null);
    }
  }
  return out;
}

/** Segment's company search: the found id, null for none, or 'failed' when the op was failed. */
async function findBySearch(op: OpHandle<CompanyOp>, ctx: PerformContext): Promise<string | null | 'failed'> {
  const res = await ctx.send(
    searchRequest('companies', op.data.searchFields!, ['name', 'domain', 'lifecyclestage', SEGMENT_GROUP_ID], ['name'], 'no company has this segment_group_id'),
    [op],
  );
  if (!isOk(res)) {
    ctx.fail(op, searchFailure(res, 'companies', COMPANY_SEARCH_FAILED, 'companysearchfields'));
    return 'failed';
  }
  const total = Number(res.body?.total ?? 0);
  if (total > 1) {
    ctx.fail(op, { kind: 'hubspot', status: 400, message: MULTIPLE_COMPANIES, field: 'companysearchfields' });
    return 'failed';
  }
  return total === 1 ? String(res.body.results[0].id) : null;
}
