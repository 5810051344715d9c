import { MAX_CRM_BATCH } from '../../hubspot/api.js';
import type { OpHandle, PerformOutcome } from '../../model.js';
import { partsOf, retryParts } from '../shared/merged-parts.js';
import { flattenObject, definedMerge, propertyString } from '../shared/properties.js';
import { hasFields, stableKey } from '../shared/search.js';
import { identitiesOf } from '../shared/identities.js';
import { propertyKeys, stateKey, unique, userKey } from '../shared/keys.js';
import { Outcomes } from '../shared/outcomes.js';
import { PayloadError, type ActionDefinition, type PerformContext, type PlanContext } from '../types.js';
import { fields } from './fields.js';
import { checkMapping } from './checks.js';
import { SEGMENT_GROUP_ID } from './group-id-property.js';
import { MISSING_IDENTITY, RESTRICTED_PROPERTY } from './messages.js';
import { ensureGroupIdProperty } from './lookups.js';
import { locate, settleFindings, unmovedPrefix } from './locate.js';
import { lookAgain } from './look-again.js';
import { writeCompanies } from './write.js';
import { associateContacts, resolveContacts } from './associate.js';
import { isUnknownId } from '../shared/associations.js';
import { literalKeys, searchedBy } from '../shared/searched.js';
import type { CompanyOp, CompanyPayload, ContactRef } from './types.js';

const TRIMMED = ['name', 'description', 'address', 'city', 'state', 'zip', 'domain', 'phone'] as const;

/** Segment's property order: standard fields trimmed, then segment_group_id, then custom ones (which win). */
function companyProperties(p: CompanyPayload): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const k of TRIMMED) props[k] = p[k]?.trim();
  props.numberofemployees = propertyString(p.numberofemployees);
  props.industry = p.industry?.trim();
  props.lifecyclestage = p.lifecyclestage?.toLocaleLowerCase().trim();
  props[SEGMENT_GROUP_ID] = p.groupid;
  return definedMerge(props, flattenObject(p.properties));
}

/**
 * The contact to associate: the same event's Upsert Contact (as in Segment), else (beyond Segment)
 * the contact an earlier event upserted for this userId or anonymousId, else the event's email.
 */
function contactRef(ctx: PlanContext): ContactRef | undefined {
  const e = ctx.event;
  const identities = identitiesOf(e);
  const rawEmail = [e.traits?.email, e.context?.traits?.email, e.properties?.email].find((v) => typeof v === 'string' && v.includes('@'));
  const emailKey = typeof rawEmail === 'string' ? rawEmail.trim().toLowerCase() : undefined;
  const op = ctx.sameEvent.get('contact');
  if (!op && identities.length === 0 && !emailKey) return undefined;
  return { op, identities, emailKey };
}

const contactsKey = (refs: ContactRef[]) =>
  JSON.stringify(refs.map((r) => [r.op?.id ?? null, r.identities, r.emailKey ?? null]));

/** What finding the contact looks at: the contact of each user, else the one with the email. */
const contactKeys = (ref: ContactRef) => [...ref.identities.map(userKey), ...(ref.emailKey ? [stateKey('contacts', 'email', ref.emailKey)] : [])];

export const upsertCompany: ActionDefinition<CompanyPayload, CompanyOp> = {
  name: 'upsertCompany',
  title: 'Upsert Company',
  description: 'Create or update a company keyed by the Segment group id, and associate it with the contact.',
  defaultTrigger: 'type = "group"',
  fields,
  checkMapping,
  searches: (f) => searchedBy('companies', f.companysearchfields),
  scopes: ['crm.objects.companies.read', 'crm.objects.companies.write', 'crm.schemas.companies.write'],
  // Found by its search, a company takes the op's segment_group_id; found by that, new searched
  // values: either way it may leave a value another op finds it by, which no key names.
  looksAgain: ['companies'],
  finds: (f) => [{ objectType: 'companies', property: SEGMENT_GROUP_ID }, ...searchedBy('companies', f.companysearchfields)],
  moves: (f) => {
    const custom = literalKeys(f.properties);
    if (custom === undefined) return [{ objectType: 'companies' }];
    return [...TRIMMED, 'numberofemployees', 'industry', 'lifecyclestage', SEGMENT_GROUP_ID, ...custom].map((property) => ({ objectType: 'companies', property }));
  },
  plan(payload, ctx) {
    if (payload.properties?.[SEGMENT_GROUP_ID]) throw new PayloadError(RESTRICTED_PROPERTY, `properties.${SEGMENT_GROUP_ID}`);
    const contacts: ContactRef[] = [];
    if (payload.associateContact) {
      const ref = contactRef(ctx);
      if (!ref) throw new PayloadError(MISSING_IDENTITY, 'associateContact');
      contacts.push(ref);
    }
    const properties = companyProperties(payload);
    const searchFields = hasFields(payload.companysearchfields) ? payload.companysearchfields : undefined;
    const identity = stateKey('companies', SEGMENT_GROUP_ID, payload.groupid);
    return {
      data: { groupid: payload.groupid, properties, createNew: payload.createNewCompany !== false, searchFields, contacts },
      reads: unique([identity, ...propertyKeys('companies', searchFields), ...contacts.flatMap(contactKeys)]),
      writes: unique([identity, ...propertyKeys('companies', properties, ctx.searchable)]),
      after: contacts.flatMap((c) => (c.op ? [c.op] : [])),
      batchSize: MAX_CRM_BATCH,
      lane: `upsertCompany:${ctx.mappingName}`,
    };
  },
  // The merged upsert must find the same company and associate the same contacts as the two in
  // order: a search dropped, a different createNewCompany or another contact would change that.
  merge(into, later) {
    const sameLookup = into.groupid === later.groupid && into.createNew === later.createNew &&
      stableKey(into.searchFields ?? {}) === stableKey(later.searchFields ?? {});
    if (!sameLookup || contactsKey(into.contacts) !== contactsKey(later.contacts)) return undefined;
    return { ...later, properties: { ...into.properties, ...later.properties }, contacts: into.contacts, parts: [...partsOf(into), ...partsOf(later)] };
  },
  async perform(ops, ctx) {
    // A part's op already looked again before its first write.
    return retryParts(ops, await performCompanies(ops, ctx), async (part) => (await performCompanies([part], { ...ctx, order: undefined }))[0]!);
  },
};

/**
 * Finds the contacts, then the companies, writes them and associates them: one outcome per op.
 * The ops after the first whose lookup an earlier one's write changes are looked up again after
 * those: sent back to wait for them, or, one at a time, in this batch with the contacts already
 * found (no company write changes those). Ops whose companies an earlier unsettled op outside the
 * batch may find or change go back to wait for it (look-again.ts).
 */
async function performCompanies(ops: OpHandle<CompanyOp>[], ctx: PerformContext): Promise<PerformOutcome[]> {
  const out = new Outcomes(ops);
  const noProperty = await ensureGroupIdProperty(ops, ctx);
  if (noProperty) {
    out.failAll(ops, noProperty);
    return out.list();
  }
  const { live, contactIds } = await resolveContacts(ops, ctx, out);
  // A batch holds its ops in the order they became ready; one at a time is in input order.
  live.sort((a, b) => a.id - b.id);
  const going = new Set<OpHandle>(ops);
  for (let rest = live; rest.length; ) {
    const { found, cut } = await lookUp(rest, going, out, ctx);
    const now = cut.filter((op) => going.has(op));
    const { creates, updates } = settleFindings(now, found, out);
    const standIns = new Set(now.filter((op) => contactIds.get(op)?.some(isUnknownId)));
    const written = await writeCompanies(creates, updates, ctx, out, standIns);
    await associateContacts(written, contactIds, ctx, out);
    rest = rest.slice(cut.length);
    // The rest look up again once the ops just written have settled, and so are journaled: a run
    // killed between the two writes would otherwise apply those ops again over the rest's.
    if (rest.length && ctx.order) {
      for (const op of rest) out.again(op, now);
      break;
    }
  }
  return out.list();
}

/**
 * Looks up the first ops of `rest` that find what they would one at a time (locate.ts), and
 * sends back those whose companies an earlier unsettled op may still find or change (look-again.ts).
 */
async function lookUp(rest: OpHandle<CompanyOp>[], going: Set<OpHandle>, out: Outcomes, ctx: PerformContext) {
  const watch = ctx.lookupsUnknown ? undefined : ctx.order?.watch('companies', [...going]);
  try {
    const found = await locate(rest, ctx, watch?.properties);
    const cut = rest.slice(0, unmovedPrefix(rest, found));
    if (watch) {
      const again = await lookAgain(cut, found, watch, going, ctx);
      for (const [op, after] of again.back) out.again(op, after);
      for (const [op, failure] of again.failed) out.fail(op, failure);
    }
    return { found, cut };
  } finally {
    if (watch) ctx.order!.release(watch);
  }
}
