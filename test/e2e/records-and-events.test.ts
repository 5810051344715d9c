import { afterEach, describe, expect, it } from 'vitest';
import { ndjson, portal, recordsOf, type Portal } from '../helpers/live.js';

let p: Portal;
afterEach(async () => p?.stop());

describe('upsertCustomObjectRecord against the emulator', () => {
  const deals = (extra = '') =>
    `version: 1\nmappings:\n  - name: deals\n    action: upsertCustomObjectRecord\n    trigger: 'type = "track" and event = "Order Completed"'\n    fields:\n      objectType: deals\n      customObjectSearchFields:\n        dealname: { "@template": "Order {{properties.id}}" }\n      properties:\n        dealname: { "@template": "Order {{properties.id}}" }\n        amount: { "@path": "$.properties.total" }\n${extra}`;

  it('creates a deal, then updates it, even before HubSpot\'s search has indexed it', async () => {
    p = await portal({ searchIndexLagMs: 60_000 });
    const events = [
      { type: 'track', messageId: 't1', event: 'Order Completed', properties: { id: 'A1', total: 10 } },
      { type: 'track', messageId: 't2', event: 'Order Completed', properties: { id: 'A1', total: 12.5 } },
      { type: 'track', messageId: 't3', event: 'Order Completed', properties: { id: 'B2', total: 7 } },
    ];
    const r = await p.send([p.file('e.ndjson', ndjson(events)), '-m', p.file('m.yaml', deals())]);
    expect(r.code).toBe(0);
    const got = recordsOf(await p.dump(), 'deals').map((d) => `${d.dealname}=${d.amount}`).sort();
    expect(got).toEqual(['Order A1=12.5', 'Order B2=7']);
  });

  it("finds a deal another mapping created by the property it searches on, before HubSpot's search shows it", async () => {
    // The run remembers only properties some mapping searches by: `description` is written by `deals`
    // and searched by `refunds` alone, so forgetting it would make `refunds` create a second deal.
    p = await portal({ searchIndexLagMs: 60_000 });
    const refunds = `  - name: refunds\n    action: upsertCustomObjectRecord\n    trigger: 'type = "track" and event = "Order Refunded"'\n    fields:\n      objectType: deals\n      createNewCustomRecord: false\n      customObjectSearchFields:\n        description: { "@path": "$.properties.id" }\n      properties:\n        dealstage: closedlost\n`;
    const events = [
      { type: 'track', messageId: 't1', event: 'Order Completed', properties: { id: 'R1', total: 10 } },
      { type: 'track', messageId: 't2', event: 'Order Refunded', properties: { id: 'R1' } },
    ];
    const m = p.file('m.yaml', deals('        description: { "@path": "$.properties.id" }\n') + refunds);
    const r = await p.send([p.file('e.ndjson', ndjson(events)), '-m', m]);
    expect(r.stderr).toMatch(/delivered:\s+2/);
    expect(r.code).toBe(0);
    const got = recordsOf(await p.dump(), 'deals').map((d) => `${d.dealname} ${d.description} ${d.dealstage}`);
    expect(got).toEqual(['Order R1 R1 closedlost']);
  });

  it('associates the record with the one record the association search finds, with the label', async () => {
    p = await portal();
    const seeded = await p.seed({ records: { contacts: [{ properties: { email: 'buyer@x.io' } }] } });
    const m = p.file('m.yaml', deals('      toObjectType: contacts\n      searchFieldsToAssociateCustomObjects:\n        email: { "@path": "$.properties.email" }\n      associationLabel: "HUBSPOT_DEFINED:3"\n'));
    const events = [
      { type: 'track', messageId: 't1', event: 'Order Completed', properties: { id: 'C3', total: 1, email: 'buyer@x.io' } },
      { type: 'track', messageId: 't2', event: 'Order Completed', properties: { id: 'C3', total: 2, email: 'buyer@x.io' } },
    ];
    const r = await p.send([p.file('e.ndjson', ndjson(events)), '-m', m]);
    expect(r.code).toBe(0);
    const dump = await p.dump();
    const deal = recordsOf(dump, 'deals')[0]!;
    expect(deal.amount).toBe('2');
    const contactId = seeded.records.contacts[0];
    expect(dump.associations).toContainEqual(['deals', deal.id, 'contacts', contactId, 'HUBSPOT_DEFINED:3']);
  });

  it('looks up, creates and updates 100 records a request when the search is on one property', async () => {
    p = await portal();
    await p.seed({ records: { deals: [{ properties: { dealname: 'Order D5', amount: '1' } }, { properties: { dealname: 'Order D7' } }, { properties: { dealname: 'Order D7' } }] } });
    const events = Array.from({ length: 250 }, (_, i) => ({ type: 'track', messageId: `t${i}`, event: 'Order Completed', properties: { id: `D${i % 200}`, total: i } }));
    const r = await p.send([p.file('e.ndjson', ndjson(events)), '-m', p.file('m.yaml', deals()), '--failed', 'f.ndjson']);
    expect(r.code).toBe(2);
    // D7 matches two seeded deals: Segment's error, for both events that name it.
    expect(r.stderr).toMatch(/failed:\s+2/);
    expect(r.stderr).toContain('The search criteria defined by Custom Object Record Search Fields returned more than one records.');
    const got = new Map(recordsOf(await p.dump(), 'deals').filter((d) => d.dealname !== 'Order D7').map((d) => [d.dealname, d.amount]));
    expect(got.size).toBe(199);
    expect(got.get('Order D5')).toBe('205');
    expect(got.get('Order D0')).toBe('200');
    expect(got.get('Order D199')).toBe('199');
    const { counts, total } = await p.requests();
    expect(counts['POST /crm/v3/objects/deals/search']).toBeLessThanOrEqual(4);
    // Segment: a search and a write per event, 500 requests.
    expect(total).toBeLessThanOrEqual(500 / 20);
  });

  it('keeps Segment\'s any-field-matches search, one event at a time, when searching on several properties', async () => {
    p = await portal();
    await p.seed({ records: { deals: [{ properties: { dealname: 'Legacy', amount: '3' } }] } });
    const m = p.file('m.yaml', deals().replace('      properties:\n        dealname', '        amount: { "@path": "$.properties.old_total" }\n      properties:\n        dealname'));
    const r = await p.send([p.file('e.ndjson', ndjson([{ type: 'track', messageId: 't1', event: 'Order Completed', properties: { id: 'New', old_total: 3, total: 9 } }])), '-m', m]);
    expect(r.code).toBe(0);
    // The dealname does not match, the amount does: one match, so it is updated, not created.
    const got = recordsOf(await p.dump(), 'deals');
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ dealname: 'Order New', amount: '9' });
    expect((await p.requests()).counts['POST /crm/v3/objects/deals/search']).toBe(1);
  });

  it('skips with Segment\'s message when nothing is found and createNewCustomRecord is false', async () => {
    p = await portal();
    const r = await p.send([p.file('e.ndjson', ndjson([{ type: 'track', messageId: 't1', event: 'Order Completed', properties: { id: 'Z', total: 1 } }])), '-m', p.file('m.yaml', deals('      createNewCustomRecord: false\n'))]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('There was no record found to update. If you want to create a new custom object record in such cases, enable the Create Custom Object Record if Not Found flag: 1');
    expect(recordsOf(await p.dump(), 'deals')).toHaveLength(0);
  });

  it('writes custom objects by fully qualified name', async () => {
    p = await portal({ hubId: 11223344 });
    await p.seed({ schemas: [{ name: 'discount', labels: { singular: 'Discount', plural: 'Discounts' }, properties: [{ name: 'coupon_code', label: 'Coupon', type: 'string', fieldType: 'text' }], requiredProperties: [], associatedObjects: [] }] });
    const m = p.file('m.yaml', `version: 1\nmappings:\n  - name: d\n    action: upsertCustomObjectRecord\n    trigger: 'event = "Apply Discount"'\n    fields:\n      objectType: p11223344_discount\n      customObjectSearchFields:\n        coupon_code: { "@path": "$.properties.couponCode" }\n      properties:\n        coupon_code: { "@path": "$.properties.couponCode" }\n`);
    const r = await p.send([p.file('e.ndjson', ndjson([{ type: 'track', messageId: 't1', event: 'Apply Discount', properties: { couponCode: ' TEST1234 ' } }])), '-m', m]);
    expect(r.code).toBe(0);
    expect(recordsOf(await p.dump(), 'p11223344_discount')[0]).toMatchObject({ coupon_code: 'TEST1234' });
  });
});

describe('sendCustomBehavioralEvent against the emulator', () => {
  const mapping = `version: 1\nsettings:\n  hubId: "1234567"\nmappings:\n  - name: ev\n    action: sendCustomBehavioralEvent\n    fields:\n      eventName: { "@path": "$.event" }\n      email: { "@path": "$.properties.email" }\n      properties:\n        n: { "@path": "$.properties.n" }\n`;

  it('sends 500 events a request, and a second run of the same events records none twice', async () => {
    p = await portal();
    await p.seed({ eventDefinitions: [{ name: 'clicked', label: 'Clicked', propertyDefinitions: [{ name: 'n', label: 'N', type: 'number' }] }] });
    const events = Array.from({ length: 600 }, (_, i) => ({ type: 'track', messageId: `ev-${i}`, event: 'pe1234567 Clicked', timestamp: '2026-11-01T00:00:00.000Z', properties: { email: `u${i % 7}@x.io`, n: i } }));
    const file = p.file('e.ndjson', ndjson(events));
    const m = p.file('m.yaml', mapping);
    const r1 = await p.send([file, '-m', m]);
    expect(r1.code).toBe(0);
    expect((await p.requests()).counts['POST /events/v3/send/batch']).toBe(2);
    const r2 = await p.send([file, '-m', m]);
    expect(r2.code).toBe(0);
    const dump = await p.dump();
    expect(dump.events).toHaveLength(600);
    expect(new Set(dump.events.map((e: any) => e.uuid)).size).toBe(600);
    expect(dump.events.find((e: any) => e.properties.n === '5')).toMatchObject({ eventName: 'pe1234567_clicked', email: 'u5@x.io' });
  });

  it('isolates an event HubSpot rejects inside a batch', async () => {
    p = await portal();
    await p.seed({ eventDefinitions: [{ name: 'clicked', label: 'Clicked', propertyDefinitions: [{ name: 'n', label: 'N', type: 'number' }] }] });
    const events = Array.from({ length: 8 }, (_, i) => ({ type: 'track', messageId: `e${i}`, event: i === 5 ? 'pe1234567_unknown' : 'pe1234567_clicked', properties: { email: 'a@x.io', n: i } }));
    const r = await p.send([p.file('e.ndjson', ndjson(events)), '-m', p.file('m.yaml', mapping), '--failed', 'f.ndjson']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/delivered:\s+7/);
    expect(r.stderr).toMatch(/e\.ndjson:6: mapping "ev": .*pe1234567_unknown/);
    expect((await p.dump()).events).toHaveLength(7);
  });
});
