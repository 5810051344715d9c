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

  /** Earlier ops whose writes meet these reads, or whose reads meet these writes, in the order they were added. */
  conflicts(reads: Iterable<string>, writes: Iterable<string>): Set<T> {
    const out = new Set<T>();
    for (const k of reads) collect(this.writers.get(k), out);
    for (const k of writes) collect(this.readers.get(k), out);
    return out;
  }

  add(op: T, reads: Iterable<string>, writes: Iterable<string>): void {
    for (const k of reads) put(this.readers, k, op);
    for (const k of writes) put(this.writers, k, op);
  }

  /**
   * `reads` and `writes`: every key the op was added with (the op's own sets, which the scheduler
   * keeps), so the index holds no second copy of them per op.
   */
  remove(op: T, reads: Iterable<string>, writes: Iterable<string>): void {
    for (const k of reads) take(this.readers, k, op);
    for (const k of writes) take(this.writers, k, op);
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

function take<T>(m: Map<string, T | Set<T>>, k: string, op: T): void {
  const held = m.get(k);
  if (held === undefined) return;
  if (!(held instanceof Set)) {
    if (held === op) m.delete(k);
    return;
  }
  held.delete(op);
  if (held.size === 0) m.delete(k);
}
