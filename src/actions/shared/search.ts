import { MAX_CRM_BATCH, type ApiPaths } from '../../hubspot/api.js';
import type { FailureDetail, OpHandle } from '../../model.js';
import type { PerformContext } from '../types.js';
import { hubspotFailure, isOk } from './hubspot-answers.js';
import type { HubSpotRequest, HubSpotResponse } from '../../hubspot/transport.js';

/**
 * Segment's search body: one filterGroup per field, so HubSpot ORs them ("any field matches").
 * Values go as mapped, not flattened.
 */
export function searchRequest(paths: ApiPaths, objectType: string, fields: Record<string, unknown>, properties: string[], sorts: string[], when?: string): HubSpotRequest {
  return {
    method: 'POST',
    path: paths.search(objectType),
    body: {
      filterGroups: Object.entries(fields).map(([propertyName, value]) => ({ filters: [{ propertyName, operator: 'EQ', value }] })),
      properties,
      sorts,
    },
    budget: 'search',
    when,
  };
}

export const hasFields = (o: Record<string, unknown> | undefined): o is Record<string, unknown> =>
  !!o && typeof o === 'object' && Object.keys(o).length > 0;

/** A stable text for a set of search values, to tell whether two operations look a record up the same way. */
export function stableKey(o: Record<string, unknown>): string {
  return JSON.stringify(Object.keys(o).sort().map((k) => [k, o[k]]));
}

/** The one property a batchable lookup searches, with its value as text. */
export function singleField(fields: Record<string, unknown> | undefined): { name: string; value: string } | undefined {
  if (!fields) return undefined;
  const keys = Object.keys(fields);
  const v = keys.length === 1 ? fields[keys[0]!] : undefined;
  return typeof v === 'string' || typeof v === 'number' ? { name: keys[0]!, value: String(v) } : undefined;
}

/**
 * A search that did not answer 2xx, as Segment reports it: a 400 means the search fields name
 * properties HubSpot does not know, said with Segment's message for that search and the field.
 */
export function searchFailure(res: HubSpotResponse, objectType: string, onBadRequest: string, field: string): FailureDetail {
  return res.status === 400 ? { ...hubspotFailure(res), message: onBadRequest, field } : hubspotFailure(res, `searching ${objectType}`);
}

/** HubSpot returns at most 200 records a search page. */
const PAGE = 200;

export interface ValuesSearch {
  objectType: string;
  prop: string;
  values: string[];
  /** The ops the search serves (the dry-run names their sources). */
  ops: OpHandle[];
  /** Segment's message for a 400 from this search. */
  onBadRequest: string;
  field: string;
  /** Ask HubSpot even where memory answers: a create whose outcome is unknown may have changed it. */
  fresh?: boolean;
}

export type ValuesFound = { ok: true; ids: Map<string, string[]> } | { ok: false; failure: FailureDetail };

/**
 * Finds records by many values of one property at once (an IN search, 100 values, paged), where
 * Segment sends one search per event and HubSpot allows 5 a second. Gives the ids found for each
 * value, or the failure of the search. Records this run wrote recently are taken from memory:
 * HubSpot's search may not show them yet.
 */
export async function searchByValues(ctx: PerformContext, q: ValuesSearch): Promise<ValuesFound> {
  const { objectType, prop } = q;
  const { records } = ctx.run;
  const out = new Map<string, string[]>();
  const unknown: string[] = [];
  for (const v of new Set(q.values)) {
    const known = records.lookup(objectType, prop, v);
    if (known?.complete && !q.fresh) out.set(v, known.ids);
    else unknown.push(v);
  }
  const shown = new Map<string, string[]>();
  for (let i = 0; i < unknown.length; i += MAX_CRM_BATCH) {
    const chunk = unknown.slice(i, i + MAX_CRM_BATCH);
    let after: string | undefined;
    do {
      const res = await ctx.send(
        {
          method: 'POST',
          path: ctx.paths.search(objectType),
          body: { filterGroups: [{ filters: [{ propertyName: prop, operator: 'IN', values: chunk }] }], properties: [prop], limit: PAGE, ...(after ? { after } : {}) },
          budget: 'search',
        },
        q.ops,
      );
      if (!isOk(res)) return { ok: false, failure: searchFailure(res, objectType, q.onBadRequest, q.field) };
      for (const r of res.body?.results ?? []) {
        const v = String(r?.properties?.[prop] ?? '');
        // HubSpot compares strings without regard to case.
        const hit = chunk.find((c) => c === v) ?? chunk.find((c) => c.toLowerCase() === v.toLowerCase());
        // The index may still show a value this run has since replaced.
        if (hit !== undefined && records.stillHolds(objectType, String(r.id), prop, hit)) shown.set(hit, [...(shown.get(hit) ?? []), String(r.id)]);
      }
      after = res.body?.paging?.next?.after;
    } while (after);
  }
  for (const v of unknown) {
    records.found(objectType, prop, v, shown.get(v) ?? []);
    out.set(v, records.lookup(objectType, prop, v)!.ids);
  }
  return { ok: true, ids: out };
}

export type AnyFound = { ok: true; ids: string[]; total: number } | { ok: false; failure: FailureDetail };

export interface AnySearch {
  objectType: string;
  fields: Record<string, unknown>;
  properties: string[];
  sorts: string[];
  when?: string;
  onBadRequest: string;
  field: string;
}

/**
 * Segment's any-field-matches search, seen through what this run wrote: HubSpot's index lags
 * writes by seconds, so records this run knows hold one of the values are added to what the
 * search shows, and results holding none of them any more are dropped. When a search already said
 * which records hold each value, none is sent.
 */
export async function searchAny(ctx: PerformContext, op: OpHandle, q: AnySearch): Promise<AnyFound> {
  const { records } = ctx.run;
  const fields = Object.entries(q.fields);
  const known = fields.map(([p, v]) => records.lookup(q.objectType, p, v));
  const remembered = [...new Set(known.flatMap((k) => k?.ids ?? []))];
  if (known.every((k) => k?.complete)) return { ok: true, ids: remembered, total: remembered.length };
  const res = await ctx.send(searchRequest(ctx.paths, q.objectType, q.fields, q.properties, q.sorts, q.when), [op]);
  if (!isOk(res)) return { ok: false, failure: searchFailure(res, q.objectType, q.onBadRequest, q.field) };
  const results: any[] = res.body?.results ?? [];
  const shown = results.map((r) => String(r.id));
  const current = shown.filter((id) => fields.some(([p, v]) => records.stillHolds(q.objectType, id, p, v)));
  const extra = remembered.filter((id) => !current.includes(id));
  const total = Math.max(Number(res.body?.total ?? results.length), shown.length) - (shown.length - current.length) + extra.length;
  return { ok: true, ids: [...current, ...extra], total };
}
