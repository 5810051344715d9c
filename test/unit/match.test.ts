import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { compileMatcher, type MatchCondition } from '../../src/mapping/match.js';
import { createRng as rng, type Rng } from '../emulator/prng.js';

const require = createRequire(import.meta.url);
const subs = require('@segment/destination-subscriptions') as { validate(ast: unknown, e: unknown): boolean };

/** src/mapping/match.ts against destination-subscriptions' validate: generated trees over generated events. */
const TYPES = ['event-type', 'event', 'name', 'userId', 'event-property', 'event-trait', 'event-context', 'group', 'other'];
const OPS = ['=', '!=', '<', '<=', '>', '>=', 'number_equals', 'number_not_equals', 'contains', 'not_contains', 'starts_with', 'not_starts_with', 'ends_with', 'not_ends_with', 'exists', 'not_exists', 'is_true', 'is_false', 'bogus'];
const NAMES = [undefined, '', '.', 'a', 'a.b', 'list[0]', 'list.1', 'a.b.c', 'x y'];
const VALUES: unknown[] = [undefined, 'track', 'A', 'a', '', 0, 5, '5', true, false, 'true'];
const LEAVES: unknown[] = [undefined, null, 'track', 'identify', 'A', 'a', 'Ab', '', 0, 5, 6, -1, '5', true, false, 'true', [], {}];

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

function tree(r: Rng, depth: number): MatchCondition {
  const type = depth > 0 && r() < 0.25 ? 'group' : pick(r, TYPES.filter((t) => t !== 'group'));
  if (type === 'group') return { type, operator: pick(r, ['and', 'or', 'xor']), children: Array.from({ length: Math.floor(r() * 4) }, () => tree(r, depth - 1)) };
  const c: MatchCondition = { type, operator: pick(r, OPS) };
  const name = pick(r, NAMES);
  if (name !== undefined) c.name = name;
  const value = pick(r, VALUES);
  if (value !== undefined) c.value = value;
  return c;
}

function bag(r: Rng, depth: number): unknown {
  if (depth === 0 || r() < 0.4) return pick(r, LEAVES);
  return { a: bag(r, depth - 1), b: bag(r, depth - 1), list: [pick(r, LEAVES), pick(r, LEAVES)] };
}

function event(r: Rng): Record<string, unknown> {
  const e: Record<string, unknown> = {};
  for (const k of ['type', 'event', 'name', 'userId']) if (r() < 0.8) e[k] = pick(r, LEAVES);
  for (const k of ['properties', 'traits', 'context']) if (r() < 0.8) e[k] = bag(r, 3);
  return e;
}

const outcome = (f: () => boolean): boolean | string => {
  try {
    return f();
  } catch (err) {
    return `throws ${(err as Error).constructor.name}`;
  }
};

describe('compiled trigger matching = destination-subscriptions validate', () => {
  it('the same answer for generated condition trees and events', () => {
    const r = rng(17);
    const events = Array.from({ length: 60 }, () => event(r));
    let matched = 0;
    for (let i = 0; i < 1500; i++) {
      const root: MatchCondition = { type: 'group', operator: pick(r, ['and', 'or']), children: Array.from({ length: 1 + Math.floor(r() * 3) }, () => tree(r, 2)) };
      if (r() < 0.02) root.error = new Error('x');
      const compiled = compileMatcher(root);
      for (const e of events) {
        const want = outcome(() => subs.validate(root, e));
        expect(outcome(() => compiled(e)), JSON.stringify(root)).toBe(want);
        if (want === true) matched++;
      }
      expect(outcome(() => compiled(undefined))).toBe(outcome(() => subs.validate(root, undefined)));
    }
    // The generated trees are neither all true nor all false.
    expect(matched).toBeGreaterThan(1000);
    expect(matched).toBeLessThan(80000);
  });

  it('a group without a list of conditions: and/or fail on each event as validate does, others are false', () => {
    const e = { type: 'track', event: 'A' };
    for (const operator of ['and', 'or', 'xor']) {
      for (const root of [{ type: 'group', operator } as MatchCondition, { type: 'group', operator: 'and', children: [{ type: 'group', operator }] } as MatchCondition]) {
        expect(outcome(() => compileMatcher(root)(e)), `${operator} ${JSON.stringify(root)}`).toBe(outcome(() => subs.validate(root, e)));
      }
    }
  });
});
