import { setTimeout as sleep } from 'node:timers/promises';
import { ANSWER_LOST, MAY_HAVE_HAPPENED } from '../../hubspot/transport.js';
import type { FailureDetail } from '../../model.js';

/**
 * A create with no unique key cannot be sent again blindly when its outcome is unknown: the record
 * may exist. It is looked up first (after giving HubSpot's search time to index it) and created
 * again only when missing, at most this many times in all. Each attempt follows a look-up that found
 * nothing, so more attempts cost time, never a duplicate. With 3, the harness's faulted mode (a
 * tenth of the answers lost or 5xx, about 6 in 10 of those before the write) failed an event now
 * and then: by its rates, about one create request in 4,000; with 5, about one in a million.
 */
export const MAX_CREATE_ATTEMPTS = 5;

/**
 * True when the write may or may not have taken effect: its answer was lost after sending (a
 * dropped connection, a timeout), or HubSpot answered with a server error, which a gateway may give
 * after HubSpot committed the write. The client reports these as ANSWER_LOST for non-idempotent
 * requests; a transport that passes a 5xx through is read the same way.
 */
export function outcomeUnknown(status: number | undefined): boolean {
  return status === ANSWER_LOST || (status !== undefined && status >= 500);
}

/**
 * How long to let HubSpot's search index a record whose create lost its answer, unless the run says
 * otherwise (PerformContext.searchSettleMs): "it may take a few moments for newly created objects
 * to appear in search results".
 */
export const SEARCH_SETTLE_MS = 5000;

export type Created = { id: string } | { failure: FailureDetail };
/** What a look-up after an unknown outcome found: the record, none (so create it again), or a failure. */
export type Found = { id: string } | { missing: true } | { failure: FailureDetail };

/**
 * The one policy for creates whose outcome may be unknown: create, look up those whose outcome is
 * unknown, create again only those still missing, up to MAX_CREATE_ATTEMPTS; the last attempt's
 * unknown outcome is looked up too, and only a record still missing then fails. With no way to
 * look them up, an unknown outcome is a failure. Gives each item's id or failure.
 */
export async function createOnce<I>(
  items: I[],
  create: (some: I[]) => Promise<Map<I, Created>>,
  lookUp: ((some: I[]) => Promise<Map<I, Found>>) | undefined,
  settleMs: number,
): Promise<Map<I, Created>> {
  const out = new Map<I, Created>();
  let pending = items;
  for (let attempt = 1; pending.length > 0; attempt++) {
    const created = await create(pending);
    const unknown: I[] = [];
    for (const item of pending) {
      const r = created.get(item)!;
      if (lookUp && 'failure' in r && outcomeUnknown(r.failure.status)) unknown.push(item);
      else out.set(item, r);
    }
    if (!unknown.length) break;
    await sleep(settleMs);
    const found = await lookUp!(unknown);
    pending = [];
    for (const item of unknown) {
      const r = found.get(item)!;
      if (!('missing' in r)) out.set(item, r);
      else if (attempt < MAX_CREATE_ATTEMPTS) pending.push(item);
      else out.set(item, notWritten(created.get(item)!, attempt));
    }
  }
  return out;
}

/**
 * The last attempt's failure, said as what the look-ups showed: HubSpot holds no such record, so
 * nothing was written and the event may simply be sent again.
 */
function notWritten(r: Created, attempts: number): Created {
  if (!('failure' in r)) return r;
  const last = r.failure.message.endsWith(MAY_HAVE_HAPPENED) ? r.failure.message.slice(0, -MAY_HAVE_HAPPENED.length) : r.failure.message;
  const message = `${attempts} creates lost their answer (the last: ${last}), and HubSpot held no such record after any of them: nothing was written; send the failed-events file again`;
  return { failure: { ...r.failure, message } };
}
