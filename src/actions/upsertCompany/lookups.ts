import type { FailureDetail, OpHandle } from '../../model.js';
import { hubspotFailure, isOk } from '../shared/hubspot-answers.js';
import { searchAny, searchByValues, singleField } from '../shared/search.js';
import type { PerformContext } from '../types.js';
import { SEGMENT_GROUP_ID, SEGMENT_GROUP_ID_PROPERTY } from './group-id-property.js';
import { COMPANY_SEARCH_FAILED, MULTIPLE_COMPANIES } from './messages.js';
import type { CompanyOp } from './types.js';

const FLAG = 'companies.segment_group_id.exists';

/**
 * Makes sure the hidden unique segment_group_id property exists before the first company write of
 * the run. Segment creates it reactively after a failed write; asking once up front costs one
 * request per run and keeps a missing property from failing (and splitting) whole batches.
 * Gives the failure when it could not.
 */
export async function ensureGroupIdProperty(ops: OpHandle<CompanyOp>[], ctx: PerformContext): Promise<FailureDetail | undefined> {
  if (ctx.run.flags.has(FLAG)) return undefined;
  const got = await ctx.send({ method: 'GET', path: ctx.paths.property('companies', SEGMENT_GROUP_ID) }, ops);
  if (isOk(got)) {
    ctx.run.flags.add(FLAG);
    return undefined;
  }
  if (got.status !== 404) return hubspotFailure(got, 'checking the segment_group_id company property');
  const created = await ctx.send(
    { method: 'POST', path: ctx.paths.properties('companies'), body: SEGMENT_GROUP_ID_PROPERTY, when: 'the portal has no segment_group_id property yet' },
    ops,
  );
  // 409: another run created it first.
  if (!isOk(created) && created.status !== 409) return hubspotFailure(created, 'creating the segment_group_id company property');
  ctx.run.flags.add(FLAG);
  return undefined;
}

/** A company read by segment_group_id: its id, and the values of the properties asked for. */
export interface ReadCompany {
  id: string;
  values: Record<string, unknown>;
}

/**
 * One request for up to 100 companies by segment_group_id, instead of Segment's PATCH per event;
 * with the values of `also` (what the batch looks at again, look-again.ts).
 */
export async function readByGroupId(ops: OpHandle<CompanyOp>[], ctx: PerformContext, also: readonly string[] = []): Promise<{ ok: true; found: Map<string, ReadCompany> } | { ok: false; failure: FailureDetail }> {
  const properties = [...new Set([SEGMENT_GROUP_ID, ...also])];
  const res = await ctx.send(
    {
      method: 'POST',
      path: ctx.paths.batch('companies', 'read'),
      body: { properties, idProperty: SEGMENT_GROUP_ID, inputs: [...new Set(ops.map((o) => o.data.groupid))].map((id) => ({ id })) },
    },
    ops,
  );
  if (!isOk(res)) return { ok: false, failure: hubspotFailure(res, 'reading companies by segment_group_id') };
  const found = new Map<string, ReadCompany>();
  for (const r of res.body?.results ?? []) {
    const gid = r?.properties?.[SEGMENT_GROUP_ID];
    if (gid !== undefined) found.set(String(gid), { id: String(r.id), values: valuesOf(r, properties) });
  }
  return { ok: true, found };
}

/** A read record's values of these properties (undefined where it holds none). */
export function valuesOf(record: any, properties: readonly string[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const p of properties) values[p] = record?.properties?.[p];
  return values;
}

/** What a company search found: the ids holding a value (`total`: how many HubSpot counts), or its failure. */
export type SearchFound = { ok: true; hits: string[]; total: number } | { ok: false; failure: FailureDetail };

/**
 * Segment's company search for the companies no segment_group_id matched: what it found for each.
 * Searches on one property go 100 values a request; several properties keep Segment's
 * any-field-matches search, one per company.
 */
export async function searchCompanies(ops: OpHandle<CompanyOp>[], ctx: PerformContext): Promise<Map<OpHandle<CompanyOp>, SearchFound>> {
  const found = new Map<OpHandle<CompanyOp>, SearchFound>();
  const byProp = new Map<string, OpHandle<CompanyOp>[]>();
  for (const op of ops) {
    const one = singleField(op.data.searchFields);
    if (one) byProp.set(one.name, [...(byProp.get(one.name) ?? []), op]);
    else found.set(op, await findBySearch(op, ctx));
  }
  for (const [prop, group] of byProp) {
    const valueOf = (op: OpHandle<CompanyOp>) => singleField(op.data.searchFields)!.value;
    const r = await searchByValues(ctx, { objectType: 'companies', prop, values: group.map(valueOf), ops: group, onBadRequest: COMPANY_SEARCH_FAILED, field: 'companysearchfields' });
    for (const op of group) found.set(op, r.ok ? hitsOf(r.ids.get(valueOf(op)) ?? []) : r);
  }
  return found;
}

const hitsOf = (hits: string[]): SearchFound => ({ ok: true, hits, total: hits.length });

/** Segment's "several companies matched" failure. */
export const multipleCompanies = (): FailureDetail => ({ kind: 'hubspot', status: 400, message: MULTIPLE_COMPANIES, field: 'companysearchfields' });

/** Segment's company search (seen through what this run wrote). */
async function findBySearch(op: OpHandle<CompanyOp>, ctx: PerformContext): Promise<SearchFound> {
  const r = await searchAny(ctx, op, {
    objectType: 'companies',
    fields: op.data.searchFields!,
    properties: ['name', 'domain', 'lifecyclestage', SEGMENT_GROUP_ID],
    sorts: ['name'],
    when: 'no company has this segment_group_id',
    onBadRequest: COMPANY_SEARCH_FAILED,
    field: 'companysearchfields',
  });
  return r.ok ? { ok: true, hits: r.ids, total: r.total } : r;
}
