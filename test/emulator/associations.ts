import {
  associate, associationsFrom, defaultType, defineAssociationType, dissociate, ensureDefault, noRecord, typeById, typesBetween,
} from './associations-core.js';
import type { AssociationTypeDef } from './association-types.js';
import { batchInputs } from './batch.js';
import type { Ctx } from './context.js';
import { presentWritten } from './records.js';
import { HubSpotError, validationError } from './errors.js';
import { bodyObject, isObject, json, noContent, type ApiRequest } from './http.js';
import { objectScopes, type ObjectTypeDef } from './object-types.js';
import type { LimitClass } from './rate-limit.js';
import type { Route } from './router.js';

const spec = (d: AssociationTypeDef) => ({ associationCategory: d.category, associationTypeId: d.typeId });
const labelOf = (d: AssociationTypeDef) => ({ category: d.category, typeId: d.typeId, label: d.label });

function sides(req: ApiRequest, ctx: Ctx): { from: ObjectTypeDef; to: ObjectTypeDef } {
  return { from: ctx.store.type(req.params.fromType!), to: ctx.store.type(req.params.toType!) };
}

/** Associations need the object scopes of both record types. */
const scopesFor = (access: 'read' | 'write') => (req: ApiRequest, ctx: Ctx) => {
  const { from, to } = sides(req, ctx);
  return [objectScopes(from, access), objectScopes(to, access)];
};

function live(ctx: Ctx, t: ObjectTypeDef, id: string) {
  const rec = ctx.store.liveRecord(t.objectTypeId, id);
  if (!rec) throw noRecord(t, id);
  return rec;
}

function putDefault(req: ApiRequest, ctx: Ctx) {
  const startedAt = new Date().toISOString();
  const { from, to } = sides(req, ctx);
  const { fromId, toId } = req.params as { fromId: string; toId: string };
  live(ctx, from, fromId);
  live(ctx, to, toId);
  const def = defaultType(ctx.store, from, to);
  associate(ctx.store, from, fromId, to, toId, def);
  const inverse = typesBetween(ctx.store, to.objectTypeId, from.objectTypeId).find((d) => d.typeId === def.inverseTypeId)!;
  return json(200, {
    status: 'COMPLETE',
    results: [
      { from: { id: fromId }, to: { id: toId }, associationSpec: spec(def) },
      { from: { id: toId }, to: { id: fromId }, associationSpec: spec(inverse) },
    ],
    startedAt,
    completedAt: new Date().toISOString(),
  });
}

function pairLabels(ctx: Ctx, from: ObjectTypeDef, fromId: string, to: ObjectTypeDef, toId: string) {
  const defs = associationsFrom(ctx.store, from.objectTypeId, fromId, to.objectTypeId).get(toId) ?? [];
  return {
    fromObjectTypeId: from.objectTypeId,
    fromObjectId: Number(fromId),
    toObjectTypeId: to.objectTypeId,
    toObjectId: Number(toId),
    labels: defs.map((d) => d.label).filter((l): l is string => l !== null),
  };
}

function typesFromBody(ctx: Ctx, from: ObjectTypeDef, to: ObjectTypeDef, raw: unknown): AssociationTypeDef[] {
  if (!Array.isArray(raw) || raw.length === 0) throw validationError('Invalid input JSON: expected a non-empty array of {associationCategory, associationTypeId}');
  return raw.map((s) => (isObject(s) ? typeById(ctx.store, from, to, s.associationCategory, s.associationTypeId) : typeById(ctx.store, from, to, undefined, undefined)));
}

function putLabelled(req: ApiRequest, ctx: Ctx) {
  const { from, to } = sides(req, ctx);
  const { fromId, toId } = req.params as { fromId: string; toId: string };
  live(ctx, from, fromId);
  live(ctx, to, toId);
  for (const def of typesFromBody(ctx, from, to, req.body)) associate(ctx.store, from, fromId, to, toId, def);
  return json(201, pairLabels(ctx, from, fromId, to, toId));
}

function listForRecord(req: ApiRequest, ctx: Ctx) {
  const { from, to } = sides(req, ctx);
  live(ctx, from, req.params.fromId!);
  const limit = Math.min(Number(req.query.get('limit') ?? 500) || 500, 500);
  const after = Number(req.query.get('after') ?? 0) || 0;
  const all = [...associationsFrom(ctx.store, from.objectTypeId, req.params.fromId!, to.objectTypeId)]
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([toId, defs]) => ({ toObjectId: Number(toId), associationTypes: defs.map(labelOf) }));
  const page = all.slice(after, after + limit);
  return json(200, after + limit < all.length ? { results: page, paging: { next: { after: String(after + limit) } } } : { results: page });
}

function removePair(req: ApiRequest, ctx: Ctx) {
  const { from, to } = sides(req, ctx);
  dissociate(ctx.store, from.objectTypeId, req.params.fromId!, to.objectTypeId, req.params.toId!);
  return noContent();
}

/** The v3 PUT Segment's Upsert Company uses; the type is a v3 name (company_to_contact) or a type id. */
function putV3(req: ApiRequest, ctx: Ctx) {
  const { from, to } = sides(req, ctx);
  const { fromId, toId, associationType } = req.params as { fromId: string; toId: string; associationType: string };
  const fromRec = live(ctx, from, fromId);
  live(ctx, to, toId);
  const def = typesBetween(ctx.store, from.objectTypeId, to.objectTypeId).find((d) => d.name === associationType || String(d.typeId) === associationType);
  if (!def) throw validationError(`${associationType} is not a valid association type between ${from.name} and ${to.name}`);
  associate(ctx.store, from, fromId, to, toId, def);
  const results = [...associationsFrom(ctx.store, from.objectTypeId, fromId, to.objectTypeId)].flatMap(([id, defs]) => defs.map((d) => ({ id, type: d.name })));
  return json(200, { ...presentWritten(fromRec, []), associations: { [to.name]: { results } } });
}

const endpointId = (v: unknown) => (isObject(v) ? String(v.id ?? '') : '');

/** Runs each batch input; a missing record or bad type becomes a per-input error (207), as v4 batches do. */
function eachInput(req: ApiRequest, max: number, fn: (input: Record<string, unknown>) => unknown[]): { results: unknown[]; errors: unknown[] } {
  const results: unknown[] = [];
  const errors: unknown[] = [];
  for (const input of batchInputs(req, max)) {
    try {
      results.push(...fn(input));
    } catch (e) {
      if (!(e instanceof HubSpotError)) throw e;
      const { status: _s, correlationId: _c, ...rest } = e.body;
      errors.push({ status: 'error', ...rest, errors: [], links: {} });
    }
  }
  return { results, errors };
}

function batchBody(results: unknown[], errors: unknown[], startedAt: string) {
  return { status: 'COMPLETE', results, ...(errors.length ? { numErrors: errors.length, errors } : {}), startedAt, completedAt: new Date().toISOString() };
}

function batchAssociateDefault(req: ApiRequest, ctx: Ctx) {
  const startedAt = new Date().toISOString();
  const { from, to } = sides(req, ctx);
  const def = defaultType(ctx.store, from, to);
  const { results, errors } = eachInput(req, 1000, (input) => {
    const fromId = endpointId(input.from);
    const toId = endpointId(input.to);
    live(ctx, from, fromId);
    live(ctx, to, toId);
    associate(ctx.store, from, fromId, to, toId, def);
    return [{ from: { id: fromId }, to: { id: toId }, associationSpec: spec(def) }];
  });
  return json(errors.length ? 207 : 200, batchBody(results, errors, startedAt));
}

function batchCreate(req: ApiRequest, ctx: Ctx) {
  const startedAt = new Date().toISOString();
  const { from, to } = sides(req, ctx);
  const { results, errors } = eachInput(req, 1000, (input) => {
    const fromId = endpointId(input.from);
    const toId = endpointId(input.to);
    live(ctx, from, fromId);
    live(ctx, to, toId);
    for (const def of typesFromBody(ctx, from, to, input.types)) associate(ctx.store, from, fromId, to, toId, def);
    return [pairLabels(ctx, from, fromId, to, toId)];
  });
  return json(errors.length ? 207 : 201, batchBody(results, errors, startedAt));
}

function batchRead(req: ApiRequest, ctx: Ctx) {
  const startedAt = new Date().toISOString();
  const { from, to } = sides(req, ctx);
  const { results, errors } = eachInput(req, 1000, (input) => {
    const id = String(input.id ?? '');
    live(ctx, from, id);
    const found = [...associationsFrom(ctx.store, from.objectTypeId, id, to.objectTypeId)];
    return found.length ? [{ from: { id }, to: found.map(([toId, defs]) => ({ toObjectId: Number(toId), associationTypes: defs.map(labelOf) })) }] : [];
  });
  return json(errors.length ? 207 : 200, batchBody(results, errors, startedAt));
}

function batchArchive(req: ApiRequest, ctx: Ctx) {
  const { from, to } = sides(req, ctx);
  for (const input of batchInputs(req, 1000)) {
    const targets = Array.isArray(input.to) ? input.to : [input.to];
    for (const t of targets) dissociate(ctx.store, from.objectTypeId, endpointId(input.from), to.objectTypeId, endpointId(t));
  }
  return noContent();
}

function batchArchiveLabels(req: ApiRequest, ctx: Ctx) {
  const { from, to } = sides(req, ctx);
  for (const input of batchInputs(req, 1000)) {
    const typeIds = typesFromBody(ctx, from, to, input.types).map((d) => d.typeId);
    dissociate(ctx.store, from.objectTypeId, endpointId(input.from), to.objectTypeId, endpointId(input.to), typeIds);
  }
  return noContent();
}

function listLabels(req: ApiRequest, ctx: Ctx) {
  const { from, to } = sides(req, ctx);
  return json(200, { results: typesBetween(ctx.store, from.objectTypeId, to.objectTypeId).map(labelOf) });
}

function createLabel(req: ApiRequest, ctx: Ctx) {
  const { from, to } = sides(req, ctx);
  const body = bodyObject(req);
  if (typeof body.label !== 'string' || typeof body.name !== 'string') throw validationError('Invalid input JSON: "label" and "name" are required');
  ensureDefault(ctx.store, from.objectTypeId, to.objectTypeId);
  const inverse = typeof body.inverseLabel === 'string' ? body.inverseLabel : undefined;
  const def = defineAssociationType(ctx.store, from.objectTypeId, to.objectTypeId, body.label, body.name, inverse);
  const back = typesBetween(ctx.store, to.objectTypeId, from.objectTypeId).find((d) => d.typeId === def.inverseTypeId);
  return json(200, { results: [def, ...(back && back !== def ? [back] : [])].map(labelOf) });
}

const v4Object = '/crm/v4/objects/:fromType/:fromId/associations';
const v4Pair = '/crm/v4/associations/:fromType/:toType';
const r = (method: string, pattern: string, access: 'read' | 'write', handler: Route['handler'], limit: LimitClass = 'standard'): Route => ({
  method, pattern, limit, scopes: scopesFor(access), handler,
});

export const associationRoutes: Route[] = [
  r('PUT', `${v4Object}/default/:toType/:toId`, 'write', putDefault),
  r('PUT', `${v4Object}/:toType/:toId`, 'write', putLabelled),
  r('DELETE', `${v4Object}/:toType/:toId`, 'write', removePair),
  r('GET', `${v4Object}/:toType`, 'read', listForRecord),
  // The specs exempt v4 batch association calls from the ten-secondly limit.
  r('POST', `${v4Pair}/batch/associate/default`, 'write', batchAssociateDefault, 'exempt'),
  r('POST', `${v4Pair}/batch/create`, 'write', batchCreate, 'exempt'),
  r('POST', `${v4Pair}/batch/read`, 'read', batchRead, 'exempt'),
  r('POST', `${v4Pair}/batch/archive`, 'write', batchArchive, 'exempt'),
  r('POST', `${v4Pair}/batch/labels/archive`, 'write', batchArchiveLabels, 'exempt'),
  r('GET', `${v4Pair}/labels`, 'read', listLabels),
  r('POST', `${v4Pair}/labels`, 'write', createLabel),
  r('PUT', '/crm/v3/objects/:fromType/:fromId/associations/:toType/:toId/:associationType', 'write', putV3),
];
