import { stableKey } from './search.js';

/**
 * Records this run found or created, by object type and search values. HubSpot's search lags
 * writes by moments, so only recent ones matter: the memory is bounded (oldest forgotten first),
 * which keeps a backfill of millions of records flat in memory and its checkpoint small.
 */
export class RecentRecords {
  private map = new Map<string, string>();

  constructor(private readonly capacity = 50_000, entries: Iterable<[string, string]> = []) {
    for (const [k, v] of entries) this.map.set(k, v);
  }

  get(objectType: string, fields: Record<string, unknown>): string | undefined {
    return this.map.get(key(objectType, fields));
  }

  set(objectType: string, fields: Record<string, unknown>, id: string): void {
    const k = key(objectType, fields);
    this.map.delete(k);
    this.map.set(k, id);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }

  entries(): Array<[string, string]> {
    return [...this.map];
  }
}

const key = (objectType: string, fields: Record<string, unknown>) => `${objectType}:${stableKey(fields)}`;
