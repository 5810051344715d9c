import { describe, expect, it } from 'vitest';
import { Scheduler, type Op } from '../../src/pipeline/schedule.js';
import type { ActionDefinition } from '../../src/actions/types.js';

/** A stand-in action that records the batches it performs: the scheduler is pure logic. */
function recorder(opts: { merge?: boolean } = {}) {
  const batches: string[][] = [];
  const action = {
    name: 'upsertContact',
    merge: opts.merge ? (a: any, b: any) => ({ v: [...a.v, ...b.v] }) : undefined,
    perform: async (ops: Op[]) => {
      batches.push(ops.map((o) => o.data.v.join('+')));
      await new Promise((r) => setTimeout(r, 5));
      for (const o of ops) o.outcome = { kind: 'delivered' };
    },
  } as unknown as ActionDefinition;
  const settled: string[] = [];
  const s = new Scheduler({
    maxInFlight: 4,
    perform: (lane, ops) => lane.action.perform(ops, {} as any),
    onSettled: (op) => settled.push(op.data.v.join('+')),
  });
  const add = (v: string, key?: string, after: Op[] = [], lane = 'l', batchSize = 3) => s.submit(action, 'm', { data: { v: [v] }, key, after, lane, batchSize });
  return { s, add, batches, settled };
}

describe('Scheduler', () => {
  it('fills batches up to the size and sends the rest on flush', async () => {
    const { s, add, batches } = recorder();
    for (const v of ['a', 'b', 'c', 'd']) add(v);
    await s.drain();
    expect(batches).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('merges a later op on the same key into an unsent one, in input order', async () => {
    const { s, add, batches } = recorder({ merge: true });
    const first = add('a1', 'k');
    const merged = add('a2', 'k');
    add('b', 'other');
    expect(merged).toBe(first);
    await s.drain();
    expect(batches).toEqual([['a1+a2', 'b']]);
  });

  it('makes an op on a key wait for the one in flight, without merging', async () => {
    const { s, add, batches } = recorder({ merge: true });
    add('a1', 'k', [], 'l', 1);
    await new Promise((r) => setTimeout(r, 0)); // a1 is dispatched
    add('a2', 'k', [], 'l', 1);
    await s.drain();
    expect(batches).toEqual([['a1'], ['a2']]);
  });

  it('holds an op until the ops it depends on have settled', async () => {
    const { s, add, settled } = recorder();
    const contact = add('contact', 'c', [], 'contacts', 100);
    add('company', 'g', [contact], 'companies', 1);
    await s.drain();
    expect(settled).toEqual(['contact', 'company']);
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
    add('c', undefined, [], 'other', 1);
    await waited;
    expect(orig).toBe(0);
    expect(batches[0]).toEqual(['a', 'b']);
  });
});
