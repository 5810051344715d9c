import { paths } from '../../hubspot/api.js';
import { errorIds, hubspotFailure, isOk } from '../shared/hubspot-answers.js';
import { writeRecords } from '../shared/batch-write.js';
import { rememberContact } from '../shared/identities.js';
import type { OpHandle, PerformContext } from '../types.js';
import type { ContactOp } from './index.js';

/** A contact is upserted: its id is remembered for the companies that name its user or email. */
export function delivered(op: OpHandle<ContactOp>, id: string, ctx: PerformContext): void {
  op.recordId = id;
  rememberContact(ctx.run, id, op.data.key, op.data.identities);
  ctx.deliver(op);
}

type Item = { op: OpHandle<ContactOp>; id?: string };

/** Segment's batch flow (read, create, update, stage reset), 100 contacts a request, 207-aware. */
export async function performBatch(ops: OpHandle<ContactOp>[], ctx: PerformContext): Promise<void> {
  const items: Item[] = ops.map((op) => ({ op }));
  const byKey = new Map(items.map((i) => [i.op.data.key, i]));
  const read = await ctx.send(
    {
      method: 'POST',
      path: paths.batch('contacts', 'read'),
      body: { properties: ['email', 'lifecyclestage', 'hs_additional_emails'], idProperty: 'email', inputs: items.map((i) => ({ id: i.op.data.key })) },
    },
    ops,
  );
  if (!isOk(read)) {
    const failure = hubspotFailure(read, 'reading contacts by email');
    for (const op of ops) ctx.fail(op, failure);
    return;
  }
  for (const r of read.body?.results ?? []) {
    const primary = String(r?.properties?.email ?? '').toLowerCase();
    const hit = byKey.get(primary) ??
      String(r?.properties?.hs_additional_emails ?? '')
        .split(';')
        .map((e) => byKey.get(e.trim().toLowerCase()))
        .find(Boolean);
    if (hit) hit.id = String(r.id);
  }
  for (const err of read.body?.errors ?? []) {
    if (err?.category === 'OBJECT_NOT_FOUND') continue;
    const failure = hubspotFailure({ status: 400, body: err, headers: read.headers }, 'reading contacts by email');
    const named = errorIds(err).map((id) => byKey.get(id.toLowerCase())).filter((i): i is Item => !!i);
    for (const i of named.length ? named : items) if (!i.op.outcome) ctx.fail(i.op, failure);
  }
  const pending = items.filter((i) => !i.op.outcome);
  const toCreate = pending.filter((i) => !i.id);
  const toUpdate = pending.filter((i) => i.id);

  if (toCreate.length) toUpdate.push(...(await createBatch(toCreate, ctx, true)));
  if (toUpdate.length) await updateBatch(toUpdate, ctx);
}

/**
 * Creates the contacts; returns those that turned out to exist (a create whose answer was lost and
 * was retried, or a contact made meanwhile), with their ids, for an update. Those HubSpot said exist
 * but a read does not find are created once more.
 */
async function createBatch(items: Item[], ctx: PerformContext, again: boolean): Promise<Item[]> {
  const results = await writeRecords(ctx, 'contacts', 'create', items, (i) => ({ properties: i.op.data.properties }), {
    when: 'the read found no contact with these emails',
    matchResult: (rec, some) => some.find((i) => String(rec?.properties?.email ?? '').toLowerCase() === i.op.data.key),
  });
  const conflicts: Item[] = [];
  for (const [item, r] of results) {
    if (r.ok) delivered(item.op, String(r.record.id), ctx);
    else if (r.failure.status === 409) conflicts.push(item);
    else ctx.fail(item.op, r.failure);
  }
  if (!conflicts.length) return [];
  const res = await ctx.send(
    {
      method: 'POST',
      path: paths.batch('contacts', 'read'),
      body: { properties: ['email', 'lifecyclestage', 'hs_additional_emails'], idProperty: 'email', inputs: conflicts.map((i) => ({ id: i.op.data.key })) },
      when: 'the create answered 409 (a contact exists)',
    },
    conflicts.map((i) => i.op),
  );
  if (!isOk(res)) {
    for (const i of conflicts) ctx.fail(i.op, hubspotFailure(res, 'reading back contacts that exist'));
    return [];
  }
  const ids = new Map<string, string>();
  for (const r of res.body?.results ?? []) {
    for (const e of [r?.properties?.email, ...String(r?.properties?.hs_additional_emails ?? '').split(';')]) {
      if (e) ids.set(String(e).trim().toLowerCase(), String(r.id));
    }
  }
  const found: Item[] = conflicts.filter((i) => ids.has(i.op.data.key)).map((i) => ({ op: i.op, id: ids.get(i.op.data.key) }));
  const missing = conflicts.filter((i) => !ids.has(i.op.data.key));
  if (again) found.push(...(await createBatch(missing, ctx, false)));
  else for (const i of missing) ctx.fail(i.op, { kind: 'hubspot', status: 409, message: 'HubSpot answered that the contact exists, but reading it by email finds none' });
  return found;
}

async function updateBatch(items: Item[], ctx: PerformContext): Promise<void> {
  const propsFor = (i: Item) => {
    const { email: _drop, ...rest } = i.op.data.properties;
    return rest;
  };
  const results = await writeRecords(ctx, 'contacts', 'update', items, (i) => ({ id: i.id, properties: propsFor(i) }), {
    when: 'the read found these contacts',
    matchResult: (rec, some) => some.find((i) => i.id === String(rec?.id)),
  });
  const refused: Item[] = [];
  for (const [item, r] of results) {
    if (!r.ok) ctx.fail(item.op, r.failure);
    else if (item.op.data.lifecyclestage && r.record?.properties?.lifecyclestage !== undefined &&
      r.record.properties.lifecyclestage !== item.op.data.lifecyclestage) refused.push(item);
    else delivered(item.op, item.id!, ctx);
  }
  if (!refused.length) return;
  const stage = (value: (i: Item) => string, when: string) =>
    ctx.send(
      {
        method: 'POST',
        path: paths.batch('contacts', 'update'),
        body: { inputs: refused.map((i) => ({ id: i.id, properties: { lifecyclestage: value(i) } })) },
        when,
      },
      refused.map((i) => i.op),
    );
  const reset = await stage(() => '', 'HubSpot kept a later lifecycle stage');
  const again = isOk(reset) ? await stage((i) => i.op.data.lifecyclestage!, 'HubSpot kept a later lifecycle stage') : reset;
  for (const item of refused) {
    if (isOk(again)) delivered(item.op, item.id!, ctx);
    else ctx.fail(item.op, hubspotFailure(again, 'setting the lifecycle stage'));
  }
}
