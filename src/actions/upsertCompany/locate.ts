import type { FailureDetail, OpHandle } from '../../model.js';
import { stateKey } from '../shared/keys.js';
import type { Outcomes } from '../shared/outcomes.js';
import type { PerformContext } from '../types.js';
import { multipleCompanies, readByGroupId, searchCompanies, type SearchFound } from './lookups.js';
import type { CompanyOp } from './types.js';
import type { CompanyUpdate } from './write.js';

type Op = OpHandle<CompanyOp>;

/** How an op's company was looked up, before anything of the batch is written. */
export type Finding =
  /** To upsert on segment_group_id: no search fields, createNewCompany true, and no company read with its id. */
  | { kind: 'create' }
  /** No company has its segment_group_id, it has no search fields and createNewCompany is false: skipped. */
  | { kind: 'none' }
  /** `values`: the company's values of the properties asked for, as the read saw them. */
  | { kind: 'byGroupId'; id: string; values: Record<string, unknown> }
  /** Its segment_group_id found none: what its search found. */
  | { kind: 'searched'; found: SearchFound }
  | { kind: 'failed'; failure: FailureDetail };

/**
 * Looks up every op's company: by segment_group_id, then by the search fields. Ops that may be
 * created without a search are upserted on segment_group_id directly; they are read too when the
 * batch holds a search, since a company that search finds takes its op's segment_group_id, and
 * may be the one such an upsert would otherwise update, and while other ops touch companies
 * (`watched`: the company an upsert would update is then looked at again, with the values of
 * these properties, look-again.ts).
 */
export async function locate(ops: Op[], ctx: PerformContext, watched?: ReadonlySet<string>): Promise<Map<Op, Finding>> {
  const found = new Map<Op, Finding>();
  const upsertOnly = (o: Op) => o.data.createNew && !o.data.searchFields;
  const readAll = !!watched?.size;
  if (!readAll && ops.every(upsertOnly)) {
    for (const op of ops) found.set(op, { kind: 'create' });
    return found;
  }
  const read = await readByGroupId(ops, ctx, watched ? [...watched] : []);
  const toSearch: Op[] = [];
  for (const op of ops) {
    const company = read.ok ? read.found.get(op.data.groupid) : undefined;
    if (!read.ok) found.set(op, upsertOnly(op) ? { kind: 'create' } : { kind: 'failed', failure: read.failure });
    else if (company) found.set(op, { kind: 'byGroupId', id: company.id, values: company.values });
    else if (op.data.searchFields) toSearch.push(op);
    else found.set(op, op.data.createNew ? { kind: 'create' } : { kind: 'none' });
  }
  for (const [op, r] of await searchCompanies(toSearch, ctx)) found.set(op, { kind: 'searched', found: r });
  return found;
}

/**
 * How many ops, from the first, looked up what they would have found one at a time: the first op
 * whose company an earlier op of the batch changes as that op's lookup saw it (the company it
 * found by segment_group_id takes another one; a company its search found gets another value of a
 * searched property) and the ops after it are looked up again once those before are written.
 * What an earlier op gives a company (a segment_group_id, a searched value) is in the keys: an op
 * looking that up never shares its batch.
 */
export function unmovedPrefix(ops: Op[], found: Map<Op, Finding>): number {
  const changed = new Map<string, { groupId: boolean; properties: Record<string, unknown> }>();
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    const f = found.get(op)!;
    if (f.kind === 'byGroupId' && changed.get(f.id)?.groupId) return i;
    if (f.kind === 'searched' && f.found.ok && f.found.hits.some((id) => movesSearch(changed.get(id)?.properties, op.data.searchFields!))) return i;
    const target = f.kind === 'byGroupId' ? f.id : f.kind === 'searched' && f.found.ok && f.found.total === 1 ? f.found.hits[0] : undefined;
    if (target === undefined) continue;
    const c = changed.get(target) ?? { groupId: false, properties: {} };
    // Found by search, the company takes this op's segment_group_id.
    if (f.kind === 'searched') c.groupId = true;
    Object.assign(c.properties, op.data.properties);
    changed.set(target, c);
  }
  return ops.length;
}

/** Whether what earlier ops wrote gives a searched property another value (keys compare as HubSpot does). */
function movesSearch(written: Record<string, unknown> | undefined, fields: Record<string, unknown>): boolean {
  if (!written) return false;
  return Object.entries(fields).some(([p, v]) => p in written && stateKey('companies', p, written[p]) !== stateKey('companies', p, v));
}

/** The findings of these ops as writes to make, skips and failures (Segment's rules), in input order. */
export function settleFindings(ops: Op[], found: Map<Op, Finding>, out: Outcomes): { creates: Op[]; updates: CompanyUpdate[] } {
  const creates: Op[] = [];
  const updates: CompanyUpdate[] = [];
  for (const op of ops) {
    const f = found.get(op)!;
    if (f.kind === 'create') creates.push(op);
    else if (f.kind === 'none') out.skip(op, `no company has segment_group_id "${op.data.groupid}" and createNewCompany is false`);
    else if (f.kind === 'failed') out.fail(op, f.failure);
    else if (f.kind === 'byGroupId') updates.push({ op, id: f.id, byGroupId: true });
    else if (!f.found.ok) out.fail(op, f.found.failure);
    else if (f.found.total > 1) out.fail(op, multipleCompanies());
    else if (f.found.hits[0]) updates.push({ op, id: f.found.hits[0] });
    else if (op.data.createNew) creates.push(op);
    else out.skip(op, 'no company matched and createNewCompany is false');
  }
  return { creates, updates };
}
