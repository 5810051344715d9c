import { MAX_CRM_BATCH } from '../../hubspot/api.js';
import type { FailureDetail, OpHandle } from '../../model.js';
import { hubspotFailure, isOk } from '../shared/hubspot-answers.js';
import { propertyKeys, stateKey } from '../shared/keys.js';
import type { PerformContext, Watch } from '../types.js';
import { SEGMENT_GROUP_ID } from './group-id-property.js';
import type { Finding } from './locate.js';
import { valuesOf } from './lookups.js';
import type { CompanyOp } from './types.js';

type Op = OpHandle<CompanyOp>;

/**
 * An op whose lookup may be stale looks again up to this many times; then it waits for every
 * earlier unsettled op touching companies, after which its lookup is what one at a time would see.
 */
const MAX_RETURNS = 3;

export interface LookedAgain {
  /** Ops that write nothing now: what each waits for before it is performed again (none: at once). */
  back: Map<Op, OpHandle[]>;
  failed: Map<Op, FailureDetail>;
}

/**
 * Before a batch writes the companies its ops found, looks at them again (RunOrder): a company
 * holding a value that an earlier unsettled op outside the batch reads or writes may be found, or
 * moved away from that value, by that op, so its op goes back to wait for it. A company may also
 * have changed since the lookup: read by segment_group_id, it had the values the read gave, and an
 * op that touches one of them and settled since may have changed it; found by a search, it is read
 * again, and one that no longer holds what found it, or that an op touching its values may have
 * changed while that read was under way, changed. Such an op looks again. Only ops with an earlier
 * op touching companies unsettled at the lookup (the watch, taken before it): for the others
 * nothing was left to change what they found.
 */
export async function lookAgain(ops: Op[], found: Map<Op, Finding>, watch: Watch, going: Set<OpHandle>, ctx: PerformContext): Promise<LookedAgain> {
  const result: LookedAgain = { back: new Map(), failed: new Map() };
  const order = ctx.order;
  if (!order || !watch.properties.size) return result;
  const searched = new Map<Op, string[]>();
  for (const op of ops) {
    const f = found.get(op)!;
    if (op.id > watch.oldest && f.kind === 'searched' && f.found.ok && f.found.hits.length) searched.set(op, f.found.hits);
  }
  const properties = [...new Set([SEGMENT_GROUP_ID, ...watch.properties, ...[...searched.keys()].flatMap((op) => Object.keys(op.data.searchFields ?? {}))])];
  // Taken before the read: an op settling after it may have written before or after the read saw the company.
  const reread = searched.size ? order.watch('companies', [...going]) : undefined;
  let read: Awaited<ReturnType<typeof readCompanies>> | undefined;
  try {
    read = searched.size ? await readCompanies([...new Set([...searched.values()].flat())], properties, [...searched.keys()], ctx) : undefined;
  } finally {
    if (reread) order.release(reread);
  }
  const settle = (op: Op, blockers: OpHandle[], stale: boolean) => {
    if (!blockers.length && !stale) return;
    // Past the returns, stale again: it waits for all that came before (none left: its next lookup is exact).
    const after = blockers.length || order.returns(op) < MAX_RETURNS ? blockers : order.earlierTouching(op, 'companies', going);
    result.back.set(op, after);
    going.delete(op);
  };
  for (const op of ops) {
    if (op.id < watch.oldest) continue;
    const f = found.get(op)!;
    if (f.kind === 'byGroupId') {
      const keys = propertyKeys('companies', f.values);
      settle(op, order.blockers(op, keys, going), order.changedSince(watch, keys));
      continue;
    }
    const hits = searched.get(op);
    if (!hits || !read) continue;
    if (!read.ok) {
      result.failed.set(op, read.failure);
      going.delete(op);
      continue;
    }
    const companies = hits.map((id) => read.values.get(id));
    const fields = Object.entries(op.data.searchFields ?? {});
    const moved = companies.some((c) => !c || !fields.some(([p, v]) => c[p] !== undefined && c[p] !== null && stateKey('companies', p, c[p]) === stateKey('companies', p, v)));
    const keys = companies.flatMap((c) => propertyKeys('companies', c));
    settle(op, order.blockers(op, keys, going), moved || order.changedSince(reread!, keys));
  }
  return result;
}

/** The companies' current values of these properties, by id (one missing: archived or merged away). */
async function readCompanies(ids: string[], properties: string[], ops: Op[], ctx: PerformContext): Promise<{ ok: true; values: Map<string, Record<string, unknown>> } | { ok: false; failure: FailureDetail }> {
  const values = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < ids.length; i += MAX_CRM_BATCH) {
    const res = await ctx.send(
      {
        method: 'POST',
        path: ctx.paths.batch('companies', 'read'),
        body: { properties, inputs: ids.slice(i, i + MAX_CRM_BATCH).map((id) => ({ id })) },
        when: 'other unsettled operations touch companies: what the lookup found is looked at again before it is written',
      },
      ops,
    );
    if (!isOk(res)) return { ok: false, failure: hubspotFailure(res, 'reading again the companies found, before writing them') };
    for (const r of res.body?.results ?? []) values.set(String(r.id), valuesOf(r, properties));
  }
  return { ok: true, values };
}
