import { paths } from '../../hubspot/api.js';
import type { HubSpotRequest } from '../../hubspot/transport.js';

/**
 * Segment's search body: one filterGroup per field, so HubSpot ORs them ("any field matches").
 * Values go as mapped, not flattened.
 */
export function searchRequest(objectType: string, fields: Record<string, unknown>, properties: string[], sorts: string[], when?: string): HubSpotRequest {
  return {
    method: 'POST',
    path: paths.search(objectType),
    body: {
      filterGroups: Object.entries(fields).map(([propertyName, value]) => ({ filters: [{ propertyName, operator: 'EQ', value }] })),
      properties,
      sorts,
    },
    budget: 'search',
    when,
  };
}

export const hasFields = (o: Record<string, unknown> | undefined): o is Record<string, unknown> =>
  !!o && typeof o === 'object' && Object.keys(o).length > 0;

/** A stable text for a set of search values, to key operations and remember what a search found. */
export function stableKey(o: Record<string, unknown>): string {
  return JSON.stringify(Object.keys(o).sort().map((k) => [k, o[k]]));
}
