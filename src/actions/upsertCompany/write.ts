import type { OpHandle } from '../../model.js';
import { writeRecords } from '../shared/batch-write.js';
import type { Outcomes } from '../shared/outcomes.js';
import type { PerformContext } from '../types.js';
import { IF_CONTACT_FOUND } from './associate.js';
import { SEGMENT_GROUP_ID } from './group-id-property.js';
import type { CompanyOp } from './types.js';

type Item = { op: OpHandle<CompanyOp>; id?: string };

/** A company found: by its segment_group_id, or by the search fields. */
export type CompanyUpdate = { op: OpHandle<CompanyOp>; id: string; byGroupId?: boolean };

/**
 * Writes the companies: those to create are upserted on segment_group_id (a retry after a lost
 * answer cannot duplicate one), those found are updated by id. A company found by its
 * segment_group_id goes in the same upsert, which updates it (one request fewer a batch), unless
 * another op of the batch updates the same record, whose order the updates by id keep. Fails the
 * writes HubSpot refused; gives the others, each with its record id set.
 */
export async function writeCompanies(
  creates: OpHandle<CompanyOp>[],
  found: CompanyUpdate[],
  ctx: PerformContext,
  out: Outcomes,
  standIns: ReadonlySet<OpHandle<CompanyOp>> = new Set(),
): Promise<OpHandle<CompanyOp>[]> {
  const written: OpHandle<CompanyOp>[] = [];
  const write = async (kind: 'upsert' | 'update', items: Item[], inputOf: (i: Item) => Record<string, unknown>, when?: string) => {
    if (!items.length) return;
    // The dry-run stood in for a contact it did not read: the live run writes these companies only if the read finds it.
    const also = items.some((i) => standIns.has(i.op)) ? IF_CONTACT_FOUND : undefined;
    const results = await writeRecords(ctx, 'companies', kind, items, inputOf, {
      when: [when, also].filter(Boolean).join('; ') || undefined,
      // Results come back in any order: by id for updates, else by the segment_group_id they carry.
      matchResult: (rec, some) => some.find((i) => (i.id ? i.id === String(rec?.id) : String(rec?.properties?.[SEGMENT_GROUP_ID]) === i.op.data.groupid)),
    });
    for (const [item, r] of results) {
      if (!r.ok) out.fail(item.op, r.failure);
      else {
        item.op.recordId = item.id ?? String(r.record.id);
        ctx.run.records.remember('companies', item.op.recordId, item.op.data.properties);
        written.push(item.op);
      }
    }
  };
  const times = new Map<string, number>();
  for (const u of found) times.set(u.id, (times.get(u.id) ?? 0) + 1);
  // createNewCompany false: an upsert would create a company deleted since the read.
  const upserted = new Set(found.filter((u) => u.byGroupId && u.op.data.createNew && times.get(u.id) === 1));
  const updates = found.filter((u) => !upserted.has(u));
  const upserts: Item[] = [...creates.map((op) => ({ op })), ...upserted];
  await write('upsert', upserts, (i) => ({ idProperty: SEGMENT_GROUP_ID, id: i.op.data.groupid, properties: i.op.data.properties }));
  for (const round of byOccurrence(updates)) {
    await write('update', round, (i) => ({ id: i.id, properties: i.op.data.properties }), 'a company was found by segment_group_id or by the search fields');
  }
  return written;
}

/**
 * HubSpot answers 400 to a batch/update naming one id twice, and two groups may find the same
 * company by search: the n-th update of each id goes in the n-th request, so they land in input
 * order.
 */
function byOccurrence<T extends { id: string }>(updates: T[]): T[][] {
  const rounds: T[][] = [];
  const seen = new Map<string, number>();
  for (const u of updates) {
    const n = seen.get(u.id) ?? 0;
    seen.set(u.id, n + 1);
    (rounds[n] ??= []).push(u);
  }
  return rounds;
}
