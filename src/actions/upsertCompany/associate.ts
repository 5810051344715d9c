import { MAX_CRM_BATCH } from '../../hubspot/api.js';
import type { FailureDetail, OpHandle } from '../../model.js';
import { readContactsByEmail } from '../shared/contacts-by-email.js';
import { IF_LOOKUP_FINDS, isUnknownId, refusedPairs, unknownId } from '../shared/associations.js';
import { hubspotFailure, isOk } from '../shared/hubspot-answers.js';
import { contactIdFor } from '../shared/identities.js';
import type { Outcomes } from '../shared/outcomes.js';
import type { PerformContext } from '../types.js';
import { MISSING_IDENTITY } from './messages.js';
import type { CompanyOp, ContactRef } from './types.js';

type Op = OpHandle<CompanyOp>;

/** The contact ids each company is to be associated with, found before anything is written. */
export type ContactIds = Map<Op, string[]>;

/** What a company write depends on when the dry-run stood in for a contact it did not look up. */
export const IF_CONTACT_FOUND = 'the read finds the contact to associate by email (else the event fails and its company is not written)';

/**
 * Finds the contact of every company that associates one, before any company is written: Segment's
 * rule is "If no contact is found in HubSpot, an error is thrown and the company is not
 * created/updated". Fails those whose contact failed, is unknown or could not be read; gives the
 * others with their contact ids.
 */
export async function resolveContacts(ops: Op[], ctx: PerformContext, out: Outcomes): Promise<{ live: Op[]; contactIds: ContactIds }> {
  const contactIds: ContactIds = new Map();
  const byEmail: Array<{ op: Op; email: string }> = [];
  const failed = new Set<Op>();
  const fail = (op: Op, failure: FailureDetail) => {
    if (failed.has(op)) return;
    failed.add(op);
    out.fail(op, failure);
  };
  for (const op of ops) {
    contactIds.set(op, []);
    for (const ref of op.data.contacts) {
      const id = knownContact(ref, ctx);
      if (typeof id === 'object') fail(op, id);
      else if (id) contactIds.get(op)!.push(id);
      else if (ref.emailKey) byEmail.push({ op, email: ref.emailKey });
      else fail(op, { kind: 'dependency', message: MISSING_IDENTITY, field: 'associateContact' });
    }
  }
  const wanted = byEmail.filter((w) => !failed.has(w.op));
  if (wanted.length) {
    const read = await readContactsByEmail(ctx, wanted.map((w) => w.email), () => [...new Set(wanted.map((w) => w.op))], { context: 'reading the contact to associate by email' });
    for (const { op, email } of wanted) {
      const id = read.ids.get(email);
      const failure = read.failures.get(email);
      if (failure) fail(op, failure);
      else if (id) contactIds.get(op)!.push(id);
      // The dry-run read nothing: the live run's answer decides, so the company is shown as depending on it.
      else if (ctx.lookupsUnknown) contactIds.get(op)!.push(unknownId('contacts', { email }));
      else fail(op, { kind: 'dependency', message: `${MISSING_IDENTITY} (no contact has the email ${email})`, field: 'associateContact' });
    }
  }
  return { live: ops.filter((op) => !failed.has(op)), contactIds };
}

/** The same event's contact once upserted, else the contact this run knows for the user or email; a failure when that contact failed. */
function knownContact(ref: ContactRef, ctx: PerformContext): string | undefined | FailureDetail {
  const outcome = ref.op?.outcome;
  if (outcome?.kind === 'failed') return { kind: 'dependency', message: `the company was not upserted: its contact failed (${outcome.error.message})` };
  return ref.op?.recordId ?? contactIdFor(ctx.run, ref);
}

type Pair = { op: Op; companyId: string; contactId: string };

/**
 * Associates upserted companies with their contacts, 100 pairs a request (HubSpot's default
 * company-to-contact association, what Segment's v3 PUT creates), and settles every one of them.
 */
export async function associateContacts(upserted: Op[], contactIds: ContactIds, ctx: PerformContext, out: Outcomes): Promise<void> {
  const pairs = upserted.flatMap((op) => (contactIds.get(op) ?? []).map((contactId) => ({ op, companyId: op.recordId!, contactId })));
  const failures = await sendAssociations(pairs, ctx);
  for (const op of upserted) {
    const failure = failures.get(op);
    if (failure) out.fail(op, failure);
    else out.deliver(op);
  }
}

/** The first failure of each op whose association HubSpot refused. */
async function sendAssociations(pairs: Pair[], ctx: PerformContext): Promise<Map<Op, FailureDetail>> {
  const failures = new Map<Op, FailureDetail>();
  const add = (op: Op, f: FailureDetail) => {
    if (!failures.has(op)) failures.set(op, f);
  };
  const list = [...new Map(pairs.map((p) => [`${p.companyId}>${p.contactId}`, p])).values()];
  for (let i = 0; i < list.length; i += MAX_CRM_BATCH) {
    const chunk = list.slice(i, i + MAX_CRM_BATCH);
    const res = await ctx.send(
      {
        method: 'POST',
        path: ctx.paths.associationsBatchDefault('companies', 'contacts'),
        body: { inputs: chunk.map((p) => ({ from: { id: p.companyId }, to: { id: p.contactId } })) },
        budget: 'exempt',
        when: chunk.some((p) => isUnknownId(p.contactId)) ? IF_LOOKUP_FINDS : undefined,
      },
      chunk.map((p) => p.op),
    );
    if (!isOk(res)) {
      for (const p of chunk) add(p.op, hubspotFailure(res, 'associating the company with its contact'));
      continue;
    }
    const refused = refusedPairs(res, chunk.map((p) => ({ from: p.companyId, to: p.contactId, op: p.op })), 'associating the company with its contact');
    for (const [p, failure] of refused) add(p.op, failure);
  }
  return failures;
}
