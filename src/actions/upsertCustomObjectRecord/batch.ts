import { MAX_CRM_BATCH } from '../../hubspot/api.js';
import type { FailureDetail, OpHandle, PerformOutcome } from '../../model.js';
import { byEmailOnly, findContactsByEmail } from '../shared/contacts-by-email.js';
import { searchByValues, singleField } from '../shared/search.js';
import { writeRecords } from '../shared/batch-write.js';
import { IF_LOOKUP_FINDS, refusedPairs, standInTarget, whenBothFound } from '../shared/associations.js';
import { hubspotFailure, isOk } from '../shared/hubspot-answers.js';
import { createOnce, type Created, type Found } from '../shared/lost-answer.js';
import { Outcomes } from '../shared/outcomes.js';
import type { PerformContext } from '../types.js';
import { CUSTOM_SEARCH_FAILED, MULTIPLE_RECORDS, MULTIPLE_TO_ASSOCIATE, NOT_FOUND_NO_CREATE, SEARCH_TO_ASSOCIATE_FAILED } from './messages.js';
import type { CustomRecordOp } from './types.js';

type Op = OpHandle<CustomRecordOp>;

/** One batch's shared facts: every op of it searches `prop` of `objectType`. */
interface Batch {
  ctx: PerformContext;
  out: Outcomes;
  objectType: string;
  prop: string;
  /** The ids the association search found for each op that has a target. */
  targets: Map<Op, string[]>;
}

const valueOf = (op: Op) => singleField(op.data.searchFields)!.value;
const targetValueOf = (op: Op) => singleField(op.data.target!.searchFields)!.value;
const multipleRecords = { kind: 'hubspot', status: 400, message: MULTIPLE_RECORDS, field: 'customObjectSearchFields' } as const;

/**
 * Segment searches once per event (HubSpot allows 5 searches a second), which makes a backfill of
 * records crawl. When the search is on one property, up to 100 events are looked up with one IN
 * search, written with one batch create and one batch update, and associated with one batch call;
 * the outcome for each event is Segment's (create, update, skip, or its errors).
 */
export async function performBatch(ops: Op[], ctx: PerformContext): Promise<PerformOutcome[]> {
  const out = new Outcomes(ops);
  const { objectType } = ops[0]!.data;
  const prop = singleField(ops[0]!.data.searchFields)!.name;
  const found = await searchRecords(ops, { ctx, objectType, prop });
  if (!found.ok) {
    out.failAll(ops, found.failure);
    return out.list();
  }
  const batch: Batch = { ctx, out, objectType, prop, targets: new Map() };
  const creates: Op[] = [];
  const updates: Array<{ op: Op; id: string }> = [];
  for (const op of await findTargets(ops, batch)) {
    const hits = found.ids.get(valueOf(op)) ?? [];
    if (hits.length > 1) out.fail(op, multipleRecords);
    else if (hits.length === 1) updates.push({ op, id: hits[0]! });
    else if (!op.data.createNew) out.skip(op, NOT_FOUND_NO_CREATE);
    else creates.push(op);
  }
  const written = [...(await createRecords(creates, batch)), ...(await updateRecords(updates, batch))];
  for (const op of written) {
    // Segment reports an ambiguous association target only after the record was written.
    if ((batch.targets.get(op)?.length ?? 0) > 1) out.fail(op, { kind: 'hubspot', status: 400, message: MULTIPLE_TO_ASSOCIATE, field: 'searchFieldsToAssociateCustomObjects' });
    else out.deliver(op);
  }
  return out.list();
}

function searchRecords(ops: Op[], b: Pick<Batch, 'ctx' | 'objectType' | 'prop'>, fresh = false) {
  return searchByValues(b.ctx, { objectType: b.objectType, prop: b.prop, values: ops.map(valueOf), ops, onBadRequest: CUSTOM_SEARCH_FAILED, field: 'customObjectSearchFields', fresh });
}

/**
 * Searches the association targets, one IN search per target type and property (contacts by email:
 * read by email, which does not lag); gives the ops whose search did not fail.
 */
async function findTargets(ops: Op[], b: Batch): Promise<Op[]> {
  const failed = new Set<Op>();
  for (const group of groupBy(ops.filter((o) => o.data.target), (o) => `${o.data.target!.objectType}\n${singleField(o.data.target!.searchFields)!.name}`)) {
    const t = group[0]!.data.target!;
    const found = await targetIds(group, t.objectType, singleField(t.searchFields)!.name, b);
    for (const o of group) {
      const r = found.get(targetValueOf(o).trim().toLowerCase()) ?? found.get(targetValueOf(o)) ?? [];
      if (Array.isArray(r)) b.targets.set(o, r);
      else {
        b.out.fail(o, r);
        failed.add(o);
      }
    }
  }
  return ops.filter((o) => !failed.has(o));
}

async function targetIds(group: Op[], objectType: string, prop: string, b: Batch): Promise<Map<string, string[] | FailureDetail>> {
  const values = group.map(targetValueOf);
  if (byEmailOnly(objectType, { [prop]: values[0] })) return findContactsByEmail(b.ctx, values, group, 'the record is associated with a contact by email');
  const r = await searchByValues(b.ctx, { objectType, prop, values, ops: group, onBadRequest: SEARCH_TO_ASSOCIATE_FAILED, field: 'searchFieldsToAssociateCustomObjects' });
  return new Map(values.map((v) => [v, r.ok ? r.ids.get(v) ?? [] : r.failure]));
}

const oneTarget = (op: Op, b: Batch) => (b.targets.get(op)?.length === 1 ? b.targets.get(op)![0] : undefined);
const unknownTarget = (op: Op, b: Batch) => standInTarget(b.ctx, op.data.target, b.targets.get(op)?.length);
const shownTarget = (op: Op, b: Batch) => oneTarget(op, b) ?? unknownTarget(op, b);
const typesOf = (op: Op) => [{ associationCategory: op.data.target!.associationCategory, associationTypeId: op.data.target!.associationTypeId }];
const remember = (op: Op, b: Batch) => b.ctx.run.records.remember(b.objectType, op.recordId!, op.data.properties);

/**
 * Creates the records (each with its association inline); gives those written. Records have no
 * unique key: a create whose outcome is unknown is looked up by its search value before it is sent
 * again (createOnce).
 */
async function createRecords(list: Op[], b: Batch): Promise<Op[]> {
  if (!list.length) return [];
  const results = await createOnce(list, (some) => createBatch(some, b), (some) => lookUp(some, b), b.ctx.searchSettleMs);
  const written: Op[] = [];
  for (const op of list) {
    const r = results.get(op)!;
    if ('failure' in r) {
      b.out.fail(op, r.failure);
      continue;
    }
    op.recordId = r.id;
    remember(op, b);
    written.push(op);
  }
  return written;
}

async function createBatch(list: Op[], b: Batch): Promise<Map<Op, Created>> {
  const results = await writeRecords(
    b.ctx,
    b.objectType,
    'create',
    list.map((op) => ({ op })),
    ({ op }) => ({ properties: op.data.properties, associations: shownTarget(op, b) ? [{ to: { id: shownTarget(op, b) }, types: typesOf(op) }] : [] }),
    {
      when: list.some((op) => unknownTarget(op, b)) ? `the search found no record; associations: only if ${IF_LOOKUP_FINDS}` : 'the search found no record',
      idempotent: false,
      matchResult: (rec, some) => some.find(({ op }) => String(rec?.properties?.[b.prop]) === valueOf(op)),
    },
  );
  return new Map([...results].map(([{ op }, r]) => [op, r.ok ? { id: String(r.record.id) } : { failure: r.failure }]));
}

/** Looks up the records whose create may have landed, by their search values. */
async function lookUp(list: Op[], b: Batch): Promise<Map<Op, Found>> {
  const again = await searchRecords(list, b, true);
  return new Map(list.map((op): [Op, Found] => {
    if (!again.ok) return [op, { failure: again.failure }];
    const hits = again.ids.get(valueOf(op)) ?? [];
    return [op, hits.length === 1 ? { id: hits[0]! } : hits.length > 1 ? { failure: multipleRecords } : { missing: true }];
  }));
}

/** Updates the records found, then associates those with one target; gives those written and associated. */
async function updateRecords(updates: Array<{ op: Op; id: string }>, b: Batch): Promise<Op[]> {
  if (!updates.length) return [];
  const results = await writeRecords(b.ctx, b.objectType, 'update', updates, (u) => ({ id: u.id, properties: u.op.data.properties }), {
    when: 'the search found these records',
    matchResult: (rec, some) => some.find((u) => u.id === String(rec?.id)),
  });
  const written: Op[] = [];
  const pairs: Pair[] = [];
  for (const [u, r] of results) {
    if (!r.ok) {
      b.out.fail(u.op, r.failure);
      continue;
    }
    u.op.recordId = u.id;
    remember(u.op, b);
    written.push(u.op);
    const to = shownTarget(u.op, b);
    if (to) pairs.push({ op: u.op, from: u.id, to });
  }
  const notAssociated = await associate(pairs, b);
  return written.filter((op) => !notAssociated.has(op));
}

type Pair = { op: Op; from: string; to: string };

/** Associates updated records with their targets, 100 a request; fails and gives the ops whose association HubSpot refused. */
async function associate(pairs: Pair[], b: Batch): Promise<Set<Op>> {
  const failed = new Set<Op>();
  for (const group of groupBy(pairs, (p) => p.op.data.target!.objectType)) {
    const toType = group[0]!.op.data.target!.objectType;
    for (let i = 0; i < group.length; i += MAX_CRM_BATCH) {
      const chunk = group.slice(i, i + MAX_CRM_BATCH);
      const res = await b.ctx.send(
        {
          method: 'POST',
          path: b.ctx.paths.associationsBatchCreate(b.objectType, toType),
          body: { inputs: chunk.map((p) => ({ from: { id: p.from }, to: { id: p.to }, types: typesOf(p.op) })) },
          budget: 'exempt',
          when: whenBothFound(chunk.some((p) => unknownTarget(p.op, b))),
        },
        chunk.map((p) => p.op),
      );
      const refused = isOk(res) ? refusedPairs(res, chunk, 'associating the record') : new Map(chunk.map((p) => [p, hubspotFailure(res, 'associating the record')]));
      for (const [p, failure] of refused) {
        if (failed.has(p.op)) continue;
        failed.add(p.op);
        b.out.fail(p.op, failure);
      }
    }
  }
  return failed;
}

function groupBy<T>(items: T[], key: (t: T) => string): T[][] {
  const m = new Map<string, T[]>();
  for (const i of items) m.set(key(i), [...(m.get(key(i)) ?? []), i]);
  return [...m.values()];
}
