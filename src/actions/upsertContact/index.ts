import { paths, MAX_CRM_BATCH } from '../../hubspot/api.js';
import { flattenObject, definedOnly } from '../shared/flatten.js';
import { hubspotFailure, isOk } from '../shared/hubspot-answers.js';
import type { ActionDefinition, OpHandle, PerformContext } from '../types.js';
import { fields } from './fields.js';
import { delivered, performBatch } from './batch.js';

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
  provides: 'contact',
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
