import type { IdMemory, Known, RecordMemory, RunMemory } from '../actions/types.js';
import { objectName, stateKey } from '../actions/shared/keys.js';


/**
 * The run's memory, as the actions see it through RunMemory (their interfaces in actions/types.ts):
 * records and contact ids this run learned, bounded. Built here, by the run that owns it.
 *
 * Records this run found or wrote, by each property value they hold (objectType, property, value).
 * HubSpot's search lags writes by seconds, so what this run wrote is answered from here for any
 * search on any of those properties, not only the search that found the record. Only recent ones
 * matter: the memory is bounded (oldest forgotten first), which keeps a backfill of millions of
 * records flat in memory and its checkpoint small.
 */
export class RecentRecords implements RecordMemory {
  /** Per value, its ids in the order learned (a Set: adding and dropping one is O(1), not a copy of all). */
  private byValue: Recency<Entry>;
  /** The value of each property this run last gave a record, to forget the value it replaced. */
  private held: Recency<string>;

  /**
   * Entries from a checkpoint say which records held a value, not that no other did: writes made
   * after the checkpoint was saved (a run killed mid-way) are not in it, so a resumed run still asks
   * HubSpot, and adds these.
   */
  constructor(capacity = 50_000, entries: Iterable<[string, string]> = []) {
    this.byValue = new Recency<Entry>(capacity);
    this.held = new Recency<string>(capacity, (h, k) => this.forgotten(h, k));
    for (const [k, v] of entries) if (v) this.byValue.put(k, { ids: new Set(v.replace(/^~/, '').split(',')), complete: false });
  }

  lookup(objectType: string, property: string, value: unknown): Known | undefined {
    const e = this.byValue.get(stateKey(objectType, property, value));
    return e && { ids: [...e.ids], complete: e.complete };
  }

  /** A search (or a read by a unique property) found exactly these records holding the value, perhaps none. */
  found(objectType: string, property: string, value: unknown, ids: string[]): void {
    const k = stateKey(objectType, property, value);
    const written = this.byValue.get(k)?.ids ?? [];
    this.byValue.put(k, { ids: new Set([...ids, ...written]), complete: true });
    for (const id of ids) this.hold(objectType, id, property, k);
  }

  /** This run gave the record these values. */
  remember(objectType: string, id: string, properties: Record<string, unknown>): void {
    for (const [property, value] of Object.entries(properties)) {
      if (value === undefined || value === null) continue;
      const k = stateKey(objectType, property, value);
      const before = this.byValue.get(k);
      if (!before) this.byValue.put(k, { ids: new Set([id]), complete: false });
      else if (!before.ids.has(id)) {
        before.ids.add(id);
        this.byValue.put(k, before);
      }
      this.hold(objectType, id, property, k);
    }
  }

  /** False when this run has since given the record another value of the property (a lagging search may still show the old one). */
  stillHolds(objectType: string, id: string, property: string, value: unknown): boolean {
    const now = this.held.get(`${objectName(objectType)}\n${id}\n${property}`);
    return now === undefined || now === stateKey(objectType, property, value);
  }

  /** For the checkpoint: `ids` comma-separated (a resumed run takes none of them as complete). */
  entries(): Array<[string, string]> {
    return [...this.byValue.entries()].filter(([, v]) => v.ids.size > 0).map(([k, v]) => [k, [...v.ids].join(',')]);
  }

  private hold(objectType: string, id: string, property: string, k: string): void {
    const h = `${objectName(objectType)}\n${id}\n${property}`;
    const before = this.held.get(h);
    if (before !== undefined && before !== k) this.byValue.get(before)?.ids.delete(id);
    this.held.put(h, k);
  }

  /**
   * The oldest (record, property) is forgotten: its id leaves the value's list, which then no longer
   * claims to be complete (a search is asked again; the record is old enough for HubSpot's index).
   * So no value's list outgrows the memory's capacity (a `pipeline: default` every deal holds).
   */
  private forgotten(h: string, k: string): void {
    const e = this.byValue.get(k);
    if (!e) return;
    const id = h.slice(h.indexOf('\n') + 1, h.lastIndexOf('\n'));
    if (e.ids.delete(id)) e.complete = false;
  }
}

interface Entry {
  ids: Set<string>;
  complete: boolean;
}

/**
 * A map that forgets its least recently put entries beyond `capacity` (second-chance order: an
 * entry put again since it was inserted goes round once more). A Map re-inserted on every put
 * (delete then set) of a hot key is quadratic in V8, and restarting an iterator at each eviction
 * skips the same tombstones again; this keeps one live iterator and moves an entry only when it
 * reaches the front.
 */
export class Recency<V> {
  private map = new Map<string, { v: V; again: boolean }>();
  private cursor: Iterator<[string, { v: V; again: boolean }]> | undefined;

  constructor(
    private readonly capacity: number,
    private readonly onForget?: (k: string, v: V) => void,
  ) {}

  get(k: string): V | undefined {
    return this.map.get(k)?.v;
  }

  /** A read that counts as use: the entry goes round once more before it is forgotten. */
  use(k: string): V | undefined {
    const e = this.map.get(k);
    if (e) e.again = true;
    return e?.v;
  }

  put(k: string, v: V): void {
    const e = this.map.get(k);
    if (e) {
      e.v = v;
      e.again = true;
    } else this.map.set(k, { v, again: false });
    while (this.map.size > this.capacity) this.forgetOne();
  }

  *entries(): Generator<[string, V]> {
    for (const [k, e] of this.map) yield [k, e.v];
  }

  private forgetOne(): void {
    for (;;) {
      let next = this.cursor?.next();
      if (!next || next.done) {
        this.cursor = this.map.entries();
        next = this.cursor.next();
      }
      const [k, e] = next.value as [string, { v: V; again: boolean }];
      this.map.delete(k);
      if (e.again) {
        e.again = false;
        this.map.set(k, e);
        continue;
      }
      this.onForget?.(k, e.v);
      return;
    }
  }
}

/**
 * Contact ids this run learned, by `user:<userId or anonymousId>` and `email:<email>` (RunMemory.ids):
 * the most recently learned or used `capacity` of them, so a backfill of millions of users stays flat
 * in memory and in its checkpoint. An id forgotten is looked up again by email where the event has
 * one; a group event with no email whose user was identified more than `capacity` identities ago no
 * longer finds its contact.
 */
export class RecentIds implements IdMemory {
  private readonly recency: Recency<string>;

  constructor(capacity = 200_000, entries: Iterable<[string, string]> = []) {
    this.recency = new Recency<string>(capacity);
    for (const [k, v] of entries) this.recency.put(k, v);
  }

  get(k: string): string | undefined {
    return this.recency.use(k);
  }

  set(k: string, v: string): this {
    this.recency.put(k, v);
    return this;
  }

  [Symbol.iterator](): Iterator<[string, string]> {
    return this.recency.entries();
  }
}

/** The run memory as the pipeline holds it: what the actions see, and what the checkpoint saves. */
export interface PipelineMemory extends RunMemory {
  records: RecentRecords;
}
