import { paths, MAX_CRM_BATCH } from '../../hubspot/api.js';
import { searchByValues, singleField } from '../shared/search.js';
import { writeRecords } from '../shared/batch-write.js';
import { hubspotFailure, isOk } from '../shared/hubspot-answers.js';
import type { OpHandle, PerformContext } from '../types.js';
import { ANSWER_LOST } from '../../hubspot/transport.js';
import { CUSTOM_SEARCH_FAILED, MULTIPLE_RECORDS, MULTIPLE_TO_ASSOCIATE, NOT_FOUND_NO_CREATE, SEARCH_TO_ASSOCIATE_FAILED } from './errors.js';
import type { CustomRecordOp } from './index.js';

const MAX_CREATE_ATTEMPTS = 3;

/**
 * How long to let HubSpot's search index a record whose create lost its answer ("it may take a few
 * moments for newly created objects to appear in search results").
 */
export function searchSettleMs(): number {
  const env = Number(process.env.HUBSPOT_ACTIONS_SEARCH_SETTLE_MS);
  return Number.isFinite(env) && env >= 0 ? env : 5000;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));


/**
 * Segment searches once per event (HubSpot allows 5 searches a second), which makes a backfill of
 * records crawl. When the search is on one property, up to 100 events are looked up with one IN
 * search, written with one batch create and one batch update, and associated with one batch call;
 * the outcome for each event is Segment's (create, update, skip, or its errors).
 */
export async function performBatch(ops: OpHandle<CustomRecordOp>[], ctx: PerformContext): Promise<void> {
  const { objectType } = ops[0]!.data;
  const prop = singleField(ops[0]!.data.searchFields)!.name;
  const found = await searchByValues(ctx, { objectType, prop, values: ops.map((o) => singleField(o.data.searchFields)!.value), ops, onBadRequest: CUSTOM_SEARCH_FAILED, field: 'customObjectSearchFields' });
  if (!found) return;
  const withTarget = ops.filter((o) => o.data.target);
  const targets = new Map<OpHandle<CustomRecordOp>, string[]>();
  for (const group of groupBy(withTarget, (o) => `${o.data.target!.objectType}\n${singleField(o.data.target!.searchFields)!.name}`)) {
    const t = group[0]!.data.target!;
    const tf = singleField(t.searchFields)!;
    const ids = await searchByValues(ctx, { objectType: t.objectType, prop: tf.name, values: group.map((o) => singleField(o.data.target!.searchFields)!.value), ops: group, onBadRequest: SEARCH_TO_ASSOCIATE_FAILED, field: 'searchFieldsToAssociateCustomObjects' });
    if (!ids) continue;
    for (const o of group) targets.set(o, ids.get(singleField(o.data.target!.searchFields)!.value) ?? []);
  }

  const creates: OpHandle<CustomRecordOp>[] = [];
  const updates: Array<{ op: OpHandle<CustomRecordOp>; id: string }> = [];
  for (const op of ops) {
    if (op.outcome) continue;
    const hits = found.get(singleField(op.data.searchFields)!.value) ?? [];
    if (hits.length > 1) ctx.fail(op, { kind: 'hubspot', status: 400, message: MULTIPLE_RECORDS, field: 'customObjectSearchFields' });
    else if (hits.length === 1) updates.push({ op, id: hits[0]! });
    else if (!op.data.createNew) ctx.skip(op, NOT_FOUND_NO_CREATE);
    else creates.push(op);
  }
  const typesOf = (op: OpHandle<CustomRecordOp>) => [{ associationCategory: op.data.target!.associationCategory, associationTypeId: op.data.target!.associationTypeId }];
  const oneTarget = (op: OpHandle<CustomRecordOp>) => (targets.get(op)?.length === 1 ? targets.get(op)![0] : undefined);

  const written: OpHandle<CustomRecordOp>[] = [];
  const memo = (op: OpHandle<CustomRecordOp>) => ctx.run.records.set(objectType, op.data.searchFields!, op.recordId!);
  /**
   * Records have no unique key, so a create whose answer was lost is not repeated blindly: after
   * giving HubSpot's search time to index it, the values are looked up again, and only the records
   * still missing are created again.
   */
  const create = async (list: OpHandle<CustomRecordOp>[], attempt: number): Promise<void> => {
    const results = await writeRecords(
      ctx,
      objectType,
      'create',
      list.map((op) => ({ op })),
      ({ op }) => ({ properties: op.data.properties, associations: oneTarget(op) ? [{ to: { id: oneTarget(op) }, types: typesOf(op) }] : [] }),
      {
        when: 'the search found no record',
        idempotent: false,
        matchResult: (rec, some) => some.find(({ op }) => String(rec?.properties?.[prop]) === singleField(op.data.searchFields)!.value),
      },
    );
    const lost: OpHandle<CustomRecordOp>[] = [];
    for (const [{ op }, r] of results) {
      if (r.ok) {
        op.recordId = String(r.record.id);
        memo(op);
        written.push(op);
      } else if (r.failure.status === ANSWER_LOST && attempt < MAX_CREATE_ATTEMPTS) lost.push(op);
      else ctx.fail(op, r.failure);
    }
    if (!lost.length) return;
    await sleep(searchSettleMs());
    const again = await searchByValues(ctx, { objectType, prop, values: lost.map((op) => singleField(op.data.searchFields)!.value), ops: lost, onBadRequest: CUSTOM_SEARCH_FAILED, field: 'customObjectSearchFields' });
    if (!again) return;
    const retry: OpHandle<CustomRecordOp>[] = [];
    for (const op of lost) {
      const hits = again.get(singleField(op.data.searchFields)!.value) ?? [];
      if (hits.length === 1) {
        op.recordId = hits[0]!;
        written.push(op);
      } else if (hits.length > 1) ctx.fail(op, { kind: 'hubspot', status: 400, message: MULTIPLE_RECORDS, field: 'customObjectSearchFields' });
      else retry.push(op);
    }
    if (retry.length) await create(retry, attempt + 1);
  };
  if (creates.length) await create(creates, 1);
  if (updates.length) {
    const results = await writeRecords(ctx, objectType, 'update', updates, (u) => ({ id: u.id, properties: u.op.data.properties }), {
      when: 'the search found these records',
      matchResult: (rec, some) => some.find((u) => u.id === String(rec?.id)),
    });
    const toAssociate: Array<{ op: OpHandle<CustomRecordOp>; from: string; to: string }> = [];
    for (const [u, r] of results) {
      if (!r.ok) {
        ctx.fail(u.op, r.failure);
        continue;
      }
      u.op.recordId = u.id;
      memo(u.op);
      written.push(u.op);
      const to = oneTarget(u.op);
      if (to) toAssociate.push({ op: u.op, from: u.id, to });
    }
    await associate(objectType, toAssociate, typesOf, ctx);
  }
  for (const op of written) {
    if (op.outcome) continue;
    if ((targets.get(op)?.length ?? 0) > 1) ctx.fail(op, { kind: 'hubspot', status: 400, message: MULTIPLE_TO_ASSOCIATE, field: 'searchFieldsToAssociateCustomObjects' });
    else ctx.deliver(op);
  }
}

async function associate(
  objectType: string,
  pairs: Array<{ op: OpHandle<CustomRecordOp>; from: string; to: string }>,
  typesOf: (op: OpHandle<CustomRecordOp>) => unknown[],
  ctx: PerformContext,
): Promise<void> {
  for (const group of groupBy(pairs, (p) => p.op.data.target!.objectType)) {
    const toType = group[0]!.op.data.target!.objectType;
    for (let i = 0; i < group.length; i += MAX_CRM_BATCH) {
      const chunk = group.slice(i, i + MAX_CRM_BATCH);
      const res = await ctx.send(
        {
          method: 'POST',
          path: paths.associationsBatchCreate(objectType, toType),
          body: { inputs: chunk.map((p) => ({ from: { id: p.from }, to: { id: p.to }, types: typesOf(p.op) })) },
          when: 'both searches found one record',
        },
        chunk.map((p) => p.op),
      );
      const failed = !isOk(res) ? chunk : [];
      for (const p of failed) ctx.fail(p.op, hubspotFailure(res, 'associating the record'));
    }
  }
}

function groupBy<T>(items: T[], key: (t: T) => string): T[][] {
  const m = new Map<string, T[]>();
  for (const i of items) m.set(key(i), [...(m.get(key(i)) ?? []), i]);
  return [...m.values()];
}
