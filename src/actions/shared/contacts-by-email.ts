import { MAX_CRM_BATCH } from '../../hubspot/api.js';
import type { FailureDetail, OpHandle } from '../../model.js';
import type { PerformContext } from '../types.js';
import { errorIds, hubspotFailure, isOk } from './hubspot-answers.js';
import { objectName } from './keys.js';

export interface ContactsByEmail {
  /** The contact id for each email (lower-cased) found, as primary or additional email. */
  ids: Map<string, string>;
  /** The emails whose read failed (not "not found": that is simply absent from both maps). */
  failures: Map<string, FailureDetail>;
  /** Each contact's lifecycle stage as read, by contact id (absent when it has none). */
  stages: Map<string, string>;
}

/**
 * Finds contacts by email with batch/read, 100 emails a request. Unlike a search, a read by id
 * property sees every write HubSpot has answered, so it is the lookup to trust for what earlier
 * events (of this run, too) wrote. HubSpot also finds a contact by one of its additional emails;
 * the primary email wins when both match.
 */
export async function readContactsByEmail(
  ctx: PerformContext,
  emails: string[],
  opsFor: (emails: string[]) => OpHandle[],
  opts: { context: string; when?: string },
): Promise<ContactsByEmail> {
  const out: ContactsByEmail = { ids: new Map(), failures: new Map(), stages: new Map() };
  const all = [...new Set(emails)];
  for (let i = 0; i < all.length; i += MAX_CRM_BATCH) {
    const chunk = all.slice(i, i + MAX_CRM_BATCH);
    const res = await ctx.send(
      {
        method: 'POST',
        path: ctx.paths.batch('contacts', 'read'),
        body: { properties: ['email', 'lifecyclestage', 'hs_additional_emails'], idProperty: 'email', inputs: chunk.map((id) => ({ id })) },
        when: opts.when,
      },
      opsFor(chunk),
    );
    if (!isOk(res)) {
      const failure = hubspotFailure(res, opts.context);
      for (const e of chunk) out.failures.set(e, failure);
      continue;
    }
    collectIds(res.body?.results ?? [], new Set(chunk), out.ids);
    for (const r of res.body?.results ?? []) if (r?.properties?.lifecyclestage) out.stages.set(String(r.id), String(r.properties.lifecyclestage));
    for (const err of res.body?.errors ?? []) {
      if (err?.category === 'OBJECT_NOT_FOUND') continue;
      const failure = hubspotFailure({ status: 400, body: err, headers: res.headers }, opts.context);
      const named = errorIds(err).map((id) => id.toLowerCase()).filter((e) => chunk.includes(e));
      for (const e of named.length ? named : chunk) if (!out.ids.has(e)) out.failures.set(e, failure);
    }
  }
  return out;
}

function collectIds(results: any[], wanted: Set<string>, ids: Map<string, string>): void {
  for (const r of results) {
    const primary = String(r?.properties?.email ?? '').trim().toLowerCase();
    if (wanted.has(primary)) ids.set(primary, String(r.id));
  }
  for (const r of results) {
    for (const e of String(r?.properties?.hs_additional_emails ?? '').split(';')) {
      const email = e.trim().toLowerCase();
      if (email && wanted.has(email) && !ids.has(email)) ids.set(email, String(r.id));
    }
  }
}

/**
 * Contacts by email as an association target: what this run upserted is known, the rest is read
 * by email (consistent, where a search would lag). Gives the ids found for each email (none or
 * one), or the failure of its read.
 */
export async function findContactsByEmail(ctx: PerformContext, emails: string[], ops: OpHandle[], when?: string): Promise<Map<string, string[] | FailureDetail>> {
  const out = new Map<string, string[] | FailureDetail>();
  const unknown: string[] = [];
  for (const email of new Set(emails.map((e) => e.trim().toLowerCase()))) {
    // Email is unique among contacts: one this run wrote is the one.
    const id = ctx.run.records.lookup('contacts', 'email', email)?.ids[0] ?? ctx.run.ids.get(`email:${email}`);
    if (id) out.set(email, [id]);
    else unknown.push(email);
  }
  if (!unknown.length) return out;
  const read = await readContactsByEmail(ctx, unknown, () => ops, { context: 'reading the contacts to associate by email', when });
  for (const email of unknown) {
    const id = read.ids.get(email);
    out.set(email, read.failures.get(email) ?? (id ? [id] : []));
  }
  return out;
}

/** True when an association target is a contact found by its email alone. */
export const byEmailOnly = (objectType: string, fields: Record<string, unknown>): boolean =>
  objectName(objectType) === 'contacts' && Object.keys(fields).length === 1 && typeof fields.email === 'string';
