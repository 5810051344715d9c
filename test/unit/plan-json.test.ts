import { describe, expect, it } from 'vitest';
import { jsonChunks } from '../../src/commands/plan/plan-mode.js';

describe("the plan's JSON, written in pieces", () => {
  it('is the same text as one JSON.stringify of the whole, undefined fields left out', () => {
    const plan = {
      records: [{ kind: 'create', id: 'new-deals-1', props: { a: '1' } }, { kind: 'update', id: '7', changes: [{ p: 'x', from: null, to: 'y' }] }],
      associations: [],
      events: [{ eventName: 'pe1_x' }],
      properties: [],
    };
    const rest = { totals: { creates: 1 }, problems: [], counts: { read: 2 }, requests: 3, stoppedBy: undefined };
    expect([...jsonChunks(plan as any, rest)].join('')).toBe(JSON.stringify({ plan, ...rest }) + '\n');
  });
});
