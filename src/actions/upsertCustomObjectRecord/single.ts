import type { FailureDetail, OpHandle, OpOutcome } from '../../model.js';
import { IF_LOOKUP_FINDS, standInTarget, whenBothFound } from '../shared/associations.js';
import { hubspotFailure, isOk } from '../shared/hubspot-answers.js';
import { createOnce, outcomeUnknown, type Created, type Found } from '../shared/lost-answer.js';
import { byEmailOnly, findContactsByEmail } from '../shared/contacts-by-email.js';
import { searchAny, searchFailure, searchRequest } from '../shared/search.js';
import type { PerformContext } from '../types.js';
import { CUSTOM_SEARCH_FAILED, MULTIPLE_RECORDS, MULTIPLE_TO_ASSOCIATE, NOT_FOUND_NO_CREATE, SEARCH_TO_ASSOCIATE_FAILED } from './messages.js';
import type { CustomRecordOp } from './types.js';

type Op = OpHandle<CustomRecordOp>;
type Hit = { id?: string; total: number };

const failed = (error: FailureDetail): OpOutcome => ({ kind: 'failed', error });

/**
 * Segment's search, seen through what this run wrote (HubSpot's search lags writes); a contact
 * found by email alone is read by email, which does not lag.
 */
async function search(op: Op, objectType: string, fieldsToMatch: Record<string, unknown>, ctx: PerformContext, onBadRequest: string, field: string): Promise<Hit | FailureDetail> {
  if (byEmailOnly(objectType, fieldsToMatch)) {
    const email = String(fieldsToMatch.email).trim().toLowerCase();
    const r = (await findContactsByEmail(ctx, [email], [op], 'the record is associated with a contact by email')).get(email)!;
    return Array.isArray(r) ? { id: r[0], total: r.length } : r;
  }
  const r = await searchAny(ctx, op, { objectType, fields: fieldsToMatch, properties: [], sorts: [], onBadRequest, field });
  if (!r.ok) return r.failure;
  return { id: r.total === 1 ? r.ids[0] : undefined, total: r.total };
}

const isFailure = (r: Hit | FailureDetail): r is FailureDetail => 'message' in r;

/**
 * Creates the record, the way a record with no unique key must be: a create whose outcome is
 * unknown is looked up with the search before being sent again (createOnce); without search fields
 * it cannot be looked up, so the event fails saying so.
 */
async function createOne(op: Op, body: Record<string, unknown>, ctx: PerformContext, alsoWhen?: string): Promise<string | FailureDetail> {
  const { objectType, searchFields } = op.data;
  const when = [searchFields && 'the search found no record', alsoWhen].filter(Boolean).join('; ') || undefined;
  const create = async (): Promise<Map<Op, Created>> => {
    const res = await ctx.send(
      { method: 'POST', path: ctx.paths.objects(objectType), body, idempotent: false, when },
      [op],
    );
    if (isOk(res)) return new Map([[op, { id: String(res.body?.id) }]]);
    const failure = hubspotFailure(res);
    if (!searchFields && outcomeUnknown(res.status)) {
      return new Map([[op, { failure: { ...failure, message: `${failure.message}; with no search fields it cannot be checked, so look for the record in HubSpot before sending this event again` } }]]);
    }
    return new Map([[op, { failure }]]);
  };
  const lookUp = async (): Promise<Map<Op, Found>> => {
    const check = await ctx.send(searchRequest(ctx.paths, objectType, searchFields!, [], [], 'a create lost its answer'), [op]);
    if (!isOk(check)) return new Map([[op, { failure: searchFailure(check, objectType, CUSTOM_SEARCH_FAILED, 'customObjectSearchFields') }]]);
    return new Map([[op, Number(check.body?.total) >= 1 ? { id: String(check.body.results[0].id) } : { missing: true }]]);
  };
  const r = (await createOnce([op], create, searchFields ? lookUp : undefined, ctx.searchSettleMs)).get(op)!;
  return 'id' in r ? r.id : r.failure;
}

/** Segment's order: search the record, search the target, then create (association inline) or update and associate. */
export async function performOne(op: Op, ctx: PerformContext): Promise<OpOutcome> {
  const { objectType, searchFields, target } = op.data;
  let found: Hit = { total: 0 };
  if (searchFields) {
    const r = await search(op, objectType, searchFields, ctx, CUSTOM_SEARCH_FAILED, 'customObjectSearchFields');
    if (isFailure(r)) return failed(r);
    found = r;
  }
  let to: Hit | undefined;
  if (target) {
    const r = await search(op, target.objectType, target.searchFields, ctx, SEARCH_TO_ASSOCIATE_FAILED, 'searchFieldsToAssociateCustomObjects');
    if (isFailure(r)) return failed(r);
    to = r;
  }
  if (found.total > 1) return failed({ kind: 'hubspot', status: 400, message: MULTIPLE_RECORDS, field: 'customObjectSearchFields' });
  if (found.total === 0 && !op.data.createNew) return { kind: 'skipped', reason: NOT_FOUND_NO_CREATE };
  const written = found.total === 0 ? await create(op, to, ctx) : await update(op, found.id!, to, ctx);
  if (written) return failed(written);
  if (to && to.total > 1) return failed({ kind: 'hubspot', status: 400, message: MULTIPLE_TO_ASSOCIATE, field: 'searchFieldsToAssociateCustomObjects' });
  return { kind: 'delivered' };
}

const typesOf = (op: Op) => (op.data.target ? [{ associationCategory: op.data.target.associationCategory, associationTypeId: op.data.target.associationTypeId }] : []);

const unknownTarget = (op: Op, to: Hit | undefined, ctx: PerformContext) => standInTarget(ctx, op.data.target, to?.total);

/** Creates the record with its association inline; gives the failure, if any. */
async function create(op: Op, to: Hit | undefined, ctx: PerformContext): Promise<FailureDetail | undefined> {
  const guessed = unknownTarget(op, to, ctx);
  const toId = to?.id ?? guessed;
  const associations = toId ? [{ to: { id: toId }, types: typesOf(op) }] : [];
  const created = await createOne(op, { properties: op.data.properties, associations }, ctx, guessed && `the association: only if ${IF_LOOKUP_FINDS}`);
  if (typeof created !== 'string') return created;
  op.recordId = created;
  ctx.run.records.remember(op.data.objectType, created, op.data.properties);
  return undefined;
}

/** Updates the record found, then associates it with the one target found; gives the failure, if any. */
async function update(op: Op, id: string, to: Hit | undefined, ctx: PerformContext): Promise<FailureDetail | undefined> {
  const { objectType, properties, target } = op.data;
  const res = await ctx.send({ method: 'PATCH', path: ctx.paths.object(objectType, id), body: { properties }, when: 'the search found this record' }, [op]);
  if (!isOk(res)) return hubspotFailure(res);
  op.recordId = id;
  ctx.run.records.remember(objectType, id, properties);
  const guessed = unknownTarget(op, to, ctx);
  const toId = to?.id ?? guessed;
  if (!toId || !target) return undefined;
  const assoc = await ctx.send(
    { method: 'PUT', path: ctx.paths.associationLabelled(objectType, id, target.objectType, toId), body: typesOf(op), when: whenBothFound(!!guessed) },
    [op],
  );
  return isOk(assoc) ? undefined : hubspotFailure(assoc, 'associating the record');
}
