import { associate, associationsFrom, resolveInline } from './associations-core.js';
import type { Ctx } from './context.js';
import { objectNotFound, validationError } from './errors.js';
import { bodyObject, isObject, json, noContent, stringList, type ApiRequest } from './http.js';
import { objectScopes, type ObjectTypeDef } from './object-types.js';
import { commitWrite, findRecord, planWrite, presentRead, presentWritten, type PublicObject } from './records.js';
import type { Route } from './router.js';
import type { Store } from './store.js';

/** `?properties=a,b&properties=c` → ['a','b','c']; undefined when absent. */
export function queryList(req: ApiRequest, name: string): string[] | undefined {
  const all = req.query.getAll(name);
  return all.length ? all.flatMap((v) => stringList(v) ?? []) : undefined;
}

export const typeOf = (req: ApiRequest, ctx: Ctx): ObjectTypeDef => ctx.store.type(req.params.objectType!);
export const readScopes = (req: ApiRequest, ctx: Ctx) => objectScopes(typeOf(req, ctx), 'read');
export const writeScopes = (req: ApiRequest, ctx: Ctx) => objectScopes(typeOf(req, ctx), 'write');

/** The v3 `associations` block of a GET: {companies: {results: [{id, type}]}} per requested type. */
function withAssociations(store: Store, t: ObjectTypeDef, id: string, obj: PublicObject, toTypes: string[]): PublicObject {
  const block: Record<string, { results: Array<{ id: string; type: string }> }> = {};
  for (const raw of toTypes) {
    const to = store.findType(raw);
    if (!to) continue;
    const results = [...associationsFrom(store, t.objectTypeId, id, to.objectTypeId)].flatMap(([toId, defs]) => defs.map((d) => ({ id: toId, type: d.name })));
    if (results.length) block[raw] = { results };
  }
  return Object.keys(block).length ? { ...obj, associations: block } : obj;
}

function create(req: ApiRequest, ctx: Ctx) {
  const t = typeOf(req, ctx);
  const body = bodyObject(req);
  const plan = planWrite(ctx.store, t, undefined, body.properties ?? {});
  const links = resolveInline(ctx.store, t, body.associations);
  const rec = commitWrite(ctx.store, plan);
  for (const l of links) associate(ctx.store, t, rec.id, l.to, l.toId, l.def);
  return json(201, presentWritten(rec, plan.written));
}

function get(req: ApiRequest, ctx: Ctx) {
  const t = typeOf(req, ctx);
  const id = req.params.objectId!;
  const rec = findRecord(ctx.store, t, id, req.query.get('idProperty') ?? undefined);
  if (!rec) throw objectNotFound(id);
  const obj = presentRead(t, rec, queryList(req, 'properties'));
  return json(200, withAssociations(ctx.store, t, rec.id, obj, queryList(req, 'associations') ?? []));
}

function update(req: ApiRequest, ctx: Ctx) {
  const t = typeOf(req, ctx);
  const id = req.params.objectId!;
  const props = bodyObject(req).properties;
  if (!isObject(props) || Object.keys(props).length === 0) throw validationError('No properties found to update, please provide at least one.');
  const rec = findRecord(ctx.store, t, id, req.query.get('idProperty') ?? undefined);
  if (!rec) throw objectNotFound(id);
  const plan = planWrite(ctx.store, t, rec, props);
  return json(200, presentWritten(commitWrite(ctx.store, plan), plan.written));
}

function archive(req: ApiRequest, ctx: Ctx) {
  const t = typeOf(req, ctx);
  const rec = findRecord(ctx.store, t, req.params.objectId!, req.query.get('idProperty') ?? undefined);
  if (rec) ctx.store.archiveRecord(rec);
  return noContent();
}

/** GET /crm/v3/objects/{type}: id-ordered pages; Segment's testAuthentication calls it with limit=1. */
function list(req: ApiRequest, ctx: Ctx) {
  const t = typeOf(req, ctx);
  const limit = Math.min(Math.max(Number(req.query.get('limit') ?? 10) || 10, 1), 100);
  const after = req.query.get('after');
  const all = [...ctx.store.recordsOf(t.objectTypeId).values()]
    .filter((r) => !r.archived && (!after || Number(r.id) > Number(after)))
    .sort((a, b) => Number(a.id) - Number(b.id));
  const page = all.slice(0, limit);
  const results = page.map((r) => presentRead(t, r, queryList(req, 'properties')));
  const last = page[page.length - 1];
  return json(200, all.length > limit && last ? { results, paging: { next: { after: last.id, link: `?after=${last.id}` } } } : { results });
}

export const crmObjectRoutes: Route[] = [
  { method: 'GET', pattern: '/crm/v3/objects/:objectType', limit: 'standard', scopes: readScopes, handler: list },
  { method: 'POST', pattern: '/crm/v3/objects/:objectType', limit: 'standard', scopes: writeScopes, handler: create },
  { method: 'GET', pattern: '/crm/v3/objects/:objectType/:objectId', limit: 'standard', scopes: readScopes, handler: get },
  { method: 'PATCH', pattern: '/crm/v3/objects/:objectType/:objectId', limit: 'standard', scopes: writeScopes, handler: update },
  { method: 'DELETE', pattern: '/crm/v3/objects/:objectType/:objectId', limit: 'standard', scopes: writeScopes, handler: archive },
];
