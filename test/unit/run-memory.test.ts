import { describe, expect, it } from 'vitest';
import { objectName, stateKey } from '../../src/actions/shared/keys.js';
import { Entry, RecentIds, RecentRecords } from '../../src/pipeline/run-memory.js';
import { createRng } from '../emulator/prng.js';
import { ReferenceRecency } from '../helpers/reference-recency.js';

describe('RecentRecords', () => {
  it('answers by each property value a record holds, case-insensitively', () => {
    const m = new RecentRecords();
    m.remember('deals', '7', { dealname: 'Order 7', amount: 5 });
    expect(m.lookup('deals', 'dealname', 'ORDER 7')).toEqual({ ids: ['7'], complete: false });
    expect(m.lookup('deals', 'amount', '5')?.ids).toEqual(['7']);
  });

  it('a search says which records hold a value, none included; writes since then join them', () => {
    const m = new RecentRecords();
    m.found('deals', 'dealname', 'x', []);
    expect(m.lookup('deals', 'dealname', 'x')).toEqual({ ids: [], complete: true });
    m.remember('deals', '9', { dealname: 'x' });
    expect(m.lookup('deals', 'dealname', 'x')).toEqual({ ids: ['9'], complete: true });
  });

  it('forgets a value the run replaced, and says the lagging index may still show it', () => {
    const m = new RecentRecords();
    m.remember('deals', '7', { dealname: 'old' });
    m.remember('deals', '7', { dealname: 'new' });
    expect(m.lookup('deals', 'dealname', 'old')?.ids).toEqual([]);
    expect(m.stillHolds('deals', '7', 'dealname', 'old')).toBe(false);
    expect(m.stillHolds('deals', '7', 'dealname', 'NEW')).toBe(true);
    expect(m.stillHolds('deals', '8', 'dealname', 'old')).toBe(true);
  });

  it('stays bounded, oldest forgotten first', () => {
    const m = new RecentRecords(2);
    m.found('deals', 'a', '1', ['1']);
    m.remember('deals', '2', { b: 2 });
    m.remember('deals', '3', { c: 3 });
    expect(m.lookup('deals', 'a', '1')).toBeUndefined();
    expect(m.lookup('deals', 'c', '3')).toEqual({ ids: ['3'], complete: false });
  });

  it('a resumed run keeps the records its checkpoint names but asks HubSpot again: writes after the save are not in it', () => {
    const m = new RecentRecords();
    m.found('deals', 'dealname', 'none yet', []);
    m.found('deals', 'dealname', 'one', ['4']);
    const resumed = new RecentRecords(undefined, m.entries());
    expect(resumed.lookup('deals', 'dealname', 'none yet')).toBeUndefined();
    expect(resumed.lookup('deals', 'dealname', 'one')).toEqual({ ids: ['4'], complete: false });
  });

  it('a value every record holds keeps only the recent ones, and no longer claims to be complete', () => {
    const m = new RecentRecords(3);
    m.found('deals', 'pipeline', 'default', []);
    for (let i = 1; i <= 5; i++) m.remember('deals', String(i), { pipeline: 'default' });
    expect(m.lookup('deals', 'pipeline', 'default')).toEqual({ ids: ['3', '4', '5'], complete: false });
  });

  it('remembers of what the run writes only the properties a request may search by', () => {
    const m = new RecentRecords(undefined, [], (type, property) => type === 'deals' && property === 'dealname');
    m.remember('deals', '7', { dealname: 'Order 7', amount: 5 });
    m.remember('0-3', '8', { dealname: 'Order 8' });
    expect(m.lookup('deals', 'dealname', 'order 7')?.ids).toEqual(['7']);
    expect(m.lookup('deals', 'dealname', 'order 8')?.ids).toEqual(['8']);
    expect(m.lookup('deals', 'amount', 5)).toBeUndefined();
    // What a search found is kept whatever the property: it was searched.
    m.found('tickets', 'subject', 's', ['3']);
    expect(m.lookup('tickets', 'subject', 's')).toEqual({ ids: ['3'], complete: true });
  });

  it('what lookup gave is a copy: later writes do not change it', () => {
    const m = new RecentRecords();
    m.remember('deals', '1', { dealname: 'x' });
    const seen = m.lookup('deals', 'dealname', 'x')!;
    m.remember('deals', '2', { dealname: 'x' });
    expect(seen.ids).toEqual(['1']);
    expect(m.lookup('deals', 'dealname', 'x')!.ids).toEqual(['1', '2']);
  });
});

describe('RecentIds (RunMemory.ids)', () => {
  it('keeps the most recently learned or used ids, and comes back whole from its checkpoint entries', () => {
    const ids = new RecentIds(3);
    ids.set('user:a', '1').set('user:b', '2').set('user:c', '3');
    expect(ids.get('user:a')).toBe('1'); // used: goes round once more
    ids.set('user:d', '4');
    expect(ids.get('user:b')).toBeUndefined();
    expect([...ids].map(([k]) => k).sort()).toEqual(['user:a', 'user:c', 'user:d']);
    const again = new RecentIds(3, [...ids]);
    expect(again.get('user:a')).toBe('1');
    expect(again.get('user:d')).toBe('4');
  });

  it('a million identities stay within its capacity', () => {
    const ids = new RecentIds(1000);
    for (let i = 0; i < 1_000_000; i++) ids.set(`user:u${i}`, String(i));
    expect([...ids]).toHaveLength(1000);
    expect(ids.get('user:u999999')).toBe('999999');
  });
});

describe('Entry (the ids holding one value)', () => {
  it('keeps the order learned from one id to many and back, as a Set would', () => {
    const e = Entry.of('k', ['b', 'a', 'b'], true);
    expect(e.list()).toEqual(['b', 'a']);
    expect(e.delete('b')).toBe(true);
    expect(e.delete('b')).toBe(false);
    e.add('b');
    expect(e.list()).toEqual(['a', 'b']);
    expect(e.size).toBe(2);
    const one = Entry.of('k', ['x'], false);
    expect(one.has('x')).toBe(true);
    one.add('x');
    expect(one.list()).toEqual(['x']);
    expect(one.delete('y')).toBe(false);
    expect(one.delete('x')).toBe(true);
    expect([one.size, one.list()]).toEqual([0, []]);
    one.add('z');
    expect(one.list()).toEqual(['z']);
  });
});

/** The first RecentRecords (a Set per value, the held value's key string): what the new one must answer. */
class ReferenceRecords {
  private byValue: ReferenceRecency<{ ids: Set<string>; complete: boolean }>;
  private held: ReferenceRecency<string>;
  constructor(capacity: number) {
    this.byValue = new ReferenceRecency(capacity);
    this.held = new ReferenceRecency<string>(capacity, (h, k) => this.forgotten(h, k));
  }
  lookup(objectType: string, property: string, value: unknown) {
    const e = this.byValue.get(stateKey(objectType, property, value));
    return e && { ids: [...e.ids], complete: e.complete };
  }
  found(objectType: string, property: string, value: unknown, ids: string[]): void {
    const k = stateKey(objectType, property, value);
    const written = this.byValue.get(k)?.ids ?? [];
    this.byValue.put(k, { ids: new Set([...ids, ...written]), complete: true });
    for (const id of ids) this.hold(objectType, id, property, k);
  }
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
  stillHolds(objectType: string, id: string, property: string, value: unknown): boolean {
    const now = this.held.get(`${objectName(objectType)}\n${id}\n${property}`);
    return now === undefined || now === stateKey(objectType, property, value);
  }
  entries(): Array<[string, string]> {
    return [...this.byValue.entries()].filter(([, v]) => v.ids.size > 0).map(([k, v]) => [k, [...v.ids].join(',')]);
  }
  private hold(objectType: string, id: string, property: string, k: string): void {
    const h = `${objectName(objectType)}\n${id}\n${property}`;
    const before = this.held.get(h);
    if (before !== undefined && before !== k) this.byValue.get(before)?.ids.delete(id);
    this.held.put(h, k);
  }
  private forgotten(h: string, k: string): void {
    const e = this.byValue.get(k);
    if (!e) return;
    const id = h.slice(h.indexOf('\n') + 1, h.lastIndexOf('\n'));
    if (e.ids.delete(id)) e.complete = false;
  }
}

describe('RecentRecords against the first implementation', () => {
  it('answers every lookup and stillHolds the same, and saves the same entries, over random writes and searches', () => {
    const next = createRng(987654);
    const rand = (n: number) => Math.floor(next() * n);
    const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)]!;
    const types = ['deals', '0-3', 'Contacts', 'p1_thing'];
    const props = ['a', 'b', 'c', 'pipeline'];
    const values: unknown[] = ['x', 'X', 'y', 'z', 1, '1', null];
    const ids = ['1', '2', '3', '4', '5', '6', '7', '8'];
    for (const capacity of [2, 5, 13, 1000]) {
      const m = new RecentRecords(capacity);
      const ref = new ReferenceRecords(capacity);
      for (let i = 0; i < 5000; i++) {
        const [type, prop, value, id] = [pick(types), pick(props), pick(values), pick(ids)];
        const op = rand(4);
        if (op === 0) {
          const properties = Object.fromEntries(props.filter(() => rand(2)).map((p) => [p, pick(values)]));
          m.remember(type, id, properties);
          ref.remember(type, id, properties);
        } else if (op === 1 && value !== null) {
          const hits = ids.filter(() => rand(4) === 0);
          m.found(type, prop, value, hits);
          ref.found(type, prop, value, hits);
        } else if (op === 2) expect(m.lookup(type, prop, value)).toEqual(ref.lookup(type, prop, value));
        else expect(m.stillHolds(type, id, prop, value)).toBe(ref.stillHolds(type, id, prop, value));
      }
      expect(m.entries()).toEqual(ref.entries());
    }
  });
});
