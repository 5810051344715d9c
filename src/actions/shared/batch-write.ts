import type { HubSpotResponse } from '../../hubspot/transport.js';
import type { FailureDetail, OpHandle } from '../../model.js';
import type { PerformContext } from '../types.js';
import { errorTraceIds, hubspotFailure, isOk } from './hubspot-answers.js';
import { sendSplitting } from './split-batch.js';

export type WriteResult = { ok: true; record: any } | { ok: false; failure: FailureDetail };

export interface WriteOptions<I> {
  /** The condition under which the live run sends this write, for the dry-run. */
  when?: string;
  idempotent?: boolean;
  /** Finds the item a result record belongs to when HubSpot does not echo the trace id. */
  matchResult(record: any, items: I[]): I | undefined;
}

/**
 * The usual CRM batch write: POST /crm/v3/objects/{type}/batch/{kind} with one input per item, each
 * carrying its op's id as objectWriteTraceId, so HubSpot's 207 names the failed records; a batch
 * rejected whole is split until the bad records are isolated. Gives a result for every item.
 */
export async function writeRecords<I extends { op: OpHandle }>(
  ctx: PerformContext,
  objectType: string,
  kind: 'create' | 'update' | 'upsert',
  items: I[],
  inputOf: (item: I) => Record<string, unknown>,
  opts: WriteOptions<I>,
): Promise<Map<I, WriteResult>> {
  const trace = (i: I) => String(i.op.id);
  const answers = await sendSplitting(items, (some) =>
    ctx.send(
      {
        method: 'POST',
        path: ctx.paths.batch(objectType, kind),
        body: { inputs: some.map((i) => ({ ...inputOf(i), objectWriteTraceId: trace(i) })) },
        when: opts.when,
        idempotent: opts.idempotent,
      },
      some.map((i) => i.op),
    ),
  );
  const out = new Map<I, WriteResult>();
  for (const { items: some, res } of answers) {
    if (isOk(res)) recordResults(some, res, trace, opts.matchResult, out);
    else for (const item of some) out.set(item, { ok: false, failure: hubspotFailure(res) });
  }
  return out;
}

function recordResults<I>(items: I[], res: HubSpotResponse, traceOf: (i: I) => string, matchResult: WriteOptions<I>['matchResult'], out: Map<I, WriteResult>): void {
  const byTrace = new Map(items.map((i) => [traceOf(i), i]));
  const body = (res.body ?? {}) as { results?: any[]; errors?: any[] };
  for (const err of body.errors ?? []) {
    const failure = hubspotFailure({ status: statusOf(err), body: err, headers: res.headers });
    for (const t of errorTraceIds(err)) {
      const item = byTrace.get(t);
      if (item && !out.has(item)) out.set(item, { ok: false, failure });
    }
  }
  const unmatched = items.filter((i) => !out.has(i));
  for (const record of body.results ?? []) {
    const trace = record?.objectWriteTraceId;
    let item = trace !== undefined ? byTrace.get(String(trace)) : undefined;
    if (!item) item = matchResult(record, unmatched);
    if (item && !out.has(item)) out.set(item, { ok: true, record });
  }
  for (const item of items) {
    if (!out.has(item)) {
      out.set(item, { ok: false, failure: { kind: 'hubspot', status: res.status, message: 'HubSpot did not return this record in its answer to the batch' } });
    }
  }
}

function statusOf(err: any): number {
  const n = Number(err?.status);
  if (Number.isFinite(n) && n >= 100) return n;
  return err?.category === 'OBJECT_NOT_FOUND' ? 404 : err?.category === 'CONFLICT' ? 409 : 400;
}
