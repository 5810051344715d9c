import { paths, MAX_CRM_BATCH } from '../../hubspot/api.js';
import { hubspotFailure, isOk } from '../shared/hubspot-answers.js';
import { contactIdFor } from '../shared/identities.js';
import type { OpHandle, PerformContext } from '../types.js';
import { MISSING_IDENTITY } from './errors.js';
import type { CompanyOp } from './index.js';

/** How a company op names its contact: an operation of this run, or identities to look up. */
export interface ContactRef {
  op?: OpHandle;
  identities: string[];
  emailKey?: string;
}

type Pair = { op: OpHandle<CompanyOp>; companyId: string; contactId: string };

/**
 * Associates upserted companies with their contacts, 100 pairs a request (HubSpot's default
 * company-to-contact association, what Segment's v3 PUT creates), once the contact ids are known.
 */
export async function associateContacts(done: OpHandle<CompanyOp>[], ctx: PerformContext): Promise<void> {
  const pairs: Pair[] = [];
  const unresolved: Array<{ op: OpHandle<CompanyOp>; ref: ContactRef }> = [];
  for (const op of done) {
    let ok = true;
    for (const ref of op.data.contacts) {
      if (ref.op?.outcome?.kind === 'failed') {
        ctx.fail(op, { kind: 'dependency', message: `the company was upserted but not associated: its contact failed (${ref.op.outcome.error.message})` });
        ok = false;
        break;
      }
      const contactId = ref.op?.recordId ?? contactIdFor(ctx.run, ref);
      if (contactId) pairs.push({ op, companyId: op.recordId!, contactId });
      else unresolved.push({ op, ref });
    }
    if (!ok) continue;
  }
  await resolveByEmail(unresolved, pairs, ctx);

  const live = pairs.filter((p) => !p.op.outcome);
  const unique = new Map(live.map((p) => [`${p.companyId}>${p.contactId}`, p]));
  const list = [...unique.values()];
  for (let i = 0; i < list.length; i += MAX_CRM_BATCH) {
    const chunk = list.slice(i, i + MAX_CRM_BATCH);
    const res = await ctx.send(
      {
        method: 'POST',
        path: paths.associationsBatchDefault('companies', 'contacts'),
        body: { inputs: chunk.map((p) => ({ from: { id: p.companyId }, to: { id: p.contactId } })) },
      },
      chunk.map((p) => p.op),
    );
    const failedPairs = new Set<string>();
    if (isOk(res)) {
      for (const err of res.body?.errors ?? []) {
        const ids: string[] = [...(err?.context?.fromObjectId ?? []), ...(err?.context?.toObjectId ?? []), ...(err?.context?.ids ?? [])].map(String);
        for (const p of chunk) if (ids.includes(p.companyId) || ids.includes(p.contactId)) {
          failedPairs.add(`${p.companyId}>${p.contactId}`);
          if (!p.op.outcome) ctx.fail(p.op, hubspotFailure({ status: 400, body: err, headers: res.headers }, 'associating the company with its contact'));
        }
      }
    } else {
      for (const p of chunk) if (!p.op.outcome) ctx.fail(p.op, hubspotFailure(res, 'associating the company with its contact'));
    }
  }
  for (const op of done) if (!op.outcome) ctx.deliver(op);
}

/** Contacts known only by the event's email (not upserted in this run): one batch read finds their ids. */
async function resolveByEmail(unresolved: Array<{ op: OpHandle<CompanyOp>; ref: ContactRef }>, pairs: Pair[], ctx: PerformContext): Promise<void> {
  const withEmail = unresolved.filter((u) => u.ref.emailKey);
  for (const u of unresolved) if (!u.ref.emailKey && !u.op.outcome) ctx.fail(u.op, { kind: 'dependency', message: MISSING_IDENTITY, field: 'associateContact' });
  if (!withEmail.length) return;
  const emails = [...new Set(withEmail.map((u) => u.ref.emailKey!))];
  const ids = new Map<string, string>();
  for (let i = 0; i < emails.length; i += MAX_CRM_BATCH) {
    const res = await ctx.send(
      {
        method: 'POST',
        path: paths.batch('contacts', 'read'),
        body: { properties: ['email'], idProperty: 'email', inputs: emails.slice(i, i + MAX_CRM_BATCH).map((id) => ({ id })) },
      },
      withEmail.map((u) => u.op),
    );
    for (const r of isOk(res) ? res.body?.results ?? [] : []) ids.set(String(r?.properties?.email ?? '').toLowerCase(), String(r.id));
  }
  for (const u of withEmail) {
    const contactId = ids.get(u.ref.emailKey!);
    if (contactId) pairs.push({ op: u.op, companyId: u.op.recordId!, contactId });
    else if (!u.op.outcome) ctx.fail(u.op, { kind: 'dependency', message: `${MISSING_IDENTITY} (no contact has the email ${u.ref.emailKey})`, field: 'associateContact' });
  }
}
