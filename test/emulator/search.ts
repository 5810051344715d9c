import type { Ctx } from './context.js';
import { readScopes, typeOf } from './crm-objects.js';
import { validationError } from './errors.js';
import { bodyObject, isObject, json, stringList, type ApiRequest } from './http.js';
import type { ObjectTypeDef } from './object-types.js';
import { presentRead } from './records.js';
import type { Route } from './router.js';
import type { CrmRecord, Store } from './store.js';

const MAX_GROUPS = 5;
const MAX_FILTERS_PER_GROUP = 10;
const MAX_FILTERS = 25;
const MAX_LIMIT = 200;
const MAX_RESULTS = 10_000;

interface Filter {
  propertyName: string;
  operator: string;
  value?: unknown;
  highValue?: unknown;
  values?: unknown[];
}

const QUERY_PROPERTIES: Record<string, string[]> = {
  '0-1': ['firstname', 'lastname', 'email', 'phone', 'company', 'hs_additional_emails'],
  '0-2': ['name', 'domain', 'website', 'phone'],
  '0-3': ['dealname'],
  '0-5': ['subject', 'content'],
};

/** A number for numeric and date-like values (epoch ms, ISO, YYYY-MM-DD); NaN otherwise. */
function asNumber(v: string): number {
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  return /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v) : NaN;
}

function compare(a: string, b: string): number {
  const x = asNumber(a);
  const y = asNumber(b);
  if (!Number.isNaN(x) && !Number.isNaN(y)) return x - y;
  return a.toLowerCase().localeCompare(b.toLowerCase());
}

function containsToken(value: string, pattern: string): boolean {
  const p = pattern.toLowerCase();
  const candidates = [value.toLowerCase(), ...value.toLowerCase().split(/[^a-z0-9]+/)];
  if (!p.includes('*')) return candidates.includes(p);
  const re = new RegExp(`^${p.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return candidates.some((c) => re.test(c));
}

function matches(f: Filter, props: Record<string, string>): boolean {
  const v = props[f.propertyName];
  const target = f.value === undefined ? '' : String(f.value);
  const list = (f.values ?? []).map((x) => String(x).toLowerCase());
  switch (f.operator) {
    case 'EQ': return v !== undefined && compare(v, target) === 0;
    case 'NEQ': return v === undefined || compare(v, target) !== 0;
    case 'LT': return v !== undefined && compare(v, target) < 0;
    case 'LTE': return v !== undefined && compare(v, target) <= 0;
    case 'GT': return v !== undefined && compare(v, target) > 0;
    case 'GTE': return v !== undefined && compare(v, target) >= 0;
    case 'BETWEEN': return v !== undefined && compare(v, target) >= 0 && compare(v, String(f.highValue ?? '')) <= 0;
    case 'IN': return v !== undefined && list.includes(v.toLowerCase());
    case 'NOT_IN': return v === undefined || !list.includes(v.toLowerCase());
    case 'HAS_PROPERTY': return v !== undefined;
    case 'NOT_HAS_PROPERTY': return v === undefined;
    case 'CONTAINS_TOKEN': return v !== undefined && containsToken(v, target);
    case 'NOT_CONTAINS_TOKEN': return v === undefined || !containsToken(v, target);
    default: throw validationError(`Invalid filter operator '${f.operator}'`);
  }
}

function parseFilterGroups(store: Store, t: ObjectTypeDef, raw: unknown): Filter[][] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw validationError('Invalid input JSON: "filterGroups" must be an array');
  const groups = raw.map((g) => (isObject(g) && Array.isArray(g.filters) ? g.filters.filter(isObject) : [])) as unknown as Filter[][];
  const total = groups.reduce((n, g) => n + g.length, 0);
  if (groups.length > MAX_GROUPS || groups.some((g) => g.length > MAX_FILTERS_PER_GROUP) || total > MAX_FILTERS) {
    throw validationError(`Search supports at most ${MAX_GROUPS} filterGroups with up to ${MAX_FILTERS_PER_GROUP} filters each, and ${MAX_FILTERS} filters in total`);
  }
  const defs = store.propertiesOf(t.objectTypeId);
  for (const f of groups.flat()) {
    if (typeof f.propertyName !== 'string' || !defs.has(f.propertyName)) {
      throw validationError(`There was a problem with the request: property "${String(f.propertyName)}" does not exist on ${t.objectTypeId}`, {
        context: { propertyName: [String(f.propertyName)] },
      });
    }
  }
  return groups;
}

/** sorts: ["-createdate"] (spec) or [{propertyName, direction}] (guide); only the first is honoured. */
function parseSort(raw: unknown): { prop: string; desc: boolean } | undefined {
  const first = Array.isArray(raw) ? raw[0] : undefined;
  if (typeof first === 'string' && first) return first.startsWith('-') ? { prop: first.slice(1), desc: true } : { prop: first, desc: false };
  if (isObject(first) && typeof first.propertyName === 'string') return { prop: first.propertyName, desc: first.direction === 'DESCENDING' };
  return undefined;
}

/** A write's own extra lag in [0, jitter): a hash of the record and the write time, so repeatable. */
function jitterOf(id: string, at: number, jitter: number): number {
  if (jitter <= 0) return 0;
  let h = 2166136261 ^ at;
  for (const ch of `${id}|${at}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return ((h >>> 0) / 4294967296) * jitter;
}

/** What search sees of a record: the newest write that is through the index by now, if any. */
function indexed(rec: CrmRecord, now: number, lag: number, jitter: number): Record<string, string> | undefined {
  for (let i = rec.searchHistory.length - 1; i >= 0; i--) {
    const snap = rec.searchHistory[i]!;
    if (snap.at + lag + jitterOf(rec.id, snap.at, jitter) <= now) return snap.props;
  }
  return undefined;
}

function search(req: ApiRequest, ctx: Ctx) {
  const t = typeOf(req, ctx);
  const body = bodyObject(req);
  const groups = parseFilterGroups(ctx.store, t, body.filterGroups);
  const limit = body.limit === undefined ? 10 : Number(body.limit);
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_LIMIT) throw validationError(`limit must be between 0 and ${MAX_LIMIT}`);
  const after = Number(body.after ?? 0) || 0;
  if (after + limit > MAX_RESULTS) throw validationError(`Paging beyond ${MAX_RESULTS} results is not supported`);
  const query = typeof body.query === 'string' ? body.query.toLowerCase() : '';
  const queryProps = QUERY_PROPERTIES[t.objectTypeId] ?? t.custom?.searchableProperties ?? [];
  const sort = parseSort(body.sorts);
  const now = Date.now();
  const { searchIndexLagMs: lag, searchIndexLagJitterMs: jitter } = ctx.config;

  const hits: Array<{ rec: CrmRecord; props: Record<string, string> }> = [];
  for (const rec of ctx.store.recordsOf(t.objectTypeId).values()) {
    const props = rec.archived ? undefined : indexed(rec, now, lag, jitter);
    if (!props) continue;
    if (groups.length && !groups.some((g) => g.every((f) => matches(f, props)))) continue;
    if (query && !queryProps.some((p) => props[p]?.toLowerCase().includes(query))) continue;
    hits.push({ rec, props });
  }
  hits.sort((a, b) => {
    if (sort) {
      const x = a.props[sort.prop];
      const y = b.props[sort.prop];
      const c = x === undefined ? (y === undefined ? 0 : 1) : y === undefined ? -1 : compare(x, y) * (sort.desc ? -1 : 1);
      if (c !== 0) return c;
    }
    return Number(a.rec.id) - Number(b.rec.id);
  });
  const requested = stringList(body.properties);
  const page = hits.slice(after, after + limit).map(({ rec, props }) => presentRead(t, rec, requested, props));
  const next = after + limit < hits.length ? { paging: { next: { after: String(after + limit), link: `?after=${after + limit}` } } } : {};
  return json(200, { total: hits.length, results: page, ...next });
}

export const searchRoutes: Route[] = [
  { method: 'POST', pattern: '/crm/v3/objects/:objectType/search', limit: 'search', scopes: readScopes, handler: search },
];
