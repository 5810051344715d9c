import { batchInputs } from './batch.js';
import type { Ctx } from './context.js';
import { typeOf } from './crm-objects.js';
import { apiError, HubSpotError, validationError } from './errors.js';
import { bodyObject, isObject, json, noContent, type ApiRequest } from './http.js';
import { schemaScopes, type ObjectTypeDef } from './object-types.js';
import { propertyFrom, type PropertyDef } from './property-defs.js';
import type { Route } from './router.js';
import type { Store } from './store.js';

const MAX_UNIQUE = 10;

const propReadScopes = (req: ApiRequest, ctx: Ctx) => schemaScopes(typeOf(req, ctx), 'read');
const propWriteScopes = (req: ApiRequest, ctx: Ctx) => schemaScopes(typeOf(req, ctx), 'write');

const alreadyExists = (name: string) =>
  apiError(409, 'OBJECT_ALREADY_EXISTS', `A property named '${name}' already exists.`, { subCategory: 'Properties.PROPERTY_WITH_NAME_EXISTS' });

const propertyNotFound = (t: ObjectTypeDef, name: string) =>
  apiError(404, 'OBJECT_NOT_FOUND', `Unable to find property with name '${name}' for object type ${t.objectTypeId}`, { context: { name: [name] } });

/** Creates a property after HubSpot's checks; shared by the API, batch create, schemas and /__emulator/seed. */
export function createProperty(store: Store, t: ObjectTypeDef, input: Record<string, unknown>): PropertyDef {
  const props = store.propertiesOf(t.objectTypeId);
  const def = propertyFrom(input, new Date().toISOString());
  if (props.get(def.name)?.archived === false) throw alreadyExists(def.name);
  const groups = store.groups.get(t.objectTypeId)!;
  if (!groups.has(def.groupName)) throw validationError(`Property group ${def.groupName} does not exist for object type ${t.objectTypeId}`);
  if (def.hasUniqueValue && [...props.values()].filter((p) => p.hasUniqueValue && !p.archived).length >= MAX_UNIQUE) {
    throw validationError(`Object type ${t.objectTypeId} already has the maximum of ${MAX_UNIQUE} unique value properties`);
  }
  props.set(def.name, def);
  if (def.hasUniqueValue) store.reindex(t.objectTypeId);
  return def;
}

function list(req: ApiRequest, ctx: Ctx) {
  const t = typeOf(req, ctx);
  // No property is marked sensitive here; Segment asks for them separately and expects an empty list.
  if (req.query.get('dataSensitivity') === 'sensitive') return json(200, { results: [] });
  const archived = req.query.get('archived') === 'true';
  return json(200, { results: [...ctx.store.propertiesOf(t.objectTypeId).values()].filter((p) => p.archived === archived) });
}

function getOne(req: ApiRequest, ctx: Ctx) {
  const t = typeOf(req, ctx);
  const def = ctx.store.propertiesOf(t.objectTypeId).get(req.params.propertyName!);
  if (!def || def.archived) throw propertyNotFound(t, req.params.propertyName!);
  return json(200, def);
}

function create(req: ApiRequest, ctx: Ctx) {
  return json(201, createProperty(ctx.store, typeOf(req, ctx), bodyObject(req)));
}

function update(req: ApiRequest, ctx: Ctx) {
  const t = typeOf(req, ctx);
  const def = ctx.store.propertiesOf(t.objectTypeId).get(req.params.propertyName!);
  if (!def || def.archived) throw propertyNotFound(t, req.params.propertyName!);
  const body = bodyObject(req);
  for (const k of ['label', 'description', 'groupName', 'fieldType'] as const) if (typeof body[k] === 'string') def[k] = body[k];
  if (typeof body.hidden === 'boolean') def.hidden = body.hidden;
  if (typeof body.formField === 'boolean') def.formField = body.formField;
  if (typeof body.displayOrder === 'number') def.displayOrder = body.displayOrder;
  if (Array.isArray(body.options)) def.options = propertyFrom({ ...def, options: body.options }, def.createdAt).options;
  def.updatedAt = new Date().toISOString();
  return json(200, def);
}

function archive(req: ApiRequest, ctx: Ctx) {
  const t = typeOf(req, ctx);
  const def = ctx.store.propertiesOf(t.objectTypeId).get(req.params.propertyName!);
  if (def?.hubspotDefined) throw validationError(`Property ${def.name} is HubSpot-defined and cannot be archived`);
  if (def) def.archived = true;
  return noContent();
}

function batchCreate(req: ApiRequest, ctx: Ctx) {
  const startedAt = new Date().toISOString();
  const t = typeOf(req, ctx);
  const results: PropertyDef[] = [];
  const errors: unknown[] = [];
  for (const input of batchInputs(req)) {
    try {
      results.push(createProperty(ctx.store, t, input));
    } catch (e) {
      if (!(e instanceof HubSpotError)) throw e;
      const { status: _s, correlationId: _c, ...rest } = e.body;
      errors.push({ status: 'error', ...rest, context: { ...(isObject(rest.context) ? rest.context : {}), name: [String(input.name)] }, errors: [], links: {} });
    }
  }
  const body = { status: 'COMPLETE', results, ...(errors.length ? { numErrors: errors.length, errors } : {}), startedAt, completedAt: new Date().toISOString() };
  return json(errors.length ? 207 : 201, body);
}

function batchRead(req: ApiRequest, ctx: Ctx) {
  const t = typeOf(req, ctx);
  const props = ctx.store.propertiesOf(t.objectTypeId);
  const results = batchInputs(req).map((i) => props.get(String(i.name))).filter((p): p is PropertyDef => !!p && !p.archived);
  return json(200, { status: 'COMPLETE', results, startedAt: new Date().toISOString(), completedAt: new Date().toISOString() });
}

function listGroups(req: ApiRequest, ctx: Ctx) {
  return json(200, { results: [...ctx.store.groups.get(typeOf(req, ctx).objectTypeId)!.values()] });
}

function createGroup(req: ApiRequest, ctx: Ctx) {
  const t = typeOf(req, ctx);
  const body = bodyObject(req);
  if (typeof body.name !== 'string' || typeof body.label !== 'string') throw validationError('Invalid input JSON: "name" and "label" are required');
  const groups = ctx.store.groups.get(t.objectTypeId)!;
  if (groups.has(body.name)) throw apiError(409, 'OBJECT_ALREADY_EXISTS', `A property group named '${body.name}' already exists.`);
  const group = { name: body.name, label: body.label, displayOrder: typeof body.displayOrder === 'number' ? body.displayOrder : -1, archived: false };
  groups.set(group.name, group);
  return json(201, group);
}

function getGroup(req: ApiRequest, ctx: Ctx) {
  const t = typeOf(req, ctx);
  const g = ctx.store.groups.get(t.objectTypeId)!.get(req.params.groupName!);
  if (!g) throw apiError(404, 'OBJECT_NOT_FOUND', `Unable to find property group '${req.params.groupName}' for object type ${t.objectTypeId}`);
  return json(200, g);
}

const base = '/crm/v3/properties/:objectType';
const r = (method: string, path: string, write: boolean, handler: Route['handler']): Route => ({
  method, pattern: `${base}${path}`, limit: 'standard', scopes: write ? propWriteScopes : propReadScopes, handler,
});

export const propertyRoutes: Route[] = [
  r('GET', '', false, list),
  r('POST', '', true, create),
  r('POST', '/batch/create', true, batchCreate),
  r('POST', '/batch/read', false, batchRead),
  r('GET', '/groups', false, listGroups),
  r('POST', '/groups', true, createGroup),
  r('GET', '/groups/:groupName', false, getGroup),
  r('GET', '/:propertyName', false, getOne),
  r('PATCH', '/:propertyName', true, update),
  r('DELETE', '/:propertyName', true, archive),
];
