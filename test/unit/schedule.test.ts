import { describe, expect, it } from 'vitest';
import { Scheduler, type Op } from '../../src/pipeline/schedule.js';
import type { ActionDefinition } from '../../src/actions/types.js';
import type { EventRecord } from '../../src/pipeline/ledger.js';

/** A stand-in action that records the batches it performs: the scheduler is pure logic. */
function recorder(opts: { merge?: (a: any, b: any) => any; oneAtATime?: boolean } = {}) {
  const batches: string[][] = [];
  const action = {
    name: 'upsertContact',
    merge: opts.merge,
    perform: async (ops: Op[]) => {
      batches.push(ops.map((o) => o.data.v.join('+')));
      await new Promise((r) => setTimeout(r, 5));
      return ops.map(() => ({ kind: 'delivered' }));
    },
  } as unknown as ActionDefinition;
  const settled: string[] = [];
  const s = new Scheduler({
    maxInFlight: 4,
    oneAtATime: opts.oneAtATime,
    perform: async (lane, ops) => (await lane.action.perform(ops, {} as any)) as any,
    onSettled: (op) => settled.push(op.data.v.join('+')),
  });
  const rec = {} as EventRecord;
  const add = (v: string, keys: { reads?: string[]; writes?: string[] } = {}, after: Op[] = [], lane = 'l', batchSize = 3) =>
    s.submit(action, 'm', { data: { v: [v] }, reads: keys.reads ?? [], writes: keys.writes ?? [], after, lane, batchSize }, rec);
  /** An upsert of one record: it reads and writes its identity. */
  const on = (k: string, extra: string[] = []) => ({ reads: [k], writes: [k, ...extra] });
  return { s, add, on, batches, settled };
}

const concat = (a: any, b: any) => ({ v: [...a.v, ...b.v] });
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('Scheduler', () => {
  it('fills batches up to the size and sends the rest on flush', async () => {
    const { s, add, batches } = recorder();
    for (const v of ['a', 'b', 'c', 'd']) add(v);
    await s.drain();
    expect(batches).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('merges a later op on the same record into an unsent one, in input order', async () => {
    const { s, add, on, batches } = recorder({ merge: concat });
    const first = add('a1', on('k'));
    const merged = add('a2', on('k'));
    add('b', on('other'));
    expect(merged).toBe(first);
    await s.drain();
    expect(batches).toEqual([['a1+a2', 'b']]);
  });

  it('keeps two ops apart, in order, when the action says their merge would not be equivalent', async () => {
    const { s, add, on, batches } = recorder({ merge: () => undefined });
    const first = add('a1', on('k'));
    const second = add('a2', on('k'));
    expect(second).not.toBe(first);
    await s.drain();
    expect(batches).toEqual([['a1'], ['a2']]);
  });

  it('merges across an op in between that waits for the earlier one and reads only what both write the same', async () => {
    const { s, add, on, batches } = recorder({ merge: concat });
    const c1 = add('c1', on('contacts:email=a'), [], 'contacts');
    add('deal', { reads: ['contacts:email=a'], writes: ['deals:id=1'] }, [], 'deals');
    expect(add('c2', on('contacts:email=a'), [], 'contacts')).toBe(c1);
    await s.drain();
    expect(batches).toEqual([['c1+c2'], ['deal']]);
  });

  it('does not merge across an op in between that reads what only the later op writes', async () => {
    const { s, add, on, batches } = recorder({ merge: concat });
    add('c1', on('contacts:email=a', ['contacts:firstname=ann']), [], 'contacts');
    add('search', { reads: ['contacts:email=a', 'contacts:firstname=bo'], writes: ['deals:id=1'] }, [], 'deals');
    const later = add('c2', on('contacts:email=a', ['contacts:firstname=bo']), [], 'contacts');
    expect(later.data.v).toEqual(['c2']);
    await s.drain();
    expect(batches).toEqual([['c1'], ['search'], ['c2']]);
  });

  it('does not merge when the op in between writes what the later op reads', async () => {
    const { s, add, on, batches } = recorder({ merge: concat });
    add('c1', on('contacts:email=a'), [], 'contacts');
    add('other', { reads: ['contacts:email=a'], writes: ['contacts:owner=x'] }, [], 'owners');
    const later = add('c2', { reads: ['contacts:email=a', 'contacts:owner=x'], writes: ['contacts:email=a'] }, [], 'contacts');
    expect(later.data.v).toEqual(['c2']);
    await s.drain();
    expect(batches).toEqual([['c1'], ['other'], ['c2']]);
  });

  it('makes an op on a record wait for the one in flight, without merging', async () => {
    const { s, add, on, batches } = recorder({ merge: concat });
    add('a1', on('k'), [], 'l', 1);
    await tick(); // a1 is dispatched
    add('a2', on('k'), [], 'l', 1);
    await s.drain();
    expect(batches).toEqual([['a1'], ['a2']]);
  });

  it('makes a lookup wait for an earlier write of what it reads, and a later write wait for the lookup', async () => {
    const { s, add, on, settled } = recorder();
    add('contact', on('contacts:email=a'), [], 'contacts', 100);
    add('deal', { reads: ['contacts:email=a'], writes: ['deals:order=1'] }, [], 'deals', 100);
    add('contact again', on('contacts:email=a'), [], 'contacts', 100);
    await s.drain();
    expect(settled).toEqual(['contact', 'deal', 'contact again']);
  });

  it('lets writes of the same property value share a batch: only a read of it orders them', async () => {
    const { s, add, batches } = recorder();
    add('d1', { reads: ['deals:order=1'], writes: ['deals:order=1', 'deals:stage=won'] });
    add('d2', { reads: ['deals:order=2'], writes: ['deals:order=2', 'deals:stage=won'] });
    add('search', { reads: ['deals:stage=won'], writes: [] });
    await s.drain();
    expect(batches).toEqual([['d1', 'd2'], ['search']]);
  });

  it('holds an op until its explicit dependencies have settled', async () => {
    const { s, add, on, settled } = recorder();
    const contact = add('contact', on('c'), [], 'contacts', 100);
    add('company', on('g'), [contact], 'companies', 1);
    await s.drain();
    expect(settled).toEqual(['contact', 'company']);
  });

  it('in the reference mode sends one op at a time, oldest first, whatever its lane, and never merges', async () => {
    const { s, add, on, batches } = recorder({ merge: concat, oneAtATime: true });
    add('a', on('k'), [], 'x', 100);
    add('b', {}, [], 'y', 100);
    add('c', on('k'), [], 'x', 100);
    add('d', {}, [], 'x', 100);
    await s.drain();
    expect(batches).toEqual([['a'], ['b'], ['c'], ['d']]);
  });

  it('holds partial batches while requests queue for the rate budget, and sends them fuller once the queue is empty', async () => {
    const batches: string[][] = [];
    let backlog = 3;
    const action = { name: 'upsertContact', perform: async (ops: Op[]) => ops.map(() => ({ kind: 'delivered' })) } as unknown as ActionDefinition;
    const s = new Scheduler({
      maxInFlight: 4,
      partialAfterMs: 5,
      backlog: () => backlog,
      perform: async (lane, ops) => {
        batches.push(ops.map((o) => o.data.v));
        return (await lane.action.perform(ops, {} as any)) as any;
      },
      onSettled: () => undefined,
    });
    const add = (v: string) => s.submit(action, 'm', { data: { v }, reads: [], writes: [`k=${v}`], lane: 'l', batchSize: 10 }, {} as EventRecord);
    add('a');
    await new Promise((r) => setTimeout(r, 30));
    add('b');
    await new Promise((r) => setTimeout(r, 30));
    // Old enough to go, but sent now they would only wait behind the queued requests.
    expect(batches).toEqual([]);
    backlog = 0;
    await new Promise((r) => setTimeout(r, 30));
    expect(batches).toEqual([['a', 'b']]);
    add('c');
    await s.drain();
    expect(batches).toEqual([['a', 'b'], ['c']]);
  });

  it('room() sends partial batches and waits until enough have settled', async () => {
    const { s, add, batches } = recorder();
    add('a');
    add('b');
    let pending = 2;
    const waited = s.room(() => pending === 0);
    const orig = batches.length;
    await new Promise((r) => setTimeout(r, 20));
    pending = 0;
    add('c', {}, [], 'other', 1);
    await waited;
    expect(orig).toBe(0);
    expect(batches[0]).toEqual(['a', 'b']);
  });
});

describe('Scheduler: a sequence (ops that may move records away from values the others find them by)', () => {
  /** Records each batch with whether another batch of its sequence was in flight when it started. */
  function sequenced() {
    const batches: string[][] = [];
    const overlapped: string[] = [];
    let inFlight = 0;
    const action = {
      name: 'upsertCompany',
      merge: concat,
      perform: async (ops: Op[]) => {
        const names = ops.map((o) => o.data.v.join('+'));
        if (inFlight++ > 0) overlapped.push(names.join(','));
        batches.push(names);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return ops.map(() => ({ kind: 'delivered' }));
      },
    } as unknown as ActionDefinition;
    const s = new Scheduler({ maxInFlight: 8, perform: async (lane, ops) => (await lane.action.perform(ops, {} as any)) as any, onSettled: () => {} });
    const add = (v: string, o: { lane?: string; reads?: string[]; writes?: string[]; after?: Op[]; sequence?: string } = {}) =>
      s.submit(action, 'm', { data: { v: [v] }, reads: o.reads ?? [`companies:segment_group_id=${v}`], writes: o.writes ?? [`companies:segment_group_id=${v}`], after: o.after, lane: o.lane ?? 'companies', batchSize: 3, sequence: 'sequence' in o ? o.sequence : 'companies' }, {} as EventRecord);
    return { s, add, batches, overlapped };
  }

  it('sends one batch at a time, each the oldest ops, consecutive and of one lane', async () => {
    const { s, add, batches, overlapped } = sequenced();
    for (const v of ['a', 'b', 'c', 'd']) add(v);
    add('p', { lane: 'partners' });
    add('e');
    await s.drain();
    expect(batches).toEqual([['a', 'b', 'c'], ['d'], ['p'], ['e']]);
    expect(overlapped).toEqual([]);
  });

  it('lets no later op of the sequence overtake an earlier one that waits for its dependency', async () => {
    const { s, add, batches } = sequenced();
    const contact = add('contact', { lane: 'contacts', sequence: 'none' });
    add('a', { after: [contact] });
    add('b');
    await s.drain();
    expect(batches).toEqual([['contact'], ['a', 'b']]);
  });

  it('runs other sequences and ops outside any beside it', async () => {
    const { s, add, overlapped } = sequenced();
    add('a');
    add('deal', { lane: 'deals', sequence: 'deals' });
    await s.drain();
    expect(overlapped).toEqual(['deal']);
  });

  it('merges a later op only into the newest op of its sequence: one in between may find a record by a value it moves', async () => {
    const g = { reads: ['companies:segment_group_id=g'], writes: ['companies:segment_group_id=g'] };
    for (const sequence of ['companies', undefined]) {
      const { s, add, batches } = sequenced();
      const first = add('a', { ...g, sequence });
      add('b', { sequence });
      const later = add('a2', { ...g, sequence });
      await s.drain();
      if (sequence) {
        expect(later).not.toBe(first);
        expect(batches).toEqual([['a', 'b'], ['a2']]);
      } else {
        expect(later).toBe(first);
        expect(batches).toEqual([['a+a2', 'b']]);
      }
    }
  });
});

describe('Scheduler as the run order: ops that look at their records again before writing', () => {
  function looking(perform: (ops: Op[], s: Scheduler) => Promise<any[]>) {
    const batches: string[][] = [];
    const settled: string[] = [];
    const action = { name: 'upsertCompany', merge: concat } as unknown as ActionDefinition;
    const s: Scheduler = new Scheduler({
      maxInFlight: 4,
      watched: ['companies'],
      perform: async (_lane, ops) => {
        batches.push(ops.map((o) => o.data.v.join('+')));
        return perform(ops, s);
      },
      onSettled: (op) => settled.push(op.data.v.join('+')),
    });
    const add = (v: string, reads: string[], writes: string[], lane = 'companies') =>
      s.submit(action, 'm', { data: { v: [v] }, reads, writes, lane, batchSize: 1 }, {} as EventRecord);
    return { s, add, batches, settled };
  }
  const delivered = { kind: 'delivered' };

  it('an op sent back waits for the ops it names, then is performed again; none settles twice', async () => {
    let slow!: () => void;
    const { s, add, batches, settled } = looking(async (ops, sched) => {
      const [op] = ops;
      if (op!.data.v[0] === 'e') await new Promise<void>((r) => (slow = r));
      if (op!.data.v[0] === 'x' && sched.returns(op!) === 0) return [{ kind: 'again', after: sched.blockers(op!, ['companies:domain=d'], new Set()) }];
      return [delivered];
    });
    add('e', ['companies:segment_group_id=e', 'companies:domain=d'], ['companies:segment_group_id=e']);
    add('x', ['companies:segment_group_id=x'], ['companies:segment_group_id=x']);
    await tick();
    await tick();
    expect(batches).toEqual([['e'], ['x']]);
    expect(settled).toEqual([]);
    slow();
    await s.drain();
    expect(batches).toEqual([['e'], ['x'], ['x']]);
    expect(settled).toEqual(['e', 'x']);
  });

  it('blockers: earlier unsettled ops reading or writing the keys, outside the batch, never later ones', () => {
    const { add, s } = looking(async () => [delivered]);
    const a = add('a', ['companies:domain=d'], [], 'x');
    const b = add('b', [], ['companies:domain=d'], 'y');
    const c = add('c', ['companies:segment_group_id=c'], [], 'z');
    const later = add('later', ['companies:domain=d'], [], 'w');
    const ids = (ops: { id: number }[]) => ops.map((o) => o.id).sort();
    expect(ids(s.blockers(c, ['companies:domain=d'], new Set()))).toEqual(ids([a, b]));
    expect(s.blockers(c, ['companies:domain=d'], new Set([a]))).toEqual([b]);
    expect(s.blockers(c, ['companies:domain=other'], new Set())).toEqual([]);
    expect(ids(s.blockers(later, ['companies:domain=d'], new Set()))).toEqual(ids([a, b]));
  });

  it('watch: the properties of a type other unsettled ops touch, beyond the batch itself', () => {
    const { add, s } = looking(async () => [delivered]);
    const a = add('a', ['companies:segment_group_id=a', 'contacts:email=x'], ['companies:segment_group_id=a'], 'x');
    const props = (batch: Op[]) => {
      const w = s.watch('companies', batch);
      s.release(w);
      return [...w.properties];
    };
    expect(props([a])).toEqual([]);
    add('b', ['companies:domain=d'], [], 'y');
    expect(props([a])).toEqual(['domain']);
    expect([...s.watch('contacts', [a]).properties]).toEqual([]);
  });

  it('watch: the oldest unsettled op touching the type outside the batch; earlierTouching: those before an op', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const { add, s } = looking(async () => {
      await held;
      return [delivered];
    });
    const a = add('a', ['companies:domain=d'], [], 'x');
    add('c', ['contacts:email=c'], [], 'z'); // touches no company: never the oldest
    const b = add('b', ['companies:segment_group_id=b'], [], 'y');
    const oldest = (batch: Op[]) => {
      const w = s.watch('companies', batch);
      s.release(w);
      return w.oldest;
    };
    expect(oldest([])).toBe(a.id);
    expect(oldest([a])).toBe(b.id);
    expect(oldest([a, b])).toBe(Infinity);
    expect(s.earlierTouching(b, 'companies', new Set())).toEqual([a]);
    expect(s.earlierTouching(b, 'companies', new Set([a]))).toEqual([]);
    expect(s.earlierTouching(a, 'companies', new Set())).toEqual([]);
    release();
    await s.drain();
    expect(oldest([])).toBe(Infinity);
    expect(s.earlierTouching(b, 'companies', new Set())).toEqual([]);
  });

  it('changedSince: whether an op touching the keys settled after the watch was taken', async () => {
    const { add, s } = looking(async () => [delivered]);
    const before = s.watch('companies', []);
    add('a', ['companies:domain=d'], ['companies:segment_group_id=a']);
    await s.drain();
    const after = s.watch('companies', []);
    expect(s.changedSince(before, ['companies:domain=d'])).toBe(true);
    expect(s.changedSince(before, ['companies:segment_group_id=a'])).toBe(true);
    expect(s.changedSince(before, ['companies:domain=other'])).toBe(false);
    expect(s.changedSince(after, ['companies:domain=d'])).toBe(false);
    s.release(before);
    s.release(after);
  });

  it('merges a later op only into the newest op touching a watched type', async () => {
    const g = ['companies:segment_group_id=g'];
    for (const between of [true, false]) {
      const { s, add, batches } = looking(async (ops) => ops.map(() => delivered));
      const first = add('g1', g, g);
      if (between) add('other', ['companies:segment_group_id=o'], ['companies:segment_group_id=o'], 'o');
      const second = add('g2', g, g);
      await s.drain();
      if (between) {
        expect(second).not.toBe(first);
        expect(batches.flat().sort()).toEqual(['g1', 'g2', 'other']);
      } else {
        expect(second).toBe(first);
        expect(batches).toEqual([['g1+g2']]);
      }
    }
  });
});

describe('waiting for the scheduler to be idle', () => {
  const scheduler = () => new Scheduler({ maxInFlight: 8, perform: async () => [], onSettled: () => {} } as never);

  it('with nothing queued or in flight, resumes a waiter after one microtask, as an async function returning at once did', async () => {
    const s = scheduler();
    const order: string[] = [];
    const reference = (async () => {})();
    void s.idle().then(() => order.push('idle'));
    void reference.then(() => order.push('reference'));
    void Promise.resolve().then(() => order.push('next tick'));
    await new Promise((r) => setTimeout(r, 0));
    expect(order).toEqual(['idle', 'reference', 'next tick']);
    const awaited: string[] = [];
    const waiter = async (name: string, p: () => Promise<void>) => {
      await p();
      awaited.push(name);
    };
    void waiter('idle', () => s.idle());
    void waiter('reference', async () => {});
    await new Promise((r) => setTimeout(r, 0));
    expect(awaited).toEqual(['idle', 'reference']);
  });
});
