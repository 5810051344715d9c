import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileFields } from '../../src/mapping/compile.js';
import { loadMappingFile } from '../../src/mapping/mapping-file.js';
import { mapEvent } from '../../src/mapping/map-event.js';
import { segmentCore } from '../../src/mapping/segment-libs.js';
import { createRng as rng } from '../emulator/prng.js';

/**
 * The compiled mapping (src/mapping/compile.ts) against mapping-kit's own `transform`: the same
 * payload, or the same error, for every event of a generated corpus, for every directive the
 * compiler handles, and for the shipped mapping files over their own events and the corpus.
 */


/** Values of every JSON kind, and the edge ones mapping-kit's checks look at ("", 0, [], nested). */
const ODD: unknown[] = [undefined, null, '', ' ', 'x', '{{traits.email}}', '{{{traits.plan}}}', 'A b.C', 'Hello World', '{"a":1}', '[1,2]', 'not json', 0, 1, -2.5, true, false, [], [1, 'a'], [{ sku: 's1' }, { sku: 's2', n: { x: 1 } }], {}, { a: 1, b: { c: 'd' } }, { sku: 'one' }];

function corpus(n: number, seed = 3): Record<string, unknown>[] {
  const r = rng(seed);
  const pick = () => ODD[Math.floor(r() * ODD.length)];
  const maybe = (o: Record<string, unknown>, k: string, v: unknown) => {
    if (r() < 0.85) o[k] = v;
  };
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const traits: Record<string, unknown> = {};
    for (const k of ['email', 'name', 'plan', 'website', 'nested', 'list', 'flag', 'sep']) maybe(traits, k, pick());
    maybe(traits, 'address', { city: pick(), country: pick(), lines: [pick(), pick()] });
    const properties: Record<string, unknown> = {};
    for (const k of ['order_id', 'total', 'products', 'json', 'a', 'b', 'direction']) maybe(properties, k, pick());
    if (r() < 0.5) properties.products = [{ sku: pick(), price: pick() }, { sku: pick() }];
    const e: Record<string, unknown> = { type: ['identify', 'track', 'group', 'page'][i % 4], messageId: `m${i}`, event: r() < 0.5 ? 'Order Completed' : pick() };
    maybe(e, 'traits', r() < 0.1 ? pick() : traits);
    maybe(e, 'properties', r() < 0.1 ? pick() : properties);
    maybe(e, 'context', { traits: { email: pick() }, campaign: { source: pick() } });
    maybe(e, 'userId', pick());
    out.push(e);
  }
  return out;
}

/** One mapping per directive and shape, most with their optional keys varied. */
const FIELDS: Record<string, Record<string, unknown>> = {
  path: { a: { '@path': '$.traits.email' }, b: { '@path': '$.traits.address.city' }, c: { '@path': '$.traits.list[0]' }, d: { '@path': '$.properties.products.0.sku' }, e: { '@path': '$.' }, f: { '@path': '$.traits' }, g: { '@path': "$.traits['name']" } },
  pathOfPath: { a: { '@path': { '@path': '$.traits.name' } } },
  template: { a: { '@template': 'Order {{properties.order_id}}' }, b: { '@template': '{{{traits.name}}} <{{traits.email}}>' }, c: { '@template': 'plain' }, d: { '@template': '{{ traits.address.city }}' } },
  templatePlaces: { a: { '@template': '{{traits.name}}{{traits.plan}}-{{traits.list[0]}}.{{traits.list.1}}' }, b: { '@template': '{{ }}|{{.}}|{{ . }}' }, c: { '@template': '{{traits.name' }, d: { '@template': '{{{traits}}' }, e: { '@template': "{{traits['name']}} {{$.traits.name}} {{traits.address}} {{traits.nested.a}}" }, f: { '@template': '}}{{traits.email}}{{' } },
  templateInArray: { a: { '@arrayPath': ['$.traits.list', { s: { '@template': '<{{.}}>{{ sku }}' } }] } },
  templateOfPath: { a: { '@template': { '@path': '$.traits.name' } } },
  literal: { a: { '@literal': 'x' }, b: { '@literal': { k: { '@path': '$.traits.plan' } } }, c: { '@literal': 0 }, d: { '@literal': [1, { '@path': '$.userId' }] } },
  ifExists: { a: { '@if': { exists: { '@path': '$.traits.email' }, then: { '@path': '$.traits.email' }, else: { '@path': '$.context.traits.email' } } }, b: { '@if': { exists: { '@path': '$.traits.plan' }, then: 'has plan' } } },
  ifBlank: { a: { '@if': { blank: { '@path': '$.traits.name' }, then: 'named', else: 'blank' } }, b: { '@if': { blank: { '@path': '$.traits.list' }, then: { '@path': '$.traits.list' } } } },
  caseLower: { a: { '@case': { operator: 'lower', value: { '@path': '$.traits.name' } } }, b: { '@case': { operator: 'upper', value: { '@path': '$.traits.plan' } } } },
  caseBadOperator: { a: { '@case': { operator: 'title', value: { '@path': '$.traits.name' } } } },
  replace: { a: { '@replace': { pattern: ' ', replacement: '_', value: { '@path': '$.traits.name' } } }, b: { '@replace': { pattern: '.', value: { '@path': '$.traits.name' }, ignorecase: true, global: false } } },
  replaceTwice: { a: { '@replace': { pattern: 'a', replacement: 'b', pattern2: 'l', replacement2: 'L', ignorecase: true, value: { '@path': '$.traits.plan' } } }, b: { '@replace': { pattern: 'o', pattern2: 'x', value: { '@path': '$.traits.name' } } } },
  arrayPath: { a: { '@arrayPath': ['$.properties.products', { sku: { '@path': '$.sku' }, price: { '@path': '$.price' } }] }, b: { '@arrayPath': ['$.traits.nested'] }, c: { '@arrayPath': [{ '@path': '$.properties.products' }, { s: { '@template': 'sku {{sku}}' } }] }, d: { '@arrayPath': ['$.traits.list', {}] } },
  json: { a: { '@json': { mode: 'encode', value: { '@path': '$.traits' } } }, b: { '@json': { mode: 'decode', value: { '@path': '$.traits.name' } } }, c: { '@json': { mode: 'decode', value: { '@path': '$.properties.json' } } } },
  flatten: { a: { '@flatten': { separator: '.', value: { '@path': '$.traits' } } }, b: { '@flatten': { separator: '_', value: { '@path': '$.properties' }, omitArrays: true } }, c: { '@flatten': { separator: '/', value: { '@path': '$.traits.address' } } }, d: { '@flatten': { separator: '.', value: { '@path': '$.traits.name' } } } },
  merge: { a: { '@merge': { direction: 'right', objects: [{ '@path': '$.traits' }, { '@path': '$.properties' }] } }, b: { '@merge': { direction: 'left', objects: [{ '@path': '$.traits.address' }, { city: 'fixed', extra: { '@path': '$.userId' } }] } }, c: { '@merge': { direction: 'right', objects: [{ '@path': '$.traits' }, { '@path': '$.traits.name' }] } } },
  liquid: { a: { '@liquid': '{{ traits.name | upcase }}' }, b: { '@liquid': '{% if traits.plan %}{{ traits.plan }}{% else %}none{% endif %}' }, c: { '@liquid': 'Order {{ properties.order_id | default: "?" }}' } },
  nested: { properties: { plan: { '@path': '$.traits.plan' }, deep: { x: { y: { '@path': '$.traits.address.city' }, z: [{ '@path': '$.userId' }, 'lit', null] } } }, enable_batching: true, n: null, zero: 0 },
  emptyValues: { a: { '@path': '$.nothing' }, b: '', c: { d: { '@path': '$.nothing' } }, e: [], f: { '@template': '{{nothing}}' } },
};

function outcome(f: () => unknown): { ok: unknown } | { error: string } {
  try {
    return { ok: f() };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

function expectSame(fields: Record<string, unknown>, events: unknown[]): void {
  const compiled = compileFields(structuredClone(fields));
  expect(compiled, 'the compiler handles these fields').toBeDefined();
  const kitFields = structuredClone(fields);
  for (const event of events) {
    const want = outcome(() => segmentCore().transform(kitFields, structuredClone(event)));
    const got = outcome(() => compiled!(structuredClone(event)));
    expect(got).toEqual(want);
    // toEqual and JSON both ignore undefined keys: these must be removed as mapping-kit removes them.
    if ('ok' in want && 'ok' in got) expect(JSON.stringify(got.ok, keepUndefined)).toBe(JSON.stringify(want.ok, keepUndefined));
  }
}

const keepUndefined = (_k: string, v: unknown) => (v === undefined ? '(undefined)' : v);

const events = corpus(400);

describe('compiled mapping = mapping-kit transform', () => {
  for (const [name, fields] of Object.entries(FIELDS)) {
    it(`${name}: same payload or same error for every generated event`, () => expectSame(fields, events));
  }

  it('data that is not an object gives mapping-kit\'s error', () => {
    expect(outcome(() => compileFields(FIELDS.path!)!([] as unknown))).toEqual(outcome(() => segmentCore().transform(FIELDS.path!, [] as unknown)));
  });

  it('falls back where it does not handle a directive or a shape', () => {
    expect(compileFields({ a: { '@transform': { apply: { x: { '@path': '$.a' } }, mapping: { '@path': '$.x' } } } })).toBeUndefined();
    expect(compileFields({ a: { '@excludeWhenNull': { '@path': '$.a' } } })).toBeUndefined();
    expect(compileFields({ a: { '@replace': { pattern: 'far too long a pattern', value: { '@path': '$.a' } } } })).toBeUndefined();
    expect(compileFields({ a: { '@path': 5 } })).toBeUndefined(); // mapping-kit's validate refuses it
    // mapping-kit's validate refuses a directive as @flatten's separator or @merge's direction
    expect(compileFields({ c: { '@flatten': { separator: { '@path': '$.s' }, value: { '@path': '$.a' } } } })).toBeUndefined();
    expect(compileFields({ c: { '@merge': { direction: { '@path': '$.d' }, objects: [{ '@path': '$.a' }] } } })).toBeUndefined();
    expect(compileFields({ __segment_internal_directive: { '@path': '$.a' } })).toBeUndefined();
    // removeUndefined's copy drops a `__proto__` key the compiled object would make a prototype
    expect(compileFields(JSON.parse('{"a": {"__proto__": {"b": {"@path": "$.userId"}}}}'))).toBeUndefined();
  });

  for (const [file, own] of [
    ['mappings.example.yaml', 'examples/events.ndjson'],
    ['test/fixtures/mapping.yaml', 'test/fixtures/events.ndjson'],
  ]) {
    it(`${file}: every mapping (defaults included) over its events and the corpus`, () => {
      const loaded = loadMappingFile(file!);
      expect(loaded.problems).toEqual([]);
      const shipped = readFileSync(own!, 'utf8').split('\n').flatMap((l) => {
        try {
          return [JSON.parse(l)];
        } catch {
          return []; // the fixture's deliberately bad lines
        }
      });
      for (const m of loaded.file!.mappings) expectSame(m.fields, [...shipped, ...events]);
    });
  }

  it('mapEvent gives what mapping-kit gives, validation messages included', () => {
    const loaded = loadMappingFile('mappings.example.yaml');
    for (const m of loaded.file!.mappings) {
      for (const event of events.slice(0, 100)) {
        const viaKit = { ...m, fields: structuredClone(m.fields) };
        // a mapping with an unhandled directive runs mapping-kit's transform: the reference
        const reference = { ...viaKit, fields: { ...viaKit.fields, __never: { '@excludeWhenNull': 'x' } } };
        const a = mapEvent(m, structuredClone(event));
        const b = mapEvent(reference, structuredClone(event));
        if (b.ok && a.ok) expect(a.payload).toEqual(Object.fromEntries(Object.entries(b.payload).filter(([k]) => k !== '__never')));
        else expect(a).toEqual(b);
      }
    }
  });
});
