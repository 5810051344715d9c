import { describe, expect, it } from 'vitest';
import { matchesSearch, PlanState, type Props, type RecordState } from '../../src/hubspot/plan-state.js';

/** A seeded stream of numbers in [0, 1). */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// What the indexes stand in for: a scan of every record, in the order they were first seen.
const scanFind = (state: PlanState, type: string, prop: string, value: string): RecordState | undefined =>
  state.records(type).find((r) => typeof r.props[prop] === 'string' && r.props[prop]!.toLowerCase() === value.toLowerCase());
const scanMatches = (state: PlanState, type: string, groups: any[]) => state.records(type).filter((r) => matchesSearch(r.props, groups) === true);

describe('PlanState lookups', () => {
  it('find and search exactly what a scan of every record finds, through reads, creates and updates that change values', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const rand = prng(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
      const types = ['contacts', 'companies'];
      const props = ['email', 'domain', 'plan'];
      // Few values, in two cases, and empty and null ones: collisions, case and clearing all happen.
      const values = ['a@x.io', 'A@X.io', 'b@x.io', 'c.io', 'C.IO', '', null] as const;
      const someProps = (): Props => Object.fromEntries(props.filter(() => rand() < 0.5).map((p) => [p, pick(values)]));
      const state = new PlanState();
      const ids: Array<[string, string]> = [];
      for (let step = 0; step < 300; step++) {
        const type = pick(types);
        const r = rand();
        if (r < 0.3) {
          const id = String(Math.floor(rand() * 40));
          state.learn(type, id, someProps());
          ids.push([type, id]);
        } else if (r < 0.5) {
          ids.push([type, state.create(type, someProps()).id]);
        } else if (r < 0.75 && ids.length) {
          const [t, id] = pick(ids);
          state.update(t, id, someProps());
        } else {
          const prop = pick(props);
          const value = String(pick(values) ?? 'none');
          expect(state.findBy(type, prop, value)).toBe(scanFind(state, type, prop, value));
          const groups = rand() < 0.5
            ? [{ filters: [{ propertyName: prop, operator: 'EQ', value }] }]
            : [
                { filters: [{ propertyName: prop, operator: 'IN', values: [value, String(pick(values))] }, { propertyName: pick(props), operator: 'HAS_PROPERTY' }] },
                { filters: [{ propertyName: pick(props), operator: rand() < 0.5 ? 'EQ' : 'NEQ', value: String(pick(values)) }] },
              ];
          const got = state.candidates(type, groups).filter((rec) => matchesSearch(rec.props, groups) === true);
          expect(got).toEqual(scanMatches(state, type, groups));
        }
      }
    }
  });
});
