import { paths, MAX_CRM_BATCH } from '../../hubspot/api.js';
import type { FailureDetail, OpHandle } from '../../model.js';
import { readContactsByEmail } from '../shared/contacts-by-email.js';
import { hubspotFailure, isOk } from '../shared/hubspot-answers.js';
import { contactIdFor } from '../shared/identities.js';
import type { Outcomes } from '../shared/outcomes.js';
import type { PerformContext } from '../types.js';
import { MISSING_IDENTITY } from './messages.js';
import type { CompanyOp, ContactRef } from './types.js';

type Pair = { op: OpHandle<CompanyOp>; companyId: string; contactId: string };

/** The first failure of each op: an op with several contacts fails with the first that went wrong. */
class Failures extends Map<OpHandle<CompanyOp>, FailureDetail> {
  add(op: OpHandle<CompanyOp>, failure: FailureDetail): void {
    if (!this.has(op)) this.set(op, failure);
  }
}

/**
 * Associates upserted companies with their contacts, 100 pairs a request (HubSpot's default
 * company-to-contact association, what Segment's v3 PUT creates), once the contact ids are known,
 * and settles every one of the companies.
 */
export async function associateContacts(upserted: OpHandle<CompanyOp>[], ctx: PerformContext, out: Outcomes): Promise<void> {
  const failures = new Failures();
  const pairs: Pair[] = [];
  const unresolved: Array<{ op: OpHandle<CompanyOp>; ref: ContactRef }> = [];
  for (const op of upserted) {
    const failedContact = op.data.contacts.find((ref) => ref.op?.outcome?.kind === 'failed')?.op?.outcome;
    if (failedContact?.kind === 'failed') {
      failures.add(op, { kind: 'dependency', message: `the company was upserted but not associated: its contact failed (${failedContact.error.message})` });
      continue;
    }
    for (const ref of op.data.contacts) {
      const contactId = ref.op?.recordId ?? contactIdFor(ctx.run, ref);
      if (contactId) pairs.push({ op, companyId: op.recordId!, contactId });
      else unresolved.push({ op, ref });
    }
  }
  pairs.push(...(await resolveByEmail(unresolved, ctx, failures)));
  await sendAssociations(pairs.filter((p) => !failures.has(p.op)), ctx, failures);
  for (const op of upserted) {
    const failure = failures.get(op);
    if (failure) out.fail(op, failure);
    else out.deliver(op);
  }
}

async function sendAssociations(pairs: Pair[], ctx: PerformContext, failures: Failures): Promise<void> {
  const list = [...new Map(pairs.map((p) => [`${p.companyId}>${p.contactId}`, p])).values()];
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
    if (!isOk(res)) {
      for (const p of chunk) failures.add(p.op, hubspotFailure(res, 'associating the company with its contact'));
      continue;
    }
    for (const err of res.body?.errors ?? []) {
      const ids: string[] = [...(err?.context?.fromObjectId ?? []), ...(err?.context?.toObjectId ?? []), ...(err?.context?.ids ?? [])].map(String);
      const failure = hubspotFailure({ status: 400, body: err, headers: res.headers }, 'associating the company with its contact');
      for (const p of chunk) if (ids.includes(p.companyId) || ids.includes(p.contactId)) failures.add(p.op, failure);
    }
  }
}

/** Contacts known only by the event's email (not upserted in this run): one batch read finds their ids. */
async function resolveByEmail(unresolved: Array<{ op: OpHandle<CompanyOp>; ref: ContactRef }>, ctx: PerformContext, failures: Failures): Promise<Pair[]> {
  const withEmail = unresolved.filter((u) => u.ref.emailKey);
  for (const u of unresolved) if (!u.ref.emailKey) failures.add(u.op, { kind: 'dependency', message: MISSING_IDENTITY, field: 'associateContact' });
  if (!withEmail.length) return [];
  const read = await readContactsByEmail(ctx, withEmail.map((u) => u.ref.emailKey!), () => withEmail.map((u) => u.op), { context: 'reading contacts by email' });
  const pairs: Pair[] = [];
  for (const u of withEmail) {
    const contactId = read.ids.get(u.ref.emailKey!);
    if (contactId) pairs.push({ op: u.op, companyId: u.op.recordId!, contactId });
    else failures.add(u.op, { kind: 'dependency', message: `${MISSING_IDENTITY} (no contact has the email ${u.ref.emailKey})`, field: 'associateContact' });
  }
  return pairs;
}
