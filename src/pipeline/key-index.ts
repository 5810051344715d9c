/**
 * The unsettled operations that read and write each key of HubSpot state, so a new operation finds
 * the earlier ones it must wait for in time proportional to its own keys.
 */
export class KeyIndex<T> {
  private readers = new Map<string, Set<T>>();
  private writers = new Map<string, Set<T>>();
  private keysOf = new Map<T, { reads: string[]; writes: string[] }>();

  /** Earlier ops whose writes meet these reads, or whose reads meet these writes. */
  conflicts(reads: Iterable<string>, writes: Iterable<string>): Set<T> {
    const out = new Set<T>();
    for (const k of reads) for (const op of this.writers.get(k) ?? []) out.add(op);
    for (const k of writes) for (const op of this.readers.get(k) ?? []) out.add(op);
    return out;
  }

  add(op: T, reads: Iterable<string>, writes: Iterable<string>): void {
    let mine = this.keysOf.get(op);
    if (!mine) this.keysOf.set(op, (mine = { reads: [], writes: [] }));
    for (const k of reads) if (put(this.readers, k, op)) mine.reads.push(k);
    for (const k of writes) if (put(this.writers, k, op)) mine.writes.push(k);
  }

  remove(op: T): void {
    const mine = this.keysOf.get(op);
    if (!mine) return;
    this.keysOf.delete(op);
    for (const k of mine.reads) take(this.readers, k, op);
    for (const k of mine.writes) take(this.writers, k, op);
  }
}

function put<T>(m: Map<string, Set<T>>, k: string, op: T): boolean {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  if (s.has(op)) return false;
  s.add(op);
  return true;
}

function take<T>(m: Map<string, Set<T>>, k: string, op: T): void {
  const s = m.get(k);
  if (!s) return;
  s.delete(op);
  if (s.size === 0) m.delete(k);
}
