import { describe, expect, it } from 'vitest';
import { PackedRecency } from '../../src/pipeline/packed-recency.js';
import { createRng } from '../emulator/prng.js';
import { ReferenceRecency } from '../helpers/reference-recency.js';

/** Keys and values of every kind it stores differently: packed, too long to pack, not Latin-1. */
function keyOf(n: number): string {
  if (n % 7 === 0) return `email:${'long-local-part.'.repeat(4)}${n}@example.com`; // past 56 bytes
  if (n % 11 === 0) return `user:ユーザー${n}`;
  if (n % 13 === 0) return `email:zoë${n}@example.fr`; // Latin-1, packed
  return `user:u${n}`;
}
function valueOf(i: number): string {
  if (i % 5 === 0) return `new-contacts-${i}-and-a-long-tail-${i}`; // past 24 bytes
  if (i % 17 === 0) return `id-€${i}`;
  return String(100_000_000 + i);
}

describe('PackedRecency (RecentIds, packed beside the heap)', () => {
  it('forgets, answers and lists in the same order as the Map-based original, over random use', () => {
    const next = createRng(777);
    const rand = (n: number) => Math.floor(next() * n);
    for (const capacity of [1, 2, 3, 17, 200, 1000]) {
      const gone: string[] = [];
      const goneRef: string[] = [];
      const r = new PackedRecency(capacity, 'packed', (k, v) => gone.push(`${k}=${v}`));
      const ref = new ReferenceRecency<string>(capacity, (k, v) => goneRef.push(`${k}=${v}`));
      for (let i = 0; i < 30_000; i++) {
        const k = keyOf(rand(capacity * 3 + 1));
        const v = valueOf(i);
        const op = rand(4);
        if (op === 0) expect(r.get(k)).toBe(ref.get(k));
        else if (op === 1) expect(r.use(k)).toBe(ref.use(k));
        else if (op === 2) {
          r.put(k, v);
          ref.put(k, v);
        } else {
          const before = ref.get(k);
          ref.put(k, v);
          expect(r.swap(k, v)).toBe(before);
        }
      }
      expect(gone).toEqual(goneRef);
      expect([...r.entries()]).toEqual([...ref.entries()]);
      expect(r.size).toBe(Math.min(capacity, [...ref.entries()].length));
    }
  });

  it('finds every key still held after many are forgotten from a crowded index', () => {
    // Keys whose hashes collide in a small index: removals must shift back what probed past them.
    const r = new PackedRecency(64, 'packed');
    const ref = new Map<string, string>();
    for (let i = 0; i < 5000; i++) {
      const k = `k${i % 97}-${Math.floor(i / 97) % 3}`;
      r.put(k, `v${i}`);
      ref.set(k, `v${i}`);
    }
    const held = new Map(r.entries());
    expect(held.size).toBe(64);
    for (const [k, v] of held) {
      expect(r.get(k)).toBe(v);
      expect(v).toBe(ref.get(k));
    }
    for (const k of ref.keys()) if (!held.has(k)) expect(r.get(k)).toBeUndefined();
  });

  it('keeps values that are not strings, by slot, in the same order', () => {
    const next = createRng(4242);
    const rand = (n: number) => Math.floor(next() * n);
    const gone: string[] = [];
    const goneRef: string[] = [];
    const r = new PackedRecency<{ n: number }>(17, 'heap', (k, v) => gone.push(`${k}=${v.n}`));
    const ref = new ReferenceRecency<{ n: number }>(17, (k, v) => goneRef.push(`${k}=${v.n}`));
    for (let i = 0; i < 20_000; i++) {
      const k = keyOf(rand(60));
      if (rand(3) === 0) expect(r.use(k)).toBe(ref.use(k));
      else {
        const v = { n: i };
        const before = ref.get(k);
        ref.put(k, v);
        expect(r.swap(k, v)).toBe(before);
      }
    }
    expect(gone).toEqual(goneRef);
    expect([...r.entries()]).toEqual([...ref.entries()]);
  });

  it('a key forgotten and put again starts at the back, with its old value gone', () => {
    const r = new PackedRecency(2, 'packed');
    r.put('a', '1');
    r.put('b', '2');
    r.put('c', '3'); // a goes
    r.put('a', '4'); // b goes
    expect(r.get('b')).toBeUndefined();
    expect([...r.entries()]).toEqual([['c', '3'], ['a', '4']]);
  });

  it('a value replaced by one that does not pack, and back, reads as the latest', () => {
    const r = new PackedRecency(4, 'packed');
    r.put('user:a', '1');
    expect(r.swap('user:a', 'x'.repeat(40))).toBe('1');
    expect(r.swap('user:a', '2')).toBe('x'.repeat(40));
    expect(r.get('user:a')).toBe('2');
    expect([...r.entries()]).toEqual([['user:a', '2']]);
  });
});
