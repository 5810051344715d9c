import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { benchMapping, generate } from '../../bench/gen.mjs';
import { actions } from '../../src/actions/index.js';
import { mapEvent } from '../../src/mapping/map-event.js';
import { loadMappingFile, parseMappingText } from '../../src/mapping/mapping-file.js';
import type { SegmentEvent } from '../../src/model.js';
import type { PlannedOp } from '../../src/actions/types.js';
import { route } from '../../src/pipeline/route.js';
import { movableIn, movedBy, moversIn, searchableIn } from '../../src/pipeline/searchable.js';

const company = (fields: Record<string, unknown>) => ({ action: actions.upsertCompany, fields });
const records = (fields: Record<string, unknown>) => ({ action: actions.upsertCustomObjectRecord, fields });

describe('searchableIn: the properties a run may search records by', () => {
  it("reads the search fields' keys of each mapping, and a contact's email always", () => {
    const s = searchableIn([
      company({ companysearchfields: { domain: { '@path': '$.traits.website' } } }),
      records({ objectType: 'p123_orders', customObjectSearchFields: { order_id: { '@path': '$.properties.id' } }, toObjectType: '0-1', searchFieldsToAssociateCustomObjects: { phone: { '@path': '$.properties.phone' } } }),
      { action: actions.sendCustomBehavioralEvent, fields: { eventName: 'pe1_x' } },
    ]);
    expect(s('companies', 'domain')).toBe(true);
    expect(s('companies', 'name')).toBe(false);
    expect(s('p123_orders', 'order_id')).toBe(true);
    expect(s('p123_orders', 'amount')).toBe(false);
    expect(s('contacts', 'phone')).toBe(true);
    expect(s('contacts', 'email')).toBe(true);
    expect(s('contacts', 'firstname')).toBe(false);
  });

  it('a part a directive decides per event matches any', () => {
    const byPath = searchableIn([records({ objectType: { '@path': '$.properties.type' }, customObjectSearchFields: { ref: 'x' } })]);
    expect(byPath('tickets', 'ref')).toBe(true);
    expect(byPath('tickets', 'subject')).toBe(false);
    const wholeObject = searchableIn([company({ companysearchfields: { '@path': '$.traits.search' } })]);
    expect(wholeObject('companies', 'anything')).toBe(true);
    expect(wholeObject('deals', 'anything')).toBe(false);
  });

  it('a mapping with no target to associate searches no target, and null turns a default off', () => {
    const s = searchableIn([records({ objectType: 'deals', customObjectSearchFields: null, searchFieldsToAssociateCustomObjects: { phone: 'x' } }), company({ companysearchfields: null })]);
    expect(s('deals', 'dealname')).toBe(false);
    expect(s('contacts', 'phone')).toBe(false);
    expect(s('companies', 'domain')).toBe(false);
  });

  it('the shipped example: what its mappings search by, defaults included', () => {
    const { file } = loadMappingFile('mappings.example.yaml');
    const s = searchableIn(file!.mappings);
    const searched = file!.mappings.flatMap((m) => m.action.searches?.(m.fields) ?? []);
    expect(searched.length).toBeGreaterThan(0);
    for (const { objectType, property } of searched) expect(s(objectType ?? 'any', property ?? 'any')).toBe(true);
  });
});

describe('movableIn: the object types whose records an op may move away from a value others find them by', () => {
  const deals = (search: Record<string, unknown>, properties: unknown) => records({ objectType: 'deals', customObjectSearchFields: search, properties });
  const byName = { dealname: { '@path': '$.properties.name' } };
  const byRef = { order_ref: { '@path': '$.properties.ref' } };

  it('a deal found by its name and given a name moves nothing; given an order_ref someone searches by, it may', () => {
    const named = [deals(byName, { dealname: { '@path': '$.properties.name' }, amount: 1 })];
    expect(movableIn(named, searchableIn(named))('deals')).toBe(false);
    // Found by two properties, deals need a sequence anyway (below); neither mapping moves one.
    const withRefs = [...named, deals(byRef, { amount: 2 })];
    expect(withRefs.map((m) => movedBy(m, searchableIn(withRefs)))).toEqual([[], []]);
    const renames = [...withRefs, deals(byRef, { dealname: { '@path': '$.properties.new_name' } })];
    expect(movedBy(renames[2]!, searchableIn(renames))).toEqual(['deals']);
    expect(movableIn(renames, searchableIn(renames))('deals')).toBe(true);
    expect(movableIn(renames, searchableIn(renames))('0-3')).toBe(true);
    expect(movableIn(renames, searchableIn(renames))('tickets')).toBe(false);
  });

  it('a type found by two properties across the mappings needs a sequence too, one found by one does not', () => {
    const byNameOnly = [deals(byName, { amount: 1 }), deals(byName, { amount: 2 })];
    expect(movableIn(byNameOnly, searchableIn(byNameOnly))('deals')).toBe(false);
    const both = [deals(byName, { amount: 1 }), deals(byRef, { amount: 2 })];
    expect(movableIn(both, searchableIn(both))('deals')).toBe(true);
    expect(movableIn(both, searchableIn(both))('tickets')).toBe(false);
    const twoFields = [deals({ ...byName, ...byRef }, { amount: 1 })];
    expect(movableIn(twoFields, searchableIn(twoFields))('deals')).toBe(true);
  });

  it('properties or an object type a directive decides may move anything', () => {
    const dynamic = [deals(byName, { '@path': '$.properties' })];
    expect(movableIn(dynamic, searchableIn(dynamic))('deals')).toBe(true);
    const anyType = [records({ objectType: { '@path': '$.properties.type' }, customObjectSearchFields: byName, properties: { stage: 'x' } }), deals(byRef, {})];
    expect(movableIn(anyType, () => true)('p9_orders')).toBe(true);
  });
});

describe('movedBy: what one mapping may move, so its ops write the type\'s moves key', () => {
  const contacts = (fields: Record<string, unknown>) => ({ action: actions.upsertContact, fields });
  const byDomain = { companysearchfields: { domain: { '@path': '$.traits.website' } } };

  it('a company mapping moves companies when some op searches a property it writes, a contact mapping contacts unless only by email', () => {
    const m = [company(byDomain), contacts({ properties: { plan: 'x' } })];
    expect(movedBy(m[0]!, searchableIn(m))).toEqual(['companies']);
    expect(movedBy(m[1]!, searchableIn(m))).toEqual([]);
    const byPhone = [...m, records({ objectType: 'deals', customObjectSearchFields: { dealname: 'x' }, toObjectType: 'contacts', searchFieldsToAssociateCustomObjects: { phone: { '@path': '$.properties.phone' } } })];
    expect(movedBy(byPhone[1]!, searchableIn(byPhone))).toEqual(['contacts']);
    expect(movedBy(company({}), () => false)).toEqual([]);
  });

  it("custom properties a directive makes may be any property; a record's type a directive decides, any type", () => {
    expect(movedBy(company({ properties: { '@path': '$.traits' } }), () => false)).toEqual(['companies']);
    expect(movedBy(records({ objectType: { '@path': '$.properties.type' }, customObjectSearchFields: { ref: 'x' }, properties: { stage: 'x' } }), () => true)).toBe('any');
  });
});

describe('moversIn: the keys movers and writers write and finders read', () => {
  it("a search for records to write reads the other actions' keys, an association target every action's moves", () => {
    const m = [
      company({ companysearchfields: { domain: { '@path': '$.traits.website' } } }),
      records({ objectType: 'companies', customObjectSearchFields: { name: 'x' }, properties: { domain: 'z' } }),
      records({ objectType: { '@path': '$.properties.type' }, customObjectSearchFields: { ref: 'x' }, properties: { stage: 'x' } }),
    ];
    const movers = moversIn(m, searchableIn(m));
    expect(movers.writes(m[0]!)).toEqual(['companies:~moves@upsertCompany', 'companies:~writes@upsertCompany']);
    expect(movers.writes(m[2]!)).toEqual(['*:~moves@upsertCustomObjectRecord', '*:~writes@upsertCustomObjectRecord']);
    expect(movers.targetReads('0-2').sort()).toEqual(['*:~moves@upsertCustomObjectRecord', 'companies:~moves@upsertCompany', 'companies:~moves@upsertCustomObjectRecord']);
    expect(movers.ownReads('companies', 'upsertCustomObjectRecord')).toEqual(['companies:~moves@upsertCompany', 'companies:~writes@upsertCompany']);
    expect(movers.ownReads('contacts', 'upsertCustomObjectRecord')).toEqual([]);
  });

  it('a type found by one property, whose writes nobody searches, writes no key', () => {
    const m = [company({}), { action: actions.upsertContact, fields: { properties: { plan: 'x' } } }];
    const movers = moversIn(m, searchableIn(m));
    expect(m.map((x) => movers.writes(x))).toEqual([[], []]);
  });
});

describe('write keys of properties nobody searches are left out, and no op reads one', () => {
  /** Every op the mapping plans for the events, its writes with and without `searchable`. */
  function planAll(mappingText: string, events: SegmentEvent[]) {
    const { file } = parseMappingText('m.yaml', mappingText);
    const searchable = searchableIn(file!.mappings);
    const reads = new Set<string>();
    const dropped: string[] = [];
    let kept = 0;
    for (const [i, event] of events.entries()) {
      for (const m of route(file!.mappings, event)) {
        const mapped = mapEvent(m, event);
        if (!mapped.ok) continue;
        const ctx = { settings: file!.settings, event, mappingName: m.name, messageId: `m${i}`, sameEvent: new Map() };
        let all: PlannedOp, some: PlannedOp;
        try {
          all = m.action.plan(structuredClone(mapped.payload), ctx);
          some = m.action.plan(structuredClone(mapped.payload), { ...ctx, searchable });
        } catch {
          continue;
        }
        expect(some.reads).toEqual(all.reads);
        for (const k of all.reads) reads.add(k);
        kept += some.writes.length;
        dropped.push(...all.writes.filter((k) => !some.writes.includes(k)));
      }
    }
    return { reads, dropped, kept };
  }

  it('over the shipped example events and mapping, and 5,000 of the benchmark corpus', () => {
    const example = readFileSync('examples/events.ndjson', 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
    const bench = [...generate(5_000, 7)] as SegmentEvent[];
    for (const [text, events] of [[readFileSync('mappings.example.yaml', 'utf8'), example], [benchMapping(), bench]] as const) {
      const { reads, dropped, kept } = planAll(text, events);
      expect(kept).toBeGreaterThan(0);
      expect(dropped.length).toBeGreaterThan(0);
      expect(dropped.filter((k) => reads.has(k))).toEqual([]);
    }
  });

  it("keeps the write key of a property another mapping searches by", () => {
    const mapping = `version: 1
mappings:
  - name: orders
    action: upsertCustomObjectRecord
    trigger: 'event = "Order Completed"'
    fields:
      objectType: deals
      customObjectSearchFields: { dealname: { "@path": "$.properties.id" } }
      properties: { dealname: { "@path": "$.properties.id" }, description: { "@path": "$.properties.ref" }, amount: 5 }
  - name: refunds
    action: upsertCustomObjectRecord
    trigger: 'event = "Order Refunded"'
    fields:
      objectType: 0-3
      customObjectSearchFields: { description: { "@path": "$.properties.ref" } }
      properties: { dealstage: closedlost }
`;
    const events = [
      { type: 'track', event: 'Order Completed', properties: { id: 'A1', ref: 'R1' } },
      { type: 'track', event: 'Order Refunded', properties: { ref: 'R1' } },
    ] as SegmentEvent[];
    const { reads, dropped } = planAll(mapping, events);
    expect(reads).toContain('deals:description=r1');
    expect(dropped.sort()).toEqual(['deals:amount=5', 'deals:dealstage=closedlost']);
  });
});
