import type { IdMemory, Known, RecordMemory, RunMemory } from '../actions/types.js';
import { objectName, stateKey } from '../actions/shared/keys.js';
import type { Searchable } from '../actions/shared/searched.js';
import { PackedRecency } from './packed-recency.js';


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
  /** Per value, its ids in the order learned. */
  private byValue: PackedRecency<Entry>;
  /**
   * The value of each property this run last gave a record, to forget the value it replaced: the
   * value's Entry itself, so forgetting needs no lookup while the value is still remembered (and
   * the key strings each write builds die young instead of being held here).
   */
  private held: PackedRecency<Entry>;

  /**
   * Entries from a checkpoint say which records held a value, not that no other did: writes made
   * after the checkpoint was saved (a run killed mid-way) are not in it, so a resumed run still asks
   * HubSpot, and adds these.
   *
   * `searchable` says which properties any request of the run may search by: only their values are
   * remembered of what the run writes (a contact's ten properties would otherwise cost ten entries,
   * for the one its email is found by), and only they are ever looked up.
   */
  constructor(capacity = 50_000, entries: Iterable<[string, string]> = [], readonly searchable: Searchable = () => true) {
    this.byValue = new PackedRecency<Entry>(capacity, 'heap', (_k, e) => (e.forgotten = true));
    this.held = new PackedRecency<Entry>(capacity, 'heap', (h, e) => this.forgotten(h, e));
    for (const [k, v] of entries) if (v) this.byValue.put(k, Entry.of(k, v.replace(/^~/, '').split(','), false));
  }

  lookup(objectType: string, property: string, value: unknown): Known | undefined {
    const e = this.byValue.get(stateKey(objectType, property, value));
    return e && { ids: e.list(), complete: e.complete };
  }

  /** A search (or a read by a unique property) found exactly these records holding the value, perhaps none. */
  found(objectType: string, property: string, value: unknown, ids: string[]): void {
    const k = stateKey(objectType, property, value);
    let e = this.byValue.use(k);
    if (e) {
      // Changed in place, so whatever holds this Entry sees the value's current ids.
      e.replace([...ids, ...e.list()]);
      e.complete = true;
    } else this.byValue.put(k, (e = Entry.of(k, ids, true)));
    const type = objectName(objectType);
    for (const id of ids) this.hold(type, id, property, e);
  }

  /** This run gave the record these values. */
  remember(objectType: string, id: string, properties: Record<string, unknown>): void {
    // The object's name once, not once per property: this runs for every property of every record written.
    const type = objectName(objectType);
    for (const property in properties) {
      if (!Object.prototype.hasOwnProperty.call(properties, property)) continue;
      const value = properties[property];
      if (value === undefined || value === null || !this.searchable(type, property)) continue;
      const k = stateKey(type, property, value);
      let e = this.byValue.get(k);
      if (!e) this.byValue.put(k, (e = Entry.of(k, [id], false)));
      else if (!e.has(id)) {
        e.add(id);
        this.byValue.use(k);
      }
      this.hold(type, id, property, e);
    }
  }

  /** False when this run has since given the record another value of the property (a lagging search may still show the old one). */
  stillHolds(objectType: string, id: string, property: string, value: unknown): boolean {
    const now = this.held.get(heldKey(objectName(objectType), id, property));
    return now === undefined || now.key === stateKey(objectType, property, value);
  }

  /** For the checkpoint: `ids` comma-separated (a resumed run takes none of them as complete). */
  entries(): Array<[string, string]> {
    return [...this.byValue.entries()].filter(([, v]) => v.size > 0).map(([k, v]) => [k, v.list().join(',')]);
  }

  /** `type` is already objectName's. */
  private hold(type: string, id: string, property: string, e: Entry): void {
    const before = this.held.swap(heldKey(type, id, property), e);
    if (before !== undefined && before.key !== e.key) this.current(before)?.delete(id);
  }

  /**
   * The oldest (record, property) is forgotten: its id leaves the value's list, which then no longer
   * claims to be complete (a search is asked again; the record is old enough for HubSpot's index).
   * So no value's list outgrows the memory's capacity (a `pipeline: default` every deal holds).
   */
  private forgotten(h: string, held: Entry): void {
    const e = this.current(held);
    if (!e) return;
    const id = h.slice(h.indexOf('\n') + 1, h.lastIndexOf('\n'));
    if (e.delete(id)) e.complete = false;
  }

  /** The value's Entry now: one forgotten since may have been learned again, as a new Entry. */
  private current(e: Entry): Entry | undefined {
    return e.forgotten ? this.byValue.get(e.key) : e;
  }
}

/** The key of a (record, property) in `held`, which packs it: the string itself is not kept. */
const heldKey = (type: string, id: string, property: string): string => `${type}\n${id}\n${property}`;

/**
 * The ids holding one value, in the order learned. Most values are held by one record: a lone id
 * is kept as a string, and a Set (adding and dropping one is O(1), not a copy of all) only from
 * the second on, since a Set per value was a sixth of a dry-run's heap.
 */
export class Entry {
  private one: string | undefined;
  private many: Set<string> | undefined;
  /** No longer in the memory (its value was forgotten): a later write of the value makes a new Entry. */
  forgotten = false;

  private constructor(
    /** The value's key (stateKey). */
    readonly key: string,
    public complete: boolean,
  ) {}

  /** Duplicates keep their first place, as in a Set. */
  static of(key: string, ids: readonly string[], complete: boolean): Entry {
    const e = new Entry(key, complete);
    for (const id of ids) e.add(id);
    return e;
  }

  /** The ids become these (duplicates keep their first place). */
  replace(ids: readonly string[]): void {
    this.one = this.many = undefined;
    for (const id of ids) this.add(id);
  }

  get size(): number {
    return this.many ? this.many.size : this.one === undefined ? 0 : 1;
  }

  has(id: string): boolean {
    return this.many ? this.many.has(id) : this.one === id;
  }

  add(id: string): void {
    if (this.many) this.many.add(id);
    else if (this.one === undefined) this.one = id;
    else if (this.one !== id) this.many = new Set([this.one, id]);
  }

  delete(id: string): boolean {
    if (this.many) return this.many.delete(id);
    if (this.one !== id) return false;
    this.one = undefined;
    return true;
  }

  /** A copy: later changes do not show in it. */
  list(): string[] {
    return this.many ? [...this.many] : this.one === undefined ? [] : [this.one];
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
  /** Packed beside the heap: a backfill's users would otherwise grow the heap with the input. */
  private readonly recency: PackedRecency;

  constructor(capacity = 200_000, entries: Iterable<[string, string]> = []) {
    this.recency = new PackedRecency(capacity, 'packed');
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
