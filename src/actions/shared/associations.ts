import type { HubSpotResponse } from '../../hubspot/transport.js';
import type { FailureDetail } from '../../model.js';
import { hubspotFailure } from './hubspot-answers.js';

/**
 * The pairs a v4 batch association answer (207) says failed, with their failure. An error that
 * names no ids fails every pair of the request: a pair is delivered only when HubSpot said so.
 */
export function refusedPairs<P extends { from: string; to: string }>(res: HubSpotResponse, pairs: P[], context: string): Map<P, FailureDetail> {
  const refused = new Map<P, FailureDetail>();
  for (const err of res.body?.errors ?? []) {
    const c = err?.context ?? {};
    const ids = new Set([...(c.fromObjectId ?? []), ...(c.toObjectId ?? []), ...(c.ids ?? []), ...(c.id ?? [])].map(String));
    const failure = hubspotFailure({ status: 400, body: err, headers: res.headers }, context);
    for (const p of pairs) {
      if (!refused.has(p) && (ids.size === 0 || ids.has(p.from) || ids.has(p.to))) refused.set(p, failure);
    }
  }
  return refused;
}

/**
 * The id a lookup the dry-run did not make would give, named by what it looks for, so a person
 * checking a mapping sees which record the live run would associate.
 */
export function unknownId(objectType: string, fields: Record<string, unknown>): string {
  // Segment's association search matches any of its fields, hence "or".
  return `<id of the ${objectType} record found by ${Object.entries(fields).map(([k, v]) => `${k}=${String(v)}`).join(' or ')}>`;
}

/** HubSpot's ids are numbers: only a stand-in starts so. */
export const isUnknownId = (id: string): boolean => id.startsWith('<id of ');

/** How a request carrying an `unknownId` says what it depends on (the dry-run prints it after "only if"). */
export const IF_LOOKUP_FINDS = 'the association lookup finds exactly one record for each <id of …>';

/**
 * The stand-in id of an association target the dry-run did not look up (its lookup found nothing
 * because nothing was asked), so the association is shown instead of left out; else undefined.
 */
export function standInTarget(ctx: { lookupsUnknown?: boolean }, target: { objectType: string; searchFields: Record<string, unknown> } | undefined, found: number | undefined): string | undefined {
  return ctx.lookupsUnknown && target && found === 0 ? unknownId(target.objectType, target.searchFields) : undefined;
}

/** When an association of a record found by its search is made: `standIn`, to a target the dry-run did not look up. */
export const whenBothFound = (standIn: boolean): string => (standIn ? `both searches found one record (${IF_LOOKUP_FINDS})` : 'both searches found one record');
