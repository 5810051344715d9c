import { paths } from '../../hubspot/api.js';
import type { HubSpotRequest, HubSpotResponse } from '../../hubspot/transport.js';
import type { FailureDetail, OpHandle, PerformContext } from '../types.js';
import { errorTraceIds, hubspotFailure } from './hubspot-answers.js';

export type WriteResult = { ok: true; record: any } | { ok: false; failure: FailureDetail };

interface BatchWrite<I> {
  items: I[];
  opsOf(item: I): OpHandle[];
  /** Builds the request for some items; every input carries objectWriteTraceId = traceOf(item). */
  request(items: I[]): HubSpotRequest;
  traceOf(item: I): string;
  /** Finds the item a result record belongs to when HubSpot does not echo the trace id. */
  matchResult?(record: any, items: I[]): I | undefined;
}

/**
 * Sends a CRM batch write so that one bad record cannot sink the others: with objectWriteTraceId on
 * every input HubSpot answers 207 with per-record errors; a batch still rejected whole (a 4xx) is
 * split in halves until the bad records are isolated and the good ones land.
 */
async function writeBatch<I>(w: BatchWrite<I>, ctx: PerformContext): Promise<Map<I, WriteResult>> {
  const out = new Map<I, WriteResult>();
  await writeSome(w, w.items, ctx, out);
  return out;
}

async function writeSome<I>(w: BatchWrite<I>, items: I[], ctx: PerformContext, out: Map<I, WriteResult>): Promise<void> {
  if (items.length === 0) return;
  const res: HubSpotResponse = await ctx.send(w.request(items), items.flatMap((i) => w.opsOf(i)));
  if (res.status >= 200 && res.status < 300) {
    recordResults(w, items, res, out);
    return;
  }
  // A 409 names a record that exists (a create whose answer was lost, or one made meanwhile): the
  // caller re-reads rather than splitting, which would only find the same conflict again.
  if (res.status >= 400 && res.status < 500 && res.status !== 409 && items.length > 1) {
    const mid = Math.ceil(items.length / 2);
    await writeSome(w, items.slice(0, mid), ctx, out);
    await writeSome(w, items.slice(mid), ctx, out);
    return;
  }
  const failure = hubspotFailure(res);
  for (const item of items) out.set(item, { ok: false, failure });
}

function recordResults<I>(w: BatchWrite<I>, items: I[], res: HubSpotResponse, out: Map<I, WriteResult>): void {
  const byTrace = new Map(items.map((i) => [w.traceOf(i), i]));
  const body = (res.body ?? {}) as { results?: any[]; errors?: any[] };
  for (const err of body.errors ?? []) {
    const failure = hubspotFailure({ status: statusOf(err), body: err, headers: res.headers });
    const traces = errorTraceIds(err);
    for (const t of traces) {
      const item = byTrace.get(t);
      if (item) out.set(item, { ok: false, failure });
    }
  }
  const unmatched = items.filter((i) => !out.has(i));
  for (const record of body.results ?? []) {
    const trace = record?.objectWriteTraceId;
    let item = trace !== undefined ? byTrace.get(String(trace)) : undefined;
    if (!item && w.matchResult) item = w.matchResult(record, unmatched);
    if (item && !out.has(item)) out.set(item, { ok: true, record });
  }
  for (const item of items) {
    if (!out.has(item)) {
      out.set(item, {
        ok: false,
        failure: { kind: 'hubspot', status: res.status, message: 'HubSpot did not return this record in its answer to the batch' },
      });
    }
  }
}

function statusOf(err: any): number {
  const n = Number(err?.status);
  if (Number.isFinite(n) && n >= 100) return n;
  return err?.category === 'OBJECT_NOT_FOUND' ? 404 : err?.category === 'CONFLICT' ? 409 : 400;
}

/**
 * The usual CRM batch write: POST /crm/v3/objects/{type}/batch/{kind} with one input per item,
 * each carrying its op's id as objectWriteTraceId, through writeBatch.
 */
export function writeRecords<I extends { op: OpHandle }>(
  ctx: PerformContext,
  objectType: string,
  kind: 'create' | 'update' | 'upsert',
  items: I[],
  inputOf: (item: I) => Record<string, unknown>,
  opts: { when?: string; idempotent?: boolean; matchResult(record: any, items: I[]): I | undefined },
): Promise<Map<I, WriteResult>> {
  const trace = (i: I) => String(i.op.id);
  return writeBatch<I>(
    {
      items,
      opsOf: (i) => [i.op],
      traceOf: trace,
      request: (some) => ({
        method: 'POST',
        path: paths.batch(objectType, kind),
        body: { inputs: some.map((i) => ({ ...inputOf(i), objectWriteTraceId: trace(i) })) },
        when: opts.when,
        idempotent: opts.idempotent,
      }),
      matchResult: opts.matchResult,
    },
    ctx,
  );
}
