import { afterEach, describe, expect, it } from 'vitest';
import { ndjson, portal, recordsOf, type Portal } from '../helpers/live.js';
import { diffStates, normalise } from '../harness/state.js';
import type { FaultOptions } from '../emulator/options.js';

/**
 * A write may move a record away from a value another op finds records by: a company found by its
 * domain takes the event's segment_group_id (the id it had no longer finds it), a company found by
 * its segment_group_id takes a new domain, a deal found by one name is renamed. An op that finds
 * records by the old value must see the move if it comes later, and not if it comes earlier,
 * however the ops are batched: the batched run ends as `--one-at-a-time` does.
 */
let portals: Portal[] = [];
afterEach(async () => {
  await Promise.all(portals.map((p) => p.stop()));
  portals = [];
});

async function bothWays(seed: Record<string, unknown>, mapping: string, events: unknown[], faults: FaultOptions = {}) {
  const states = [];
  for (const extra of [[], ['--one-at-a-time']]) {
    const p = await portal({ faults });
    portals.push(p);
    await p.seed(seed);
    const r = await p.send([p.file('e.ndjson', ndjson(events)), '-m', p.file('m.yaml', mapping), ...extra]);
    expect(r.code, r.stderr).toBe(0);
    states.push(await p.dump());
  }
  const [batched, reference] = states;
  return { batched, reference, diff: diffStates(normalise(reference), normalise(batched)) };
}

/** The portal already links the company to group A, as a run before this one left it. */
const linked = (properties: Record<string, string>) => ({
  properties: { companies: [{ name: 'segment_group_id', label: 'Segment Group ID', type: 'string', fieldType: 'text', groupName: 'companyinformation', hasUniqueValue: true }] },
  records: { companies: [{ properties: { name: 'Seeded', segment_group_id: 'A', ...properties } }] },
});

const companies = (fields = '') =>
  `version: 1\nmappings:\n  - name: companies\n    action: upsertCompany\n    fields:\n      associateContact: false\n      companysearchfields:\n        domain: { "@path": "$.traits.website" }\n${fields}`;

describe('a write that moves a record away from a value', () => {
  it("a company found by domain takes the group's id, so a later group with the old id creates its own", async () => {
    const seed = linked({ domain: 'd.example' });
    const events = [
      { type: 'group', messageId: 'g1', groupId: 'B', traits: { name: 'Bee', website: 'd.example' } },
      { type: 'group', messageId: 'g2', groupId: 'A', traits: { name: 'Ay' } },
    ];
    const { batched, reference, diff } = await bothWays(seed, companies(), events);
    expect(recordsOf(reference, 'companies').map((c) => `${c.segment_group_id}:${c.name}`).sort()).toEqual(['A:Ay', 'B:Bee']);
    expect(diff.examples).toEqual([]);
    expect(recordsOf(batched, 'companies')).toHaveLength(2);
  });

  it('a company found by its id takes a new domain, so a later group searching the old domain does not find it', async () => {
    const seed = linked({ domain: 'old.example' });
    const events = [
      { type: 'group', messageId: 'g1', groupId: 'A', traits: { name: 'Ay', website: 'new.example' } },
      { type: 'group', messageId: 'g2', groupId: 'B', traits: { name: 'Bee', website: 'old.example' } },
    ];
    const { reference, diff } = await bothWays(seed, companies(), events);
    expect(recordsOf(reference, 'companies').map((c) => `${c.segment_group_id}:${c.domain}`).sort()).toEqual(['A:new.example', 'B:old.example']);
    expect(diff.examples).toEqual([]);
  });

  it('a deal found by one name and renamed is not found by that name again', async () => {
    const seed = { records: { deals: [{ properties: { dealname: 'Old' } }] } };
    const mapping = `version: 1\nmappings:\n  - name: deals\n    action: upsertCustomObjectRecord\n    trigger: 'type = "track"'\n    fields:\n      objectType: deals\n      customObjectSearchFields:\n        dealname: { "@path": "$.properties.find" }\n      properties:\n        dealname: { "@path": "$.properties.name" }\n`;
    const events = [
      { type: 'track', messageId: 't1', event: 'Rename', properties: { find: 'Old', name: 'New' } },
      { type: 'track', messageId: 't2', event: 'Rename', properties: { find: 'Old', name: 'Other' } },
    ];
    const { reference, diff } = await bothWays(seed, mapping, events);
    expect(recordsOf(reference, 'deals').map((d) => d.dealname).sort()).toEqual(['New', 'Other']);
    expect(diff.examples).toEqual([]);
  });

  it('a company of one mapping takes a new domain, so a group of another mapping searching the old one does not find it', async () => {
    const seed = linked({ domain: 'old.example' });
    const mapping = `version: 1\nmappings:\n  - name: renames\n    action: upsertCompany\n    trigger: 'type = "group" and traits.rename = true'\n    fields:\n      associateContact: false\n  - name: companies\n    action: upsertCompany\n    trigger: 'type = "group" and traits.rename = null'\n    fields:\n      associateContact: false\n      companysearchfields:\n        domain: { "@path": "$.traits.website" }\n`;
    const events = [
      { type: 'group', messageId: 'g1', groupId: 'A', traits: { rename: true, website: 'new.example' } },
      { type: 'group', messageId: 'g2', groupId: 'B', traits: { name: 'Bee', website: 'old.example' } },
    ];
    // The rename's write lands late: a search sent meanwhile would still see the old domain.
    const { reference, diff } = await bothWays(seed, mapping, events, { slowMs: 400, slowRoutes: '^POST /crm/v3/objects/companies/batch/upsert' });
    expect(recordsOf(reference, 'companies').map((c) => `${c.segment_group_id}:${c.domain}`).sort()).toEqual(['A:new.example', 'B:old.example']);
    expect(diff.examples).toEqual([]);
  });

  it('a deal found by its reference and renamed is not found by its old name through another mapping', async () => {
    const seed = {
      properties: { deals: [{ name: 'order_ref', label: 'Order ref', type: 'string', fieldType: 'text', groupName: 'dealinformation' }] },
      records: { deals: [{ properties: { dealname: 'Old', order_ref: 'r1' } }] },
    };
    const deals = (name: string, event: string, search: string, props: string) =>
      `  - name: ${name}\n    action: upsertCustomObjectRecord\n    trigger: 'event = "${event}"'\n    fields:\n      objectType: deals\n      customObjectSearchFields:\n        ${search}\n      properties:\n        ${props}\n`;
    const mapping = `version: 1\nmappings:\n${deals('byRef', 'Renamed', 'order_ref: { "@path": "$.properties.ref" }', 'dealname: { "@path": "$.properties.name" }')}${deals('byName', 'Priced', 'dealname: { "@path": "$.properties.name" }', 'dealname: { "@path": "$.properties.name" }\n        amount: { "@path": "$.properties.amount" }')}`;
    const events = [
      { type: 'track', messageId: 't1', event: 'Renamed', properties: { ref: 'r1', name: 'New' } },
      { type: 'track', messageId: 't2', event: 'Priced', properties: { name: 'Old', amount: 7 } },
    ];
    const { reference, diff } = await bothWays(seed, mapping, events);
    expect(recordsOf(reference, 'deals').map((d) => `${d.dealname}:${d.amount ?? ''}`).sort()).toEqual(['New:', 'Old:7']);
    expect(diff.examples).toEqual([]);
  });
});
