import { describe, expect, it } from 'vitest';
import { Outcomes } from '../../src/actions/shared/outcomes.js';
import type { OpHandle } from '../../src/model.js';

const op = (id: number): OpHandle => ({ id, action: 'upsertContact', mappingName: 'm', data: {} });

describe('Outcomes', () => {
  it('gives the outcomes in the order of the ops, whatever the order they were decided in', () => {
    const [a, b] = [op(1), op(2)];
    const out = new Outcomes([a, b]);
    out.skip(b, 'why');
    out.deliver(a);
    expect(out.list()).toEqual([{ kind: 'delivered' }, { kind: 'skipped', reason: 'why' }]);
  });

  it('refuses a second outcome for an op, an op not in the batch, and a batch left unsettled', () => {
    const a = op(1);
    const out = new Outcomes([a]);
    expect(() => out.list()).toThrow(/no outcome/);
    out.deliver(a);
    expect(() => out.fail(a, { kind: 'internal', message: 'x' })).toThrow(/twice/);
    expect(() => out.deliver(op(9))).toThrow(/not in its batch/);
  });
});
