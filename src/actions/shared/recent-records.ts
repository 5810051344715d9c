import { objectName, stateKey } from './keys.js';

/** What this run knows of the records holding one value. */
export interface Known {
  ids: string[];
  /** True when a search (or HubSpot's uniqueness) said these are all of them; else others may hold it too. */
  complete: boolean;
}

/**
 * Records this run found or wrote, by each property value they hold (objectType, property, value).
 * HubSpot's search lags writes by seconds, so what this run wrote is answered from here for any
 * search on any of those properties, not only the search that found the record. Only recent ones
 * matter: the memory is bounded (oldest forgotten first), which keeps a backfill of millions of
 * records flat in memory and its checkpoint small.
 */
export class RecentRecords {
  private byValue = new Map<string, Known>();
  /** The value of each property this run last gave a record, to forget the value it replaced. */
  private held = new Map<string, string>();

  constructor(private readonly capacity = 50_000, entries: Iterable<[string, string]> = []) {
    for (const [k, v] of entries) this.byValue.set(k, decode(v));
  }

  lookup(objectType: string, property: string, value: unknown): Known | undefined {
    return this.byValue.get(stateKey(objectType, property, value));
  }

  /** A search (or a read by a unique property) found exactly these records holding the value, perhaps none. */
  found(objectType: string, property: string, value: unknown, ids: string[]): void {
    const k = stateKey(objectType, property, value);
    const written = this.byValue.get(k)?.ids ?? [];
    bump(this.byValue, k, { ids: [...new Set([...ids, ...written])], complete: true }, this.capacity);
    for (const id of ids) this.hold(objectType, id, property, k);
  }

  /** This run gave the record these values. */
  remember(objectType: string, id: string, properties: Record<string, unknown>): void {
    for (const [property, value] of Object.entries(properties)) {
      if (value === undefined || value === null) continue;
      const k = stateKey(objectType, property, value);
      const before = this.byValue.get(k);
      if (!before?.ids.includes(id)) bump(this.byValue, k, { ids: [...(before?.ids ?? []), id], complete: before?.complete ?? false }, this.capacity);
      this.hold(objectType, id, property, k);
    }
  }

  /** False when this run has since given the record another value of the property (a lagging search may still show the old one). */
  stillHolds(objectType: string, id: string, property: string, value: unknown): boolean {
    const now = this.held.get(`${objectName(objectType)}\n${id}\n${property}`);
    return now === undefined || now === stateKey(objectType, property, value);
  }

  /** For the checkpoint: `ids` comma-separated, `~` first when others may hold the value too. */
  entries(): Array<[string, string]> {
    return [...this.byValue].map(([k, v]) => [k, `${v.complete ? '' : '~'}${v.ids.join(',')}`]);
  }

  private hold(objectType: string, id: string, property: string, k: string): void {
    const h = `${objectName(objectType)}\n${id}\n${property}`;
    const before = this.held.get(h);
    if (before !== undefined && before !== k) {
      const old = this.byValue.get(before);
      if (old) this.byValue.set(before, { ...old, ids: old.ids.filter((i) => i !== id) });
    }
    bump(this.held, h, k, this.capacity);
  }
}

function decode(v: string): Known {
  const complete = !v.startsWith('~');
  const list = complete ? v : v.slice(1);
  return { ids: list ? list.split(',') : [], complete };
}

function bump<V>(map: Map<string, V>, k: string, v: V, capacity: number): void {
  map.delete(k);
  map.set(k, v);
  if (map.size > capacity) map.delete(map.keys().next().value as string);
}
