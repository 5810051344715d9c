import { paths, MAX_CRM_BATCH } from '../../hubspot/api.js';
import { performBatch, searchSettleMs, sleep } from './batch.js';
import { ANSWER_LOST } from '../../hubspot/transport.js';
import { flattenObject } from '../shared/flatten.js';
import { hubspotFailure, isOk } from '../shared/hubspot-answers.js';
import { hasFields, searchFailure, searchRequest, singleField, stableKey } from '../shared/search.js';
import { PayloadError, type ActionDefinition, type OpHandle, type PerformContext } from '../types.js';
import { fields } from './fields.js';
import { checkMapping } from './checks.js';
import { CUSTOM_SEARCH_FAILED, MULTIPLE_RECORDS, MULTIPLE_TO_ASSOCIATE, NOT_FOUND_NO_CREATE, SEARCH_TO_ASSOCIATE_FAILED } from './errors.js';

export interface CustomRecordPayload {
  createNewCustomRecord?: boolean;
  customObjectSearchFields?: Record<string, unknown>;
  objectType: string;
  properties: Record<string, unknown>;
  searchFieldsToAssociateCustomObjects?: Record<string, unknown>;
  toObjectType?: string;
  associationLabel?: string;
}

export interface CustomRecordOp {
  objectType: string;
  properties: Record<string, unknown>;
  createNew: boolean;
  searchFields?: Record<string, unknown>;
  target?: { objectType: string; searchFields: Record<string, unknown>; associationCategory: string; associationTypeId: number };
}

/** `CATEGORY:typeId`, e.g. HUBSPOT_DEFINED:279. */
function parseLabel(label: string): { associationCategory: string; associationTypeId: number } {
  const m = /^([A-Z_]+):(\d+)$/.exec(label.trim());
  if (!m) throw new PayloadError(`Association Label must look like CATEGORY:typeId (for example HUBSPOT_DEFINED:279), but it is "${label}".`, 'associationLabel');
  return { associationCategory: m[1]!, associationTypeId: Number(m[2]) };
}

export const upsertCustomObjectRecord: ActionDefinition<CustomRecordPayload, CustomRecordOp> = {
  name: 'upsertCustomObjectRecord',
  title: 'Upsert Custom Object Record',
  description: 'Upsert records of Deals, Tickets or other Custom Objects in HubSpot, optionally associated with another record.',
  fields,
  checkMapping,
  prepare(payload, ctx) {
    const searchFields = hasFields(payload.customObjectSearchFields) ? payload.customObjectSearchFields : undefined;
    const label = payload.associationLabel ? parseLabel(payload.associationLabel) : undefined;
    const assoc = payload.searchFieldsToAssociateCustomObjects;
    const target = payload.toObjectType && label && hasFields(assoc) ? { objectType: payload.toObjectType, searchFields: assoc, ...label } : undefined;
    return {
      data: {
        objectType: payload.objectType,
        properties: flattenObject(payload.properties) ?? {},
        createNew: payload.createNewCustomRecord !== false,
        searchFields,
        target,
      },
      // Records found by the same search values are one record: keep their updates in input order.
      key: searchFields ? `record:${payload.objectType}:${stableKey(searchFields)}` : undefined,
      ...lanePlan(ctx.mappingName, payload.objectType, searchFields, target),
    };
  },
  async perform(ops, ctx) {
    if (ops.length > 1 || batchable(ops[0]!.data.searchFields, ops[0]!.data.target)) return performBatch(ops, ctx);
    for (const op of ops) await performOne(op, ctx);
  },
};

const batchable = (searchFields: CustomRecordOp['searchFields'], target: CustomRecordOp['target']) =>
  !!singleField(searchFields) && (!target || !!singleField(target.searchFields));

/** Records looked up by one property share a lane per object type and property, 100 a request. */
function lanePlan(mapping: string, objectType: string, searchFields: CustomRecordOp['searchFields'], target: CustomRecordOp['target']) {
  const one = singleField(searchFields);
  if (!one || !batchable(searchFields, target)) return { batchSize: 1, lane: `upsertCustomObjectRecord:${mapping}` };
  return { batchSize: MAX_CRM_BATCH, lane: `upsertCustomObjectRecord:${mapping}:${objectType}:${one.name}` };
}

type Hit = { id?: string; total: number };
type Found = Hit | 'failed';

/**
 * HubSpot's search lags writes, so a record this run created or found is remembered by its search
 * values: the next event for it updates it instead of creating a duplicate.
 */
async function search(op: OpHandle<CustomRecordOp>, objectType: string, fieldsToMatch: Record<string, unknown>, ctx: PerformContext, onBadRequest: string, field: string, when?: string): Promise<Found> {
  const known = ctx.run.records.get(objectType, fieldsToMatch);
  if (known) return { id: known, total: 1 };
  const res = await ctx.send(searchRequest(objectType, fieldsToMatch, [], [], when), [op]);
  if (!isOk(res)) {
    ctx.fail(op, searchFailure(res, objectType, onBadRequest, field));
    return 'failed';
  }
  const total = Number(res.body?.total ?? 0);
  const id = total === 1 ? String(res.body.results[0].id) : undefined;
  if (id) ctx.run.records.set(objectType, fieldsToMatch, id);
  return { id, total };
}

/**
 * Creates the record, the way a record with no unique key must be: a create whose answer was lost
 * is checked with a search (after giving HubSpot time to index it) before being sent again, and
 * without search fields it cannot be checked, so the event fails saying so.
 */
async function createOne(op: OpHandle<CustomRecordOp>, body: Record<string, unknown>, ctx: PerformContext): Promise<string | undefined> {
  const { objectType, searchFields } = op.data;
  for (let attempt = 1; ; attempt++) {
    const res = await ctx.send(
      { method: 'POST', path: paths.objects(objectType), body, idempotent: false, when: searchFields ? 'the search found no record' : undefined },
      [op],
    );
    if (isOk(res)) return String(res.body?.id);
    if (res.status !== ANSWER_LOST || !searchFields || attempt >= 3) {
      ctx.fail(op, res.status === ANSWER_LOST && !searchFields
        ? { ...hubspotFailure(res), message: `${hubspotFailure(res).message}; with no search fields it cannot be checked, so look for the record in HubSpot before sending this event again` }
        : hubspotFailure(res));
      return undefined;
    }
    await sleep(searchSettleMs());
    const check = await ctx.send(searchRequest(objectType, searchFields, [], [], 'a create lost its answer'), [op]);
    if (isOk(check) && Number(check.body?.total) >= 1) return String(check.body.results[0].id);
  }
}

/** Segment's order: search the record, search the target, then create (association inline) or update and associate. */
async function performOne(op: OpHandle<CustomRecordOp>, ctx: PerformContext): Promise<void> {
  const { objectType, properties, searchFields, target } = op.data;
  let found: Hit = { total: 0 };
  if (searchFields) {
    const r = await search(op, objectType, searchFields, ctx, CUSTOM_SEARCH_FAILED, 'customObjectSearchFields');
    if (r === 'failed') return;
    found = r;
  }
  let to: Hit | undefined;
  if (target) {
    const r = await search(op, target.objectType, target.searchFields, ctx, SEARCH_TO_ASSOCIATE_FAILED, 'searchFieldsToAssociateCustomObjects');
    if (r === 'failed') return;
    to = r;
  }
  const types = target ? [{ associationCategory: target.associationCategory, associationTypeId: target.associationTypeId }] : [];

  if (found.total === 0) {
    if (!op.data.createNew) return ctx.skip(op, NOT_FOUND_NO_CREATE);
    const associations = to?.id ? [{ to: { id: to.id }, types }] : [];
    const created = await createOne(op, { properties, associations }, ctx);
    if (!created) return;
    op.recordId = created;
    if (searchFields) ctx.run.records.set(objectType, searchFields, op.recordId);
  } else if (found.total > 1) {
    return ctx.fail(op, { kind: 'hubspot', status: 400, message: MULTIPLE_RECORDS, field: 'customObjectSearchFields' });
  } else {
    const res = await ctx.send({ method: 'PATCH', path: paths.object(objectType, found.id!), body: { properties }, when: 'the search found this record' }, [op]);
    if (!isOk(res)) return ctx.fail(op, hubspotFailure(res));
    op.recordId = found.id;
    if (to?.id && target) {
      const assoc = await ctx.send(
        { method: 'PUT', path: paths.associationLabelled(objectType, found.id!, target.objectType, to.id), body: types, when: 'both searches found one record' },
        [op],
      );
      if (!isOk(assoc)) return ctx.fail(op, hubspotFailure(assoc, 'associating the record'));
    }
  }
  if (to && to.total > 1) return ctx.fail(op, { kind: 'hubspot', status: 400, message: MULTIPLE_TO_ASSOCIATE, field: 'searchFieldsToAssociateCustomObjects' });
  ctx.deliver(op);
}
