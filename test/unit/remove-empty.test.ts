import { describe, expect, it } from 'vitest';
import { actions } from '../../src/actions/index.js';
import { removeEmptyValues } from '../../src/mapping/remove-empty.js';
import { segmentCore, type JsonSchema } from '../../src/mapping/segment-libs.js';
import { createRng as rng, type Rng } from '../emulator/prng.js';

/**
 * src/mapping/remove-empty.ts against actions-core's removeEmptyValues: the same result (keys,
 * their order, and what is removed) for generated values under generated schemas and under the
 * actions' own schemas, and never the input object itself where Segment's makes a copy.
 */

const LEAVES: unknown[] = [undefined, null, '', ' ', 'x', 'null', 0, 1, -2.5, true, false, [], [''], [null, 'a', ''], {}];
const TYPES: unknown[] = [undefined, 'string', 'number', 'integer', 'boolean', 'object', 'array', 'null', ['string', 'null'], ['number', 'string'], ['null'], [], ['boolean', 'integer']];

function schemaOf(r: Rng, depth: number): JsonSchema {
  const s: JsonSchema = {};
  const type = TYPES[Math.floor(r() * TYPES.length)];
  if (type !== undefined) s.type = type;
  if (r() < 0.15) s.enum = ['a', '', null];
  if (depth > 0 && r() < 0.4) {
    s.properties = {};
    for (const k of ['a', 'b', '', 'constructor', '10', '2', 'c d']) if (r() < 0.6) s.properties[k] = schemaOf(r, depth - 1);
  }
  if (depth > 0 && r() < 0.3) s.items = schemaOf(r, depth - 1);
  return s;
}

function valueOf(r: Rng, depth: number): unknown {
  const x = r();
  if (depth > 0 && x < 0.3) {
    const o: Record<string, unknown> = {};
    for (const k of ['a', 'b', '', 'constructor', '10', '2', 'c d', 'z']) if (r() < 0.6) o[k] = valueOf(r, depth - 1);
    return o;
  }
  if (depth > 0 && x < 0.45) return Array.from({ length: Math.floor(r() * 4) }, () => valueOf(r, depth - 1));
  return structuredClone(LEAVES[Math.floor(r() * LEAVES.length)]);
}

const keepUndefined = (_k: string, v: unknown) => (v === undefined ? '(undefined)' : v);

function expectSame(obj: unknown, schema: JsonSchema | undefined, isRoot: boolean): void {
  const want = segmentCore().removeEmptyValues(structuredClone(obj), schema as JsonSchema, isRoot);
  const input = structuredClone(obj);
  const got = removeEmptyValues(input, schema, isRoot);
  expect(got).toEqual(want);
  // toEqual ignores key order and undefined keys; this JSON does not.
  expect(JSON.stringify(got, keepUndefined)).toBe(JSON.stringify(want, keepUndefined));
  if (want !== null && typeof want === 'object' && schema?.properties && !Array.isArray(want) && (schema.type || schema.enum)) expect(got).not.toBe(input);
}

describe('removeEmptyValues = actions-core removeEmptyValues', () => {
  it('generated values under generated schemas, at the root and below it', () => {
    const r = rng(11);
    for (let i = 0; i < 4000; i++) {
      const schema = r() < 0.05 ? undefined : schemaOf(r, 3);
      const obj = valueOf(r, 3);
      expectSame(obj, schema, i % 2 === 0);
    }
  });

  it('generated payloads under every action\'s own schema', () => {
    const core = segmentCore();
    const r = rng(5);
    for (const action of Object.values(actions)) {
      const schema = core.fieldsToJsonSchema(action.fields as Record<string, unknown>);
      const names = [...Object.keys(schema.properties ?? {}), 'extra'];
      for (let i = 0; i < 300; i++) {
        const payload: Record<string, unknown> = {};
        for (const k of names) if (r() < 0.7) payload[k] = valueOf(r, 2);
        expectSame(payload, schema, true);
      }
    }
  });

  it('objects it cannot copy key by key go to actions-core\'s own', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    expectSame(JSON.parse('{"__proto__": {"a": ""}, "a": "", "b": null}'), schema, true);
    const withSymbol = { a: 'x', [Symbol('s')]: 1 };
    const got = removeEmptyValues(withSymbol, schema, true) as Record<symbol, unknown>;
    expect(Object.getOwnPropertySymbols(got)).toHaveLength(1);
  });
});
