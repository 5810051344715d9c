/** The first Recency (a Map re-set on second chance, one live iterator): the order the new one must keep. */
export class ReferenceRecency<V> {
  private map = new Map<string, { v: V; again: boolean }>();
  private cursor: Iterator<[string, { v: V; again: boolean }]> | undefined;
  constructor(private readonly capacity: number, private readonly onForget?: (k: string, v: V) => void) {}
  get(k: string): V | undefined {
    return this.map.get(k)?.v;
  }
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
