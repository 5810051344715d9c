import { describe, expect, it } from 'vitest';
import { RecentIds, RecentRecords } from '../../src/pipeline/run-memory.js';

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
