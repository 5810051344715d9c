import { paths, MAX_CRM_BATCH } from '../../hubspot/api.js';
import { flattenObject, definedOnly } from '../shared/flatten.js';
import { hubspotFailure, isOk } from '../shared/hubspot-answers.js';
import { writeRecords } from '../shared/batch-write.js';
import { hasFields } from '../shared/search.js';
import { PayloadError, type ActionDefinition, type OpHandle, type PrepareContext } from '../types.js';
import { fields } from './fields.js';
import { checkMapping } from './checks.js';
import { MISSING_IDENTITY, RESTRICTED_PROPERTY, SEGMENT_GROUP_ID } from './errors.js';
import { ensureGroupIdProperty, searchCompanies } from './lookups.js';
import { associateContacts, type ContactRef } from './associate.js';

export interface CompanyPayload {
  groupid: string;
  createNewCompany: boolean;
  associateContact: boolean;
  companysearchfields?: Record<string, unknown>;
  name?: string;
  description?: string;
  address?: string;
  city?: string;
  state?: string;
  zip?: string;
  domain?: string;
  phone?: string;
  numberofemployees?: number;
  industry?: string;
  lifecyclestage?: string;
  properties?: Record<string, unknown>;
}

export interface CompanyOp {
  groupid: string;
  properties: Record<string, unknown>;
  createNew: boolean;
  searchFields?: Record<string, unknown>;
  /** The contacts to associate; several when events for one company were merged. */
  contacts: ContactRef[];
}

const TRIMMED = ['name', 'description', 'address', 'city', 'state', 'zip', 'domain', 'phone'] as const;

/** Segment's property order: standard fields trimmed, then segment_group_id, then custom ones (which win). */
function companyProperties(p: CompanyPayload): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const k of TRIMMED) props[k] = p[k]?.trim();
  props.numberofemployees = p.numberofemployees;
  props.industry = p.industry?.trim();
  props.lifecyclestage = p.lifecyclestage?.toLocaleLowerCase().trim();
  props[SEGMENT_GROUP_ID] = p.groupid;
  return definedOnly({ ...props, ...(flattenObject(p.properties) ?? {}) });
}

/**
 * The contact to associate: the same event's Upsert Contact (as in Segment), else (beyond Segment)
 * the contact an earlier event upserted for this userId or anonymousId, else the event's email.
 */
function contactRef(ctx: PrepareContext): ContactRef | undefined {
  const e = ctx.event;
  const identities = [e.userId, e.anonymousId].filter((v): v is string => typeof v === 'string' && v !== '');
  const rawEmail = [e.traits?.email, e.context?.traits?.email, e.properties?.email].find((v) => typeof v === 'string' && v.includes('@'));
  const emailKey = typeof rawEmail === 'string' ? rawEmail.trim().toLowerCase() : undefined;
  const op =
    ctx.contactOfSameEvent ??
    identities.map((i) => ctx.latestOp(`user:${i}`)).find(Boolean) ??
    (emailKey ? ctx.latestOp(`email:${emailKey}`) : undefined);
  if (!op && identities.length === 0 && !emailKey) return undefined;
  return { op, identities, emailKey };
}

export const upsertCompany: ActionDefinition<CompanyPayload, CompanyOp> = {
  name: 'upsertCompany',
  title: 'Upsert Company',
  description: 'Create or update a company keyed by the Segment group id, and associate it with the contact.',
  defaultTrigger: 'type = "group"',
  fields,
  checkMapping,
  prepare(payload, ctx) {
    if (payload.properties?.[SEGMENT_GROUP_ID]) throw new PayloadError(RESTRICTED_PROPERTY, `properties.${SEGMENT_GROUP_ID}`);
    const contacts: ContactRef[] = [];
    if (payload.associateContact) {
      const ref = contactRef(ctx);
      if (!ref) throw new PayloadError(MISSING_IDENTITY, 'associateContact');
      contacts.push(ref);
    }
    return {
      data: {
        groupid: payload.groupid,
        properties: companyProperties(payload),
        createNew: payload.createNewCompany !== false,
        searchFields: hasFields(payload.companysearchfields) ? payload.companysearchfields : undefined,
        contacts,
      },
      key: `company:${payload.groupid}`,
      after: contacts.flatMap((c) => (c.op ? [c.op] : [])),
      batchSize: MAX_CRM_BATCH,
      lane: `upsertCompany:${ctx.mappingName}`,
    };
  },
  merge(into, later) {
    return { ...later, properties: { ...into.properties, ...later.properties }, contacts: [...into.contacts, ...later.contacts] };
  },
  async perform(ops, ctx) {
    if (!(await ensureGroupIdProperty(ops, ctx))) return;
    const upserts = ops.filter((o) => o.data.createNew && !o.data.searchFields);
    const lookups = ops.filter((o) => !upserts.includes(o));
    const creates: OpHandle<CompanyOp>[] = [];
    const updates: Array<{ op: OpHandle<CompanyOp>; id: string }> = [];

    if (lookups.length) {
      const found = await readByGroupId(lookups, ctx);
      const toSearch: OpHandle<CompanyOp>[] = [];
      for (const op of lookups) {
        if (op.outcome) continue;
        const id = found.get(op.data.groupid);
        if (id) updates.push({ op, id });
        else if (op.data.searchFields) toSearch.push(op);
        else if (op.data.createNew) creates.push(op);
        else ctx.skip(op, `no company has segment_group_id "${op.data.groupid}" and createNewCompany is false`);
      }
      for (const [op, hit] of await searchCompanies(toSearch, ctx)) {
        if (hit) updates.push({ op, id: hit });
        else if (op.data.createNew) creates.push(op);
        else ctx.skip(op, 'no company matched and createNewCompany is false');
      }
    }

    const done: OpHandle<CompanyOp>[] = [];
    type Item = { op: OpHandle<CompanyOp>; id?: string };
    const write = async (kind: 'upsert' | 'create' | 'update', items: Item[], inputOf: (i: Item) => Record<string, unknown>, when?: string) => {
      if (!items.length) return;
      const results = await writeRecords(ctx, 'companies', kind, items, inputOf, {
        when,
        // Results come back in any order: by id for updates, else by the segment_group_id they carry.
        matchResult: (rec, some) => some.find((i) => (i.id ? i.id === String(rec?.id) : String(rec?.properties?.[SEGMENT_GROUP_ID]) === i.op.data.groupid)),
      });
      for (const [item, r] of results) {
        if (!r.ok) ctx.fail(item.op, r.failure);
        else {
          item.op.recordId = item.id ?? String(r.record.id);
          done.push(item.op);
        }
      }
    };
    // Companies to create are upserted on segment_group_id too: a retry after a lost answer cannot duplicate one.
    await write('upsert', [...upserts, ...creates].map((op) => ({ op })), (i) => ({ idProperty: SEGMENT_GROUP_ID, id: i.op.data.groupid, properties: i.op.data.properties }));
    await write('update', updates, (i) => ({ id: i.id, properties: i.op.data.properties }), 'a company was found by segment_group_id or by the search fields');
    await associateContacts(done, ctx);
  },
};

/** One request for up to 100 companies by segment_group_id, instead of Segment's PATCH per event. */
async function readByGroupId(ops: OpHandle<CompanyOp>[], ctx: Parameters<typeof upsertCompany.perform>[1]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const res = await ctx.send(
    {
      method: 'POST',
      path: paths.batch('companies', 'read'),
      body: { properties: [SEGMENT_GROUP_ID], idProperty: SEGMENT_GROUP_ID, inputs: [...new Set(ops.map((o) => o.data.groupid))].map((id) => ({ id })) },
    },
    ops,
  );
  if (!isOk(res)) {
    const failure = hubspotFailure(res, 'reading companies by segment_group_id');
    for (const op of ops) ctx.fail(op, failure);
    return found;
  }
  for (const r of res.body?.results ?? []) {
    const gid = r?.properties?.[SEGMENT_GROUP_ID];
    if (gid !== undefined) found.set(String(gid), String(r.id));
  }
  return found;
}
