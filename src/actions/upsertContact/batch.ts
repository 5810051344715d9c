import type { OpHandle, OpOutcome, PerformOutcome } from '../../model.js';
import { hubspotFailure, isOk } from '../shared/hubspot-answers.js';
import { writeRecords } from '../shared/batch-write.js';
import { readContactsByEmail } from '../shared/contacts-by-email.js';
import { rememberContact } from '../shared/identities.js';
import { Outcomes } from '../shared/outcomes.js';
import type { PerformContext } from '../types.js';
import { movesBack } from './lifecycle.js';
import type { ContactOp } from './types.js';

/** A contact is upserted: its id is remembered for the companies that name its user or email. */
export function upserted(op: OpHandle<ContactOp>, id: string, ctx: PerformContext): OpOutcome {
  op.recordId = id;
  rememberContact(ctx.run, id, op.data.key, op.data.identities, op.data.properties);
  return { kind: 'delivered' };
}

/** `current`: the lifecycle stage the read found. */
type Item = { op: OpHandle<ContactOp>; id?: string; current?: string };

const emailsOf = (items: Item[]) => items.map((i) => i.op.data.key);
const opsWith = (items: Item[]) => (emails: string[]) => items.filter((i) => emails.includes(i.op.data.key)).map((i) => i.op);

/** Segment's batch flow (read, create, update, stage reset), 100 contacts a request, 207-aware. */
export async function performBatch(ops: OpHandle<ContactOp>[], ctx: PerformContext): Promise<PerformOutcome[]> {
  const out = new Outcomes(ops);
  const items: Item[] = ops.map((op) => ({ op }));
  const read = await readContactsByEmail(ctx, emailsOf(items), opsWith(items), { context: 'reading contacts by email' });
  const toCreate: Item[] = [];
  const toUpdate: Item[] = [];
  for (const { op } of items) {
    const failure = read.failures.get(op.data.key);
    const id = read.ids.get(op.data.key);
    if (failure) out.fail(op, failure);
    else if (id) toUpdate.push({ op, id, current: read.stages.get(id) });
    else toCreate.push({ op });
  }
  toUpdate.push(...(await createBatch(toCreate, ctx, out, true)));
  await updateBatch(toUpdate, ctx, out);
  return out.list();
}

/**
 * Creates the contacts; returns those that turned out to exist (a create whose answer was lost and
 * was retried, or a contact made meanwhile), with their ids, for an update. Those HubSpot said exist
 * but a read does not find are created once more.
 */
async function createBatch(items: Item[], ctx: PerformContext, out: Outcomes, again: boolean): Promise<Item[]> {
  if (!items.length) return [];
  const results = await writeRecords(ctx, 'contacts', 'create', items, (i) => ({ properties: i.op.data.properties }), {
    when: 'the read found no contact with these emails',
    matchResult: (rec, some) => some.find((i) => String(rec?.properties?.email ?? '').toLowerCase() === i.op.data.key),
  });
  const conflicts: Item[] = [];
  for (const [item, r] of results) {
    if (r.ok) out.settle(item.op, upserted(item.op, String(r.record.id), ctx));
    else if (r.failure.status === 409) conflicts.push(item);
    else out.fail(item.op, r.failure);
  }
  if (!conflicts.length) return [];
  const read = await readContactsByEmail(ctx, emailsOf(conflicts), opsWith(conflicts), {
    context: 'reading back contacts that exist',
    when: 'the create answered 409 (a contact exists)',
  });
  const found: Item[] = [];
  const missing: Item[] = [];
  for (const { op } of conflicts) {
    const failure = read.failures.get(op.data.key);
    const id = read.ids.get(op.data.key);
    if (failure) out.fail(op, failure);
    else if (id) found.push({ op, id });
    else if (again) missing.push({ op });
    else out.fail(op, { kind: 'hubspot', status: 409, message: 'HubSpot answered that the contact exists, but reading it by email finds none' });
  }
  found.push(...(await createBatch(missing, ctx, out, false)));
  return found;
}

/**
 * Updates the contacts found. A stage the read shows HubSpot would refuse (moved backwards) is
 * cleared in this update and set in one more; Segment's flow finds out from the answer instead,
 * then clears and sets it: the same end, one request fewer.
 */
async function updateBatch(items: Item[], ctx: PerformContext, out: Outcomes): Promise<void> {
  if (!items.length) return;
  const clear = new Set(items.filter((i) => movesBack(i.current, i.op.data.lifecyclestage)));
  const propsFor = (i: Item) => {
    const { email: _drop, ...rest } = i.op.data.properties;
    return clear.has(i) ? { ...rest, lifecyclestage: '' } : rest;
  };
  const results = await writeRecords(ctx, 'contacts', 'update', items, (i) => ({ id: i.id, properties: propsFor(i) }), {
    when: 'the read found these contacts',
    matchResult: (rec, some) => some.find((i) => i.id === String(rec?.id)),
  });
  const refused: Item[] = [];
  const cleared: Item[] = [];
  for (const [item, r] of results) {
    if (!r.ok) out.fail(item.op, r.failure);
    else if (clear.has(item)) cleared.push(item);
    else if (item.op.data.lifecyclestage && r.record?.properties?.lifecyclestage !== undefined &&
      r.record.properties.lifecyclestage !== item.op.data.lifecyclestage) refused.push(item);
    else out.settle(item.op, upserted(item.op, item.id!, ctx));
  }
  await resetStages(refused, cleared, ctx, out);
}

/**
 * HubSpot will not move a lifecycle stage backwards; Segment clears it, then sets it again. Those
 * the update refused are cleared now; they and those it already cleared are then set together.
 */
async function resetStages(refused: Item[], cleared: Item[], ctx: PerformContext, out: Outcomes): Promise<void> {
  const stage = (items: Item[], value: (i: Item) => string, when: string) =>
    ctx.send(
      {
        method: 'POST',
        path: ctx.paths.batch('contacts', 'update'),
        body: { inputs: items.map((i) => ({ id: i.id, properties: { lifecyclestage: value(i) } })) },
        when,
      },
      items.map((i) => i.op),
    );
  const reset = refused.length ? await stage(refused, () => '', 'HubSpot kept a later lifecycle stage') : undefined;
  const failedReset = reset && !isOk(reset) ? refused : [];
  for (const item of failedReset) out.fail(item.op, hubspotFailure(reset!, 'clearing the lifecycle stage'));
  const toSet = [...cleared, ...refused.filter((i) => !failedReset.includes(i))];
  if (!toSet.length) return;
  const set = await stage(toSet, (i) => i.op.data.lifecyclestage!, 'the lifecycle stage was cleared (HubSpot keeps a later one)');
  for (const item of toSet) {
    if (isOk(set)) out.settle(item.op, upserted(item.op, item.id!, ctx));
    else out.fail(item.op, hubspotFailure(set, 'setting the lifecycle stage'));
  }
}
