import { paths, MAX_CRM_BATCH } from '../../hubspot/api.js';
import { flattenObject, definedOnly } from '../shared/flatten.js';
import { hubspotFailure, isOk, errorIds } from '../shared/hubspot-answers.js';
import { writeRecords } from '../shared/batch-write.js';
import type { ActionDefinition, OpHandle, PerformContext } from '../types.js';
import { fields } from './fields.js';
import { rememberContact } from '../shared/identities.js';

export interface ContactPayload {
  email: string;
  company?: string;
  firstname?: string;
  lastname?: string;
  phone?: string;
  address?: string;
  city?: string;
  state?: string;
  country?: string;
  zip?: string;
  website?: string;
  lifecyclestage?: string;
  properties?: Record<string, unknown>;
  enable_batching?: boolean;
}

export interface ContactOp {
  /** The email as mapped: Segment puts it in the single-request URL unchanged. */
  email: string;
  /** Lower-cased: HubSpot's key for contacts. */
  key: string;
  properties: Record<string, unknown>;
  /** Desired stage, lower-cased, for the reset-and-retry when HubSpot will not move it backwards. */
  lifecyclestage?: string;
  batched: boolean;
  /** The userIds and anonymousIds of the events, remembered for Upsert Company's association. */
  identities: string[];
}

const STANDARD = ['company', 'firstname', 'lastname', 'phone', 'address', 'city', 'state', 'country', 'zip'] as const;

/**
 * Segment's property order and cleaning. Single-event mode trims every standard field; batch mode
 * does not trim but lower-cases email and lifecycle stage, exactly as Segment's two code paths do.
 */
function contactProperties(p: ContactPayload, batched: boolean): Record<string, unknown> {
  const clean = (v?: string) => (batched ? v : v?.trim());
  const props: Record<string, unknown> = {};
  for (const k of STANDARD) props[k] = clean(p[k]);
  props.email = batched ? p.email.toLowerCase() : p.email.trim();
  props.website = clean(p.website);
  props.lifecyclestage = batched ? p.lifecyclestage?.toLowerCase() : p.lifecyclestage?.toLowerCase().trim();
  return definedOnly({ ...props, ...(flattenObject(p.properties) ?? {}) });
}

export const upsertContact: ActionDefinition<ContactPayload, ContactOp> = {
  name: 'upsertContact',
  title: 'Upsert Contact',
  description: 'Create or update a contact in HubSpot, keyed by email.',
  defaultTrigger: 'type = "identify"',
  fields,
  prepare(payload, ctx) {
    const batched = payload.enable_batching === true;
    const key = payload.email.trim().toLowerCase();
    const identities = [ctx.event.userId, ctx.event.anonymousId].filter((v): v is string => typeof v === 'string' && v !== '');
    return {
      data: {
        email: payload.email,
        key,
        properties: contactProperties(payload, batched),
        lifecyclestage: payload.lifecyclestage?.toLowerCase().trim() || undefined,
        batched,
        identities,
      },
      key: `contact:${key}`,
      aliases: [`email:${key}`, ...identities.map((i) => `user:${i}`)],
      batchSize: batched ? MAX_CRM_BATCH : 1,
      lane: `upsertContact:${ctx.mappingName}:${batched ? 'batch' : 'single'}`,
    };
  },
  merge(into, later) {
    return {
      ...later,
      properties: { ...into.properties, ...later.properties },
      lifecyclestage: later.lifecyclestage ?? into.lifecyclestage,
      identities: [...new Set([...into.identities, ...later.identities])],
    };
  },
  async perform(ops, ctx) {
    if (ops.length === 1 && !ops[0]!.data.batched) return performOne(ops[0]!, ctx);
    return performBatch(ops, ctx);
  },
};

function delivered(op: OpHandle<ContactOp>, id: string, ctx: PerformContext): void {
  op.recordId = id;
  rememberContact(ctx.run, id, op.data.key, op.data.identities);
  ctx.deliver(op);
}

/** Segment's single-event flow: PATCH by email, POST when HubSpot answers 404. */
async function performOne(op: OpHandle<ContactOp>, ctx: PerformContext): Promise<void> {
  const { email, properties } = op.data;
  const byEmail = { method: 'PATCH' as const, path: paths.object('contacts', email), query: { idProperty: 'email' } };
  const res = await ctx.send({ ...byEmail, body: { properties } }, [op]);
  if (isOk(res)) {
    const id = String(res.body?.id);
    if (await resetStageIfRefused(op, res.body?.properties?.lifecyclestage, ctx, async (props) =>
      ctx.send({ ...byEmail, body: { properties: props }, when: 'HubSpot kept a later lifecycle stage' }, [op]))) {
      return delivered(op, id, ctx);
    }
    return;
  }
  if (res.status !== 404) return ctx.fail(op, hubspotFailure(res));
  const created = await ctx.send(
    { method: 'POST', path: paths.objects('contacts'), body: { properties }, when: 'the PATCH answered 404 (no contact with this email)' },
    [op],
  );
  if (isOk(created)) return delivered(op, String(created.body?.id), ctx);
  // A create that lost its answer and was retried, or a contact created meanwhile: update it instead.
  const existing = created.status === 409 ? /Existing ID: (\d+)/.exec(String(created.body?.message ?? ''))?.[1] : undefined;
  if (existing) {
    const patched = await ctx.send({ method: 'PATCH', path: paths.object('contacts', existing), body: { properties }, when: 'the create answered 409' }, [op]);
    if (isOk(patched)) return delivered(op, existing, ctx);
    return ctx.fail(op, hubspotFailure(patched));
  }
  ctx.fail(op, hubspotFailure(created));
}

/**
 * HubSpot will not move a lifecycle stage backwards; Segment clears it, then sets it again.
 * Returns false when the op was failed.
 */
async function resetStageIfRefused(
  op: OpHandle<ContactOp>,
  stageNow: unknown,
  ctx: PerformContext,
  patch: (props: Record<string, unknown>) => Promise<{ status: number; body: any; headers: Record<string, string> }>,
): Promise<boolean> {
  const wanted = op.data.lifecyclestage;
  if (!wanted || stageNow === undefined || stageNow === wanted) return true;
  const reset = await patch({ lifecyclestage: '' });
  if (!isOk(reset)) {
    ctx.fail(op, hubspotFailure(reset, 'clearing the lifecycle stage'));
    return false;
  }
  const again = await patch(op.data.properties);
  if (!isOk(again)) {
    ctx.fail(op, hubspotFailure(again));
    return false;
  }
  return true;
}

type Item = { op: OpHandle<ContactOp>; id?: string };

/** Segment's batch flow (read, create, update, stage reset), 100 contacts a request, 207-aware. */
async function performBatch(ops: OpHandle<ContactOp>[], ctx: PerformContext): Promise<void> {
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
