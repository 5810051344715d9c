/**
 * A map bounded by recency (second chance: oldest forgotten first, an entry used since it went in
 * goes round once more), its string keys and string values packed into typed arrays beside V8's
 * heap instead of held as small heap objects.
 *
 * Why: the run's contact ids (up to 200,000, two keys a contact) cost about 150 bytes each as a Map
 * entry, two strings and four array cells, so a million-event dry-run's live heap grew by 25 MB
 * with its users, and V8 sizes its heap as a multiple of what is live. Packed, an id costs under
 * 100 bytes that the GC neither traces nor multiplies, and the buffers are allocated at capacity
 * but take memory only as slots are first used (the OS maps untouched pages lazily).
 *
 * A key or value that is not Latin-1 or is longer than its packed width (KEY_BYTES, VALUE_BYTES) is
 * kept on the heap beside, in a slot of its own all the same: the order is the slots' order. Values
 * that are not strings (the records memory's entries) stay on the heap, in an array by slot; their
 * keys and the order are still packed.
 */
export class PackedRecency<V = string> {
  private readonly keyBytes: Buffer;
  /** Per slot: its key's hash, its key's length (ON_HEAP: in heapKeys), its second-chance flag. */
  private readonly hashes: Int32Array;
  private readonly keyLengths: Uint8Array;
  private readonly again: Uint8Array;
  private readonly heapKeys = new Map<number, string>();
  private readonly values: ValueStore<V>;
  /** Open addressing by key hash, linear probing: slot + 1, 0 for empty. */
  private readonly index: Int32Array;
  private readonly mask: number;
  /** The slots oldest first: a ring, each live slot in it once. */
  private readonly queue: Int32Array;
  private head = 0;
  private queued = 0;
  private readonly free: Int32Array;
  private freeTop = 0;
  private fresh = 0;
  private count = 0;

  /**
   * `values`: 'packed' for strings (packed as the keys are), 'heap' for anything else (an array by
   * slot: only the keys and the order are packed).
   */
  constructor(
    private readonly capacity: number,
    values: V extends string ? 'packed' | 'heap' : 'heap',
    private readonly onForget?: (k: string, v: V) => void,
  ) {
    // One slot more than the capacity: a new key is put before the oldest is forgotten.
    const slots = capacity + 1;
    this.keyBytes = Buffer.alloc(slots * KEY_BYTES);
    this.values = (values === 'packed' ? new PackedStrings(slots) : new SlotArray<V>()) as ValueStore<V>;
    this.hashes = new Int32Array(slots);
    this.keyLengths = new Uint8Array(slots);
    this.again = new Uint8Array(slots);
    this.queue = new Int32Array(slots);
    this.free = new Int32Array(slots);
    let size = 16;
    while (size < slots * 2) size *= 2;
    this.index = new Int32Array(size);
    this.mask = size - 1;
  }

  get size(): number {
    return this.count;
  }

  get(k: string): V | undefined {
    const s = this.find(k, hashOf(k));
    return s < 0 ? undefined : this.values.get(s);
  }

  /** A read that counts as use: the entry goes round once more before it is forgotten. */
  use(k: string): V | undefined {
    const s = this.find(k, hashOf(k));
    if (s < 0) return undefined;
    this.again[s] = 1;
    return this.values.get(s);
  }

  put(k: string, v: V): void {
    this.swap(k, v);
  }

  /** `put`, giving the value it replaced. */
  swap(k: string, v: V): V | undefined {
    const h = hashOf(k);
    const found = this.find(k, h);
    if (found >= 0) {
      const before = this.values.get(found);
      this.values.set(found, v);
      this.again[found] = 1;
      return before;
    }
    const s = this.freeTop > 0 ? this.free[--this.freeTop]! : this.fresh++;
    this.hashes[s] = h;
    this.again[s] = 0;
    if (!pack(this.keyBytes, s * KEY_BYTES, KEY_BYTES, k)) {
      this.keyLengths[s] = ON_HEAP;
      this.heapKeys.set(s, k);
    } else this.keyLengths[s] = k.length;
    this.values.set(s, v);
    let i = h & this.mask;
    while (this.index[i] !== 0) i = (i + 1) & this.mask;
    this.index[i] = s + 1;
    this.queue[(this.head + this.queued++) % this.queue.length] = s;
    this.count++;
    while (this.count > this.capacity) this.forgetOne();
    return undefined;
  }

  /** Oldest first, as they would be forgotten. */
  *entries(): Generator<[string, V]> {
    for (let n = 0; n < this.queued; n++) {
      const s = this.queue[(this.head + n) % this.queue.length]!;
      yield [this.key(s), this.values.get(s)!];
    }
  }

  private find(k: string, h: number): number {
    for (let i = h & this.mask; ; i = (i + 1) & this.mask) {
      const e = this.index[i]!;
      if (e === 0) return -1;
      const s = e - 1;
      if (this.hashes[s] === h && this.keyIs(s, k)) return s;
    }
  }

  private keyIs(s: number, k: string): boolean {
    const n = this.keyLengths[s]!;
    if (n === ON_HEAP) return this.heapKeys.get(s) === k;
    if (n !== k.length) return false;
    const at = s * KEY_BYTES;
    for (let j = 0; j < n; j++) if (this.keyBytes[at + j] !== k.charCodeAt(j)) return false;
    return true;
  }

  private key(s: number): string {
    const n = this.keyLengths[s]!;
    return n === ON_HEAP ? this.heapKeys.get(s)! : this.keyBytes.toString('latin1', s * KEY_BYTES, s * KEY_BYTES + n);
  }

  private forgetOne(): void {
    for (;;) {
      const s = this.queue[this.head]!;
      this.head = (this.head + 1) % this.queue.length;
      this.queued--;
      if (this.again[s]) {
        this.again[s] = 0;
        this.queue[(this.head + this.queued++) % this.queue.length] = s;
        continue;
      }
      const k = this.onForget ? this.key(s) : '';
      const v = this.values.get(s);
      this.unindex(s);
      this.heapKeys.delete(s);
      this.values.drop(s);
      this.free[this.freeTop++] = s;
      this.count--;
      this.onForget?.(k, v!);
      return;
    }
  }

  /** Takes the slot out of the index, shifting back the entries after it that probed past it. */
  private unindex(s: number): void {
    let i = this.hashes[s]! & this.mask;
    while (this.index[i] !== s + 1) i = (i + 1) & this.mask;
    for (let j = (i + 1) & this.mask; this.index[j] !== 0; j = (j + 1) & this.mask) {
      const home = this.hashes[this.index[j]! - 1]! & this.mask;
      // It stays when its home lies cyclically in (i, j]: a search for it starts past the hole.
      const stays = i <= j ? i < home && home <= j : home > i || home <= j;
      if (stays) continue;
      this.index[i] = this.index[j]!;
      i = j;
    }
    this.index[i] = 0;
  }
}

/** Where a slot's value is kept. */
interface ValueStore<V> {
  get(s: number): V | undefined;
  set(s: number, v: V): void;
  drop(s: number): void;
}

/** Strings packed like the keys; longer or not Latin-1, on the heap. */
class PackedStrings implements ValueStore<string> {
  private readonly bytes: Buffer;
  private readonly lengths: Uint8Array;
  private readonly onHeap = new Map<number, string>();

  constructor(slots: number) {
    this.bytes = Buffer.alloc(slots * VALUE_BYTES);
    this.lengths = new Uint8Array(slots);
  }

  get(s: number): string {
    const n = this.lengths[s]!;
    return n === ON_HEAP ? this.onHeap.get(s)! : this.bytes.toString('latin1', s * VALUE_BYTES, s * VALUE_BYTES + n);
  }

  set(s: number, v: string): void {
    if (pack(this.bytes, s * VALUE_BYTES, VALUE_BYTES, v)) {
      this.lengths[s] = v.length;
      this.onHeap.delete(s);
    } else {
      this.lengths[s] = ON_HEAP;
      this.onHeap.set(s, v);
    }
  }

  drop(s: number): void {
    this.onHeap.delete(s);
  }
}

/** Any value, in an array by slot (dropped, so the GC may take it). */
class SlotArray<V> implements ValueStore<V> {
  private readonly items: (V | undefined)[] = [];

  get(s: number): V | undefined {
    return this.items[s];
  }

  set(s: number, v: V): void {
    this.items[s] = v;
  }

  drop(s: number): void {
    this.items[s] = undefined;
  }
}

/** Packed widths in bytes: `email:` and a long address; a contact id (or a dry-run's `new-contacts-123456`). */
const KEY_BYTES = 56;
const VALUE_BYTES = 24;
const ON_HEAP = 255;

/** Writes a Latin-1 string of at most `width` characters; false (and nothing to rely on written) otherwise. */
function pack(buf: Buffer, at: number, width: number, s: string): boolean {
  if (s.length > width) return false;
  for (let j = 0; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c > 0xff) return false;
    buf[at + j] = c;
  }
  return true;
}

/** FNV-1a over UTF-16 code units. */
function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let j = 0; j < s.length; j++) h = Math.imul(h ^ s.charCodeAt(j), 0x01000193);
  return h | 0;
}
