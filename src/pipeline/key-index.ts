/**
 * The unsettled operations that read and write each key of HubSpot state, so a new operation finds
 * the earlier ones it must wait for in time proportional to its own keys.
 *
 * Most keys (an email, a deal's name) are touched by one unsettled op at a time: a key holds that
 * op itself, and a Set only while several share it. A Set per key was most of this index's cost,
 * in CPU and heap. Ops must not themselves be Sets.
 */
export class KeyIndex<T> {
  private readers = new Map<string, T | Set<T>>();
  private writers = new Map<string, T | Set<T>>();
  /** For the watched object types: how many (op, key) pairs name each `type:property`. */
  private counts = new Map<string, number>();

  /** `watched`: object types whose properties `touched` reports (RunOrder.watched). */
  constructor(private readonly watched: readonly string[] = []) {}

  /** Earlier ops whose writes meet these reads, or whose reads meet these writes, in the order they were added. */
  conflicts(reads: Iterable<string>, writes: Iterable<string>): Set<T> {
    const out = new Set<T>();
    for (const k of reads) collect(this.writers.get(k), out);
    for (const k of writes) collect(this.readers.get(k), out);
    return out;
  }

  add(op: T, reads: Iterable<string>, writes: Iterable<string>): void {
    for (const k of reads) if (put(this.readers, k, op)) this.count(k, 1);
    for (const k of writes) if (put(this.writers, k, op)) this.count(k, 1);
  }

  /**
   * The properties of a watched type that unsettled ops read or write values of, beyond what
   * `own` (a batch's ops: their keys) accounts for.
   */
  touched(type: string, own: ReadonlyArray<{ reads: Iterable<string>; writes: Iterable<string> }>): Set<string> {
    const prefix = `${type}:`;
    const mine = new Map<string, number>();
    for (const o of own) {
      for (const k of [...o.reads, ...o.writes]) {
        const p = this.watchedPrefix(k);
        if (p?.startsWith(prefix)) mine.set(p, (mine.get(p) ?? 0) + 1);
      }
    }
    const out = new Set<string>();
    for (const [p, n] of this.counts) if (p.startsWith(prefix) && n > (mine.get(p) ?? 0)) out.add(p.slice(prefix.length));
    return out;
  }

  /**
   * `reads` and `writes`: every key the op was added with (the op's own sets, which the scheduler
   * keeps), so the index holds no second copy of them per op.
   */
  remove(op: T, reads: Iterable<string>, writes: Iterable<string>): void {
    for (const k of reads) if (take(this.readers, k, op)) this.count(k, -1);
    for (const k of writes) if (take(this.writers, k, op)) this.count(k, -1);
  }

  /** The watched type a key names state of, else undefined. */
  watchedType(k: string): string | undefined {
    for (const t of this.watched) if (k.length > t.length && k.charCodeAt(t.length) === 58 /* : */ && k.startsWith(t)) return t;
    return undefined;
  }

  /** `type:property` of a key of a watched type, else undefined. */
  private watchedPrefix(k: string): string | undefined {
    const t = this.watchedType(k);
    if (t === undefined) return undefined;
    const eq = k.indexOf('=', t.length);
    return eq < 0 ? undefined : k.slice(0, eq);
  }

  private count(k: string, by: number): void {
    const p = this.watchedPrefix(k);
    if (p === undefined) return;
    const n = (this.counts.get(p) ?? 0) + by;
    if (n > 0) this.counts.set(p, n);
    else this.counts.delete(p);
  }
}

function collect<T>(held: T | Set<T> | undefined, out: Set<T>): void {
  if (held === undefined) return;
  if (held instanceof Set) for (const op of held) out.add(op);
  else out.add(held);
}

function put<T>(m: Map<string, T | Set<T>>, k: string, op: T): boolean {
  const held = m.get(k);
  if (held === undefined) {
    m.set(k, op);
    return true;
  }
  if (held instanceof Set) {
    if (held.has(op)) return false;
    held.add(op);
    return true;
  }
  if (held === op) return false;
  m.set(k, new Set([held, op]));
  return true;
}

function take<T>(m: Map<string, T | Set<T>>, k: string, op: T): boolean {
  const held = m.get(k);
  if (held === undefined) return false;
  if (!(held instanceof Set)) {
    if (held !== op) return false;
    m.delete(k);
    return true;
  }
  const had = held.delete(op);
  if (held.size === 0) m.delete(k);
  return had;
}
