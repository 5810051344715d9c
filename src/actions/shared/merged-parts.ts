import type { FailureDetail, OpHandle, OpOutcome, PerformOutcome } from '../../model.js';

/** Data that remembers, once merged, the data of each event merged into it, in input order. */
export interface Mergeable<D> {
  parts?: D[];
}

/** The data of each event an op carries: its parts when merged, else itself. */
export function partsOf<D extends Mergeable<D>>(d: D): D[] {
  return d.parts ?? [{ ...d, parts: undefined }];
}

/** Parts go without the run's order (their op already passed its look again), so none goes back. */
function settledPart(o: PerformOutcome): OpOutcome {
  return o.kind === 'again' ? { kind: 'failed', error: { kind: 'internal', message: 'internal error: a part of a merged operation was sent back to wait' } } : o;
}

/** A refusal of what was sent (a property value HubSpot does not accept), not of the request's circumstances. */
const refusedAsInvalid = (e: FailureDetail) => e.kind === 'hubspot' && (e.status === 400 || e.category === 'VALIDATION_ERROR');

/**
 * A merged op that HubSpot refused as invalid wrote nothing; one bad event must not sink the events
 * merged with it. Its parts are applied again one by one, in input order, as the events would have
 * been one at a time: the op is delivered when all of them are, else failed with the first failure
 * and every part's own outcome.
 */
export async function retryParts<D extends Mergeable<D>>(ops: OpHandle<D>[], outcomes: PerformOutcome[], performPart: (part: OpHandle<D>) => Promise<PerformOutcome>): Promise<PerformOutcome[]> {
  const out = [...outcomes];
  for (const [i, op] of ops.entries()) {
    const o = out[i]!;
    const parts = op.data.parts;
    if (o.kind !== 'failed' || !parts || parts.length < 2 || !refusedAsInvalid(o.error)) continue;
    const each: OpOutcome[] = [];
    for (const data of parts) {
      const part: OpHandle<D> = { ...op, data, recordId: undefined };
      each.push(settledPart(await performPart(part)));
      if (part.recordId) op.recordId = part.recordId;
    }
    const failed = each.find((p): p is Extract<OpOutcome, { kind: 'failed' }> => p.kind === 'failed');
    out[i] = failed ? { kind: 'failed', error: failed.error, parts: each } : { kind: 'delivered' };
  }
  return out;
}
