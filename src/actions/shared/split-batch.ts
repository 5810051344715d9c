import type { HubSpotResponse } from '../../hubspot/transport.js';

export interface Answered<I> {
  items: I[];
  res: HubSpotResponse;
}

/**
 * Sends items in one request so that one bad item cannot sink the others: a request rejected whole
 * with a 4xx is split in halves until the bad items are isolated and the good ones land. Gives each
 * final request's items with its answer, in input order. A 409 is not split: it names a record that
 * exists, and the caller re-reads rather than finding the same conflict again in each half.
 */
export async function sendSplitting<I>(items: I[], send: (some: I[]) => Promise<HubSpotResponse>): Promise<Answered<I>[]> {
  if (items.length === 0) return [];
  const res = await send(items);
  if (res.status >= 400 && res.status < 500 && res.status !== 409 && items.length > 1) {
    const mid = Math.ceil(items.length / 2);
    return [...(await sendSplitting(items.slice(0, mid), send)), ...(await sendSplitting(items.slice(mid), send))];
  }
  return [{ items, res }];
}
