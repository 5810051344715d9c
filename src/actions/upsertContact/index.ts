import { MAX_CRM_BATCH } from '../../hubspot/api.js';
import type { HubSpotResponse } from '../../hubspot/transport.js';
import type { OpHandle, OpOutcome } from '../../model.js';
import { flattenObject, definedMerge } from '../shared/properties.js';
import { hubspotFailure, isOk } from '../shared/hubspot-answers.js';
import { identitiesOf } from '../shared/identities.js';
import { partsOf, retryParts } from '../shared/merged-parts.js';
import { propertyKeys, stateKey, unique, userKey } from '../shared/keys.js';
import type { ActionDefinition, PerformContext } from '../types.js';
import { literalKeys } from '../shared/searched.js';
import { fields } from './fields.js';
import { upserted, performBatch } from './batch.js';
import type { ContactOp, ContactPayload } from './types.js';

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
  return definedMerge(props, flattenObject(p.properties));
}

export const upsertContact: ActionDefinition<ContactPayload, ContactOp> = {
  name: 'upsertContact',
  title: 'Upsert Contact',
  description: 'Create or update a contact in HubSpot, keyed by email.',
  defaultTrigger: 'type = "identify"',
  fields,
  scopes: ['crm.objects.contacts.read', 'crm.objects.contacts.write'],
  provides: 'contact',
  // Found by its email, which its keys name; any other property may replace a value another op
  // searches contacts by (an association's target found by phone).
  finds: () => [{ objectType: 'contacts', property: 'email' }],
  moves: (f) => {
    const custom = literalKeys(f.properties);
    if (custom === undefined) return [{ objectType: 'contacts' }];
    return [...STANDARD, 'website', 'lifecyclestage', ...custom].filter((p) => p !== 'email').map((property) => ({ objectType: 'contacts', property }));
  },
  plan(payload, ctx) {
    const batched = payload.enable_batching === true;
    const key = payload.email.trim().toLowerCase();
    const identities = identitiesOf(ctx.event);
    const properties = contactProperties(payload, batched);
    const identity = stateKey('contacts', 'email', key);
    return {
      data: {
        email: payload.email,
        key,
        properties,
        lifecyclestage: payload.lifecyclestage?.toLowerCase().trim() || undefined,
        batched,
        identities,
      },
      reads: [identity],
      writes: unique([identity, ...identities.map(userKey), ...propertyKeys('contacts', properties, ctx.searchable)]),
      batchSize: batched ? MAX_CRM_BATCH : 1,
      lane: `upsertContact:${ctx.mappingName}:${batched ? 'batch' : 'single'}`,
    };
  },
  // Contacts are keyed by email and later values win, so two upserts of one email are one.
  merge(into, later) {
    if (into.key !== later.key || into.batched !== later.batched) return undefined;
    return {
      ...later,
      properties: { ...into.properties, ...later.properties },
      lifecyclestage: later.lifecyclestage ?? into.lifecyclestage,
      identities: [...new Set([...into.identities, ...later.identities])],
      parts: [...partsOf(into), ...partsOf(later)],
    };
  },
  async perform(ops, ctx) {
    const one = (op: OpHandle<ContactOp>) => (op.data.batched ? performBatch([op], ctx).then(([o]) => o!) : performOne(op, ctx));
    const outcomes = ops.length === 1 ? [await one(ops[0]!)] : await performBatch(ops, ctx);
    return retryParts(ops, outcomes, one);
  },
};

/** Segment's single-event flow: PATCH by email, POST when HubSpot answers 404. */
async function performOne(op: OpHandle<ContactOp>, ctx: PerformContext): Promise<OpOutcome> {
  const { email, properties } = op.data;
  const byEmail = { method: 'PATCH' as const, path: ctx.paths.object('contacts', email), query: { idProperty: 'email' } };
  const res = await ctx.send({ ...byEmail, body: { properties } }, [op]);
  if (isOk(res)) {
    const failure = await resetStageIfRefused(op, res.body?.properties?.lifecyclestage, (props) =>
      ctx.send({ ...byEmail, body: { properties: props }, when: 'HubSpot kept a later lifecycle stage' }, [op]));
    return failure ?? upserted(op, String(res.body?.id), ctx);
  }
  if (res.status !== 404) return failed(hubspotFailure(res));
  const created = await ctx.send(
    { method: 'POST', path: ctx.paths.objects('contacts'), body: { properties }, when: 'the PATCH answered 404 (no contact with this email)' },
    [op],
  );
  if (isOk(created)) return upserted(op, String(created.body?.id), ctx);
  // A create that lost its answer and was retried, or a contact created meanwhile: update it instead.
  const existing = created.status === 409 ? /Existing ID: (\d+)/.exec(String(created.body?.message ?? ''))?.[1] : undefined;
  if (!existing) return failed(hubspotFailure(created));
  const patched = await ctx.send({ method: 'PATCH', path: ctx.paths.object('contacts', existing), body: { properties }, when: 'the create answered 409' }, [op]);
  return isOk(patched) ? upserted(op, existing, ctx) : failed(hubspotFailure(patched));
}

const failed = (error: Extract<OpOutcome, { kind: 'failed' }>['error']): OpOutcome => ({ kind: 'failed', error });

/**
 * HubSpot will not move a lifecycle stage backwards; Segment clears it, then sets it again.
 * Gives the failure when that did not work.
 */
async function resetStageIfRefused(
  op: OpHandle<ContactOp>,
  stageNow: unknown,
  patch: (props: Record<string, unknown>) => Promise<HubSpotResponse>,
): Promise<OpOutcome | undefined> {
  const wanted = op.data.lifecyclestage;
  if (!wanted || stageNow === undefined || stageNow === wanted) return undefined;
  const reset = await patch({ lifecyclestage: '' });
  if (!isOk(reset)) return failed(hubspotFailure(reset, 'clearing the lifecycle stage'));
  const again = await patch(op.data.properties);
  return isOk(again) ? undefined : failed(hubspotFailure(again));
}
