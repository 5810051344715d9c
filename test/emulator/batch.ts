import { associate, resolveInline } from './associations-core.js';
import type { Ctx } from './context.js';
import { readScopes, typeOf, writeScopes } from './crm-objects.js';
import { apiError, HubSpotError, validationError } from './errors.js';
import { bodyObject, isObject, json, noContent, stringList, type ApiRequest } from './http.js';
import type { ObjectTypeDef } from './object-types.js';
import { shuffled } from './prng.js';
import { assertUniqueIdProperty, commitWrite, findRecord, planWrite, presentRead, presentWritten, type Claims, type PublicObject, type WritePlan } from './records.js';
import type { Route } from './router.js';

const MAX_INPUTS = 100;
const MAX_HISTORY_INPUTS = 50;

type Input = Record<string, unknown>;

export function batchInputs(req: ApiRequest, max = MAX_INPUTS): Input[] {
  const inputs = bodyObject(req).inputs;
  if (!Array.isArray(inputs)) throw validationError('Invalid input JSON: "inputs" is required and must be an array');
  if (inputs.length > max) throw validationError(`The maximum number of inputs supported in a batch is ${max}. Please reduce the number of items and try again`);
  return inputs.map((i) => (isObject(i) ? i : {}));
}

/** Partial success is only allowed when every input carries an objectWriteTraceId (HubSpot "multi-status"). */
const traceIdOf = (i: Input) => (typeof i.objectWriteTraceId === 'string' && i.objectWriteTraceId !== '' ? i.objectWriteTraceId : undefined);

function perRecordError(e: HubSpotError, traceId: string): Record<string, unknown> {
  const { category, message, context, errors, subCategory } = e.body as Record<string, unknown>;
  return {
    status: 'error',
    category,
    ...(subCategory ? { subCategory } : {}),
    message,
    context: { ...(isObject(context) ? context : {}), objectWriteTraceId: [traceId] },
    errors: Array.isArray(errors) ? errors : [],
    links: {},
  };
}

function assertUniqueIds(inputs: Input[], caseless: (i: Input) => boolean): void {
  const seen = new Set<string>();
  const dups = new Set<string>();
  for (const i of inputs) {
    const raw = String(i.id ?? '');
    const key = caseless(i) ? raw.toLowerCase() : raw;
    if (seen.has(key)) dups.add(raw);
    seen.add(key);
  }
  if (dups.size) {
    const ids = [...dups];
    throw validationError(`Duplicate IDs found in batch input: [${ids.join(', ')}]. IDs must be unique`, { context: { ids } });
  }
}

function envelope(ctx: Ctx, results: unknown[], errors: unknown[], startedAt: string): Record<string, unknown> {
  const ordered = ctx.config.shuffleBatchResults ? shuffled(results, ctx.shuffleRng) : results;
  return {
    status: 'COMPLETE',
    results: ordered,
    ...(errors.length ? { numErrors: errors.length, errors } : {}),
    startedAt,
    completedAt: new Date().toISOString(),
  };
}

const notFoundMessage = (t: ObjectTypeDef) => `Could not get some ${t.upperName} objects, they may be deleted or not exist. Check that ids are valid.`;

/**
 * Runs `plan` for every input first and writes only when all passed, unless every input has an
 * objectWriteTraceId: then failures become per-record errors and the rest is written.
 */
function planAll<P>(inputs: Input[], plan: (i: Input, n: number) => P): { planned: Array<{ input: Input; p: P }>; errors: unknown[] } {
  const traced = inputs.length > 0 && inputs.every((i) => traceIdOf(i) !== undefined);
  const planned: Array<{ input: Input; p: P }> = [];
  const errors: unknown[] = [];
  inputs.forEach((input, n) => {
    try {
      planned.push({ input, p: plan(input, n) });
    } catch (e) {
      if (!traced || !(e instanceof HubSpotError)) throw e;
      errors.push(perRecordError(e, traceIdOf(input)!));
    }
  });
  return { planned, errors };
}

const withTrace = (obj: PublicObject, input: Input): PublicObject => (traceIdOf(input) ? { ...obj, objectWriteTraceId: traceIdOf(input) } : obj);

function batchCreate(req: ApiRequest, ctx: Ctx) {
  const startedAt = new Date().toISOString();
  const t = typeOf(req, ctx);
  const claims: Claims = new Map();
  const { planned, errors } = planAll(batchInputs(req), (input, n) => ({
    plan: planWrite(ctx.store, t, undefined, input.properties ?? {}, claims, `new#${n}`),
    links: resolveInline(ctx.store, t, input.associations),
  }));
  const results = planned.map(({ input, p }) => {
    const rec = commitWrite(ctx.store, p.plan);
    for (const l of p.links) associate(ctx.store, t, rec.id, l.to, l.toId, l.def);
    return withTrace(presentWritten(rec, p.plan.written), input);
  });
  return json(errors.length ? 207 : 201, envelope(ctx, results, errors, startedAt));
}

/** Update and upsert name existing records, so their inputs must not repeat an id. */
function keyedBatch(req: ApiRequest, ctx: Ctx) {
  const startedAt = new Date().toISOString();
  const t = typeOf(req, ctx);
  const inputs = batchInputs(req);
  assertUniqueIds(inputs, (i) => typeof i.idProperty === 'string');
  return { startedAt, t, inputs, claims: new Map() as Claims };
}

function batchUpdate(req: ApiRequest, ctx: Ctx) {
  const { startedAt, t, inputs, claims } = keyedBatch(req, ctx);
  const { planned, errors } = planAll(inputs, (input) => {
    const id = String(input.id ?? '');
    const rec = findRecord(ctx.store, t, id, typeof input.idProperty === 'string' ? input.idProperty : undefined);
    if (!rec) throw apiError(404, 'OBJECT_NOT_FOUND', notFoundMessage(t), { context: { ids: [id] } });
    return planWrite(ctx.store, t, rec, input.properties ?? {}, claims, rec.id);
  });
  const results = planned.map(({ input, p }) => withTrace(presentWritten(commitWrite(ctx.store, p), p.written), input));
  return json(errors.length ? 207 : 200, envelope(ctx, results, errors, startedAt));
}

function batchUpsert(req: ApiRequest, ctx: Ctx) {
  const { startedAt, t, inputs, claims } = keyedBatch(req, ctx);
  const { planned, errors } = planAll(inputs, (input, n): { plan: WritePlan; isNew: boolean } => {
    const id = String(input.id ?? '');
    const idProperty = typeof input.idProperty === 'string' ? input.idProperty : undefined;
    if (idProperty !== undefined) assertUniqueIdProperty(ctx.store, t, idProperty);
    const rec = findRecord(ctx.store, t, id, idProperty);
    const props = isObject(input.properties) ? input.properties : {};
    if (rec) return { plan: planWrite(ctx.store, t, rec, props, claims, rec.id), isNew: false };
    if (!idProperty) throw apiError(404, 'OBJECT_NOT_FOUND', notFoundMessage(t), { context: { ids: [id] } });
    return { plan: planWrite(ctx.store, t, undefined, { [idProperty]: id, ...props }, claims, `new#${n}`), isNew: true };
  });
  const results = planned.map(({ input, p }) => withTrace({ ...presentWritten(commitWrite(ctx.store, p.plan), p.plan.written), new: p.isNew }, input));
  return json(errors.length ? 207 : 200, envelope(ctx, results, errors, startedAt));
}

function batchRead(req: ApiRequest, ctx: Ctx) {
  const startedAt = new Date().toISOString();
  const t = typeOf(req, ctx);
  const body = bodyObject(req);
  const history = stringList(body.propertiesWithHistory) ?? [];
  const inputs = batchInputs(req);
  if (history.length && inputs.length > MAX_HISTORY_INPUTS) {
    throw validationError(`The maximum number of inputs supported in a batch request for property histories is ${MAX_HISTORY_INPUTS}. Please reduce the number of items and try again`);
  }
  const idProperty = typeof body.idProperty === 'string' ? body.idProperty : undefined;
  const requested = stringList(body.properties);
  const found = new Map<string, PublicObject>();
  const missing: string[] = [];
  for (const input of inputs) {
    const id = String(input.id ?? '');
    const rec = findRecord(ctx.store, t, id, idProperty);
    if (rec) found.set(rec.id, presentRead(t, rec, requested));
    else if (!missing.includes(id)) missing.push(id);
  }
  const errors = missing.length
    ? [{ status: 'error', category: 'OBJECT_NOT_FOUND', message: notFoundMessage(t), context: { ids: missing }, errors: [], links: {} }]
    : [];
  return json(errors.length ? 207 : 200, envelope(ctx, [...found.values()], errors, startedAt));
}

function batchArchive(req: ApiRequest, ctx: Ctx) {
  const t = typeOf(req, ctx);
  for (const input of batchInputs(req)) {
    const rec = ctx.store.liveRecord(t.objectTypeId, String(input.id ?? ''));
    if (rec) ctx.store.archiveRecord(rec);
  }
  return noContent();
}

const batchRoute = (op: string, scopes: Route['scopes'], handler: Route['handler']): Route => ({
  method: 'POST', pattern: `/crm/v3/objects/:objectType/batch/${op}`, limit: 'standard', scopes, handler,
});

export const batchRoutes: Route[] = [
  batchRoute('read', readScopes, batchRead),
  batchRoute('create', writeScopes, batchCreate),
  batchRoute('update', writeScopes, batchUpdate),
  batchRoute('upsert', writeScopes, batchUpsert),
  batchRoute('archive', writeScopes, batchArchive),
];
