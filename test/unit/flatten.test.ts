import { describe, expect, it } from 'vitest';
import { definedMerge, definedOnly, flattenObject } from '../../src/actions/shared/properties.js';
import { createRng } from '../emulator/prng.js';
import { transformEventName } from '../../src/actions/sendCustomBehavioralEvent/event-name.js';

// Segment's own utils tests (hubspot/__tests__/utils.test.ts), the rules every action's properties follow.
describe('flattenObject', () => {
  it('returns undefined as it is', () => {
    expect(flattenObject(undefined)).toBeUndefined();
  });
  it('drops null and undefined, keeps strings, sends numbers and booleans as strings (HubSpot types every value a string)', () => {
    expect(flattenObject({ a: undefined, b: null, c: 'string', d: 1, e: true, f: 99.5, g: false, h: 0 })).toEqual({ c: 'string', d: '1', e: 'true', f: '99.5', g: 'false', h: '0' });
  });
  it('leaves a number the read stage kept exact (a string beyond 2^53) as it is', () => {
    expect(flattenObject({ id: '9007199254740993', big: '1e400' })).toEqual({ id: '9007199254740993', big: '1e400' });
  });
  it('joins arrays with ; and writes objects as JSON', () => {
    expect(flattenObject({ arr: [1, 2, 3, { test: 'test' }, 4], obj: { a: 1, b: 'text', c: true } })).toEqual({
      arr: '1;2;3;{"test":"test"};4',
      obj: '{"a":1,"b":"text","c":true}',
    });
  });
  it('trims strings', () => {
    expect(flattenObject({ s: '  test  ' })).toEqual({ s: 'test' });
  });
});

describe('transformEventName', () => {
  it('lower-cases and turns spaces and dots into _', () => {
    expect(transformEventName('pe22596207 Test Event Http')).toBe('pe22596207_test_event_http');
    expect(transformEventName('pe1.Signed  Up')).toBe('pe1_signed_up');
  });
});

describe('definedMerge = definedOnly({ ...standard, ...custom })', () => {
  it('the same keys, values and key order for generated objects', () => {
    const r = createRng(7);
    const names = ['firstname', 'city', 'email', 'plan', '10', '2', 'constructor', 'toString', 'z'];
    const values = [undefined, '', 'x', ' y ', '3'];
    const gen = () => {
      const o: Record<string, unknown> = {};
      for (const k of names) if (r() < 0.5) o[k] = values[Math.floor(r() * values.length)];
      return o;
    };
    const show = (o: object) => JSON.stringify(Object.entries(o));
    for (let i = 0; i < 2000; i++) {
      const standard = gen();
      const custom = i % 10 === 0 ? (i % 20 === 0 ? undefined : null) : gen();
      expect(show(definedMerge(standard, custom))).toBe(show(definedOnly({ ...standard, ...(custom ?? {}) })));
    }
  });
});
