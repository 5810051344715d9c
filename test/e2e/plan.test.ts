import { afterEach, describe, expect, it } from 'vitest';
import { ndjson, portal, recordsOf, type Portal } from '../helpers/live.js';

let p: Portal;
afterEach(async () => p?.stop());

/** Requests that change something: everything but GETs, searches, batch reads and token introspection. */
async function writesSent(): Promise<string[]> {
  const res = await fetch(`${p.emu.url}/__emulator/requests`);
  const { log } = (await res.json()) as { log: Array<{ method: string; path: string }> };
  // Reads sent as POSTs: searches, batch reads (CRM and v4 associations) and the private-app token check.
  return log
    .filter((r) => r.method !== 'GET' && !/\/(search|batch\/read)$/.test(r.path) && r.path !== '/oauth/v2/private-apps/get/access-token-info')
    .map((r) => `${r.method} ${r.path}`);
}

async function tokenWith(scopes: string[]): Promise<string> {
  const res = await fetch(`${p.emu.url}/__emulator/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scopes }) });
  return ((await res.json()) as { access_token: string }).access_token;
}

const MAPPING = (batching: boolean) => `version: 1
settings:
  hubId: "${1234567}"
mappings:
  - name: contacts
    action: upsertContact
    fields:
      properties:
        plan: { "@path": "$.traits.plan" }
      enable_batching: ${batching}
  - name: deals
    action: upsertCustomObjectRecord
    trigger: 'type = "track" and event = "Order Completed"'
    fields:
      objectType: deals
      customObjectSearchFields:
        dealname: { "@template": "Order {{properties.id}}" }
      properties:
        dealname: { "@template": "Order {{properties.id}}" }
        amount: { "@path": "$.properties.total" }
  - name: orders event
    action: sendCustomBehavioralEvent
    trigger: 'type = "track" and event = "Order Completed"'
    fields:
      eventName: pe1234567_order_completed
      email: { "@path": "$.properties.email" }
      properties:
        total: { "@path": "$.properties.total" }
`;

const EVENTS = [
  { type: 'identify', messageId: 'i1', traits: { email: 'old@x.io', firstName: 'Robert', plan: 'pro' } },
  { type: 'identify', messageId: 'i2', traits: { email: 'new@x.io', firstName: 'Ann', plan: 'free' } },
  { type: 'identify', messageId: 'i3', traits: { email: 'new@x.io', plan: 'pro' } },
  { type: 'identify', messageId: 'i4', traits: { email: 'same@x.io', plan: 'free' } },
  { type: 'track', messageId: 't1', event: 'Order Completed', properties: { id: 'A1', total: 10, email: 'new@x.io' } },
  { type: 'track', messageId: 't2', event: 'Order Completed', properties: { id: 'A1', total: 12, email: 'new@x.io' } },
];

async function seeded(): Promise<void> {
  p = await portal({ hubId: 1234567 });
  await p.seed({
    properties: { contacts: [{ name: 'plan', label: 'Plan', type: 'string', fieldType: 'text', groupName: 'contactinformation' }] },
    eventDefinitions: [{ name: 'order_completed', label: 'Order Completed', propertyDefinitions: [{ name: 'total', label: 'Total', type: 'number' }] }],
    records: { contacts: [{ properties: { email: 'old@x.io', firstname: 'Bob', plan: 'free' } }, { properties: { email: 'same@x.io', plan: 'free' } }] },
  });
}

describe('send --plan', () => {
  for (const batching of [true, false]) {
    it(`reads the portal and prints creates, updates (old → new), unchanged records and events, writing nothing (batching ${batching})`, async () => {
      await seeded();
      const before = await p.dump();
      const r = await p.send([p.file('e.ndjson', ndjson(EVENTS)), '-m', p.file('m.yaml', MAPPING(batching)), '--plan', '--json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      const byEmail = (email: string) => out.plan.records.filter((w: any) => w.objectType === 'contacts' && (w.changes.email?.to === email || w.id === before.records.contacts.find((c: any) => c.properties.email === email)?.id));
      expect(byEmail('old@x.io')).toEqual([expect.objectContaining({ kind: 'update', changes: { firstname: { from: 'Bob', to: 'Robert' }, plan: { from: 'free', to: 'pro' } } })]);
      // The second identify of new@x.io finds the contact the first one would create.
      const created = byEmail('new@x.io');
      expect(created).toHaveLength(1);
      expect(created[0]).toMatchObject({ kind: 'create', id: expect.stringMatching(/^new-contacts-/) });
      expect(created[0].changes.plan).toEqual({ from: null, to: 'pro' });
      expect(byEmail('same@x.io')).toEqual([expect.objectContaining({ kind: 'unchanged' })]);
      // The second order finds the deal the first would create: one create, its amount the last.
      const deals = out.plan.records.filter((w: any) => w.objectType === 'deals');
      expect(deals).toHaveLength(1);
      expect(deals[0]).toMatchObject({ kind: 'create', changes: { dealname: { to: 'Order A1' }, amount: { to: '12' } } });
      expect(out.plan.events.map((e: any) => [e.eventName, e.email, e.properties.total])).toEqual([['pe1234567_order_completed', 'new@x.io', '10'], ['pe1234567_order_completed', 'new@x.io', '12']]);
      expect(out.totals).toMatchObject({ creates: 2, updates: 1, unchanged: 1, events: 2, problems: {} });
      // Each write names the lines of its own events, not every line its batch served.
      const lines = (w: any) => w.sources.map((s: any) => s.line);
      expect([byEmail('old@x.io')[0], created[0], byEmail('same@x.io')[0], deals[0]].map(lines)).toEqual([[1], [2, 3], [4], [5, 6]]);
      expect(out.plan.events.map(lines)).toEqual([[5], [6]]);
      expect(await writesSent()).toEqual([]);
      expect(await p.dump()).toEqual(before);
    });
  }

  it('prints the plan for people, and refuses flags about writing', async () => {
    await seeded();
    const e = p.file('e.ndjson', ndjson(EVENTS));
    const m = p.file('m.yaml', MAPPING(true));
    const r = await p.send([e, '-m', m, '--plan']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^update contacts \d+ {2}\[contacts; .*e\.ndjson:1/m);
    expect(r.stdout).toContain('    firstname: "Bob" → "Robert"');
    expect(r.stdout).toMatch(/^unchanged contacts \d+/m);
    expect(r.stdout).toMatch(/^event pe1234567_order_completed for email new@x.io/m);
    expect(r.stdout).toMatch(/Plan \(nothing was written\): 2 creates, 1 update, 1 unchanged, 0 associations, 2 events; problems: none/);
    // The preflight asks HubSpot about the token the client sends, however it was given.
    const viaStdin = await p.send([e, '-m', m, '--plan', '--token', '-'], { stdin: `${p.emu.accessToken}\n`, env: { HUBSPOT_ACCESS_TOKEN: undefined } });
    expect(viaStdin.stderr).toBe('');
    expect(viaStdin.stdout).toContain('problems: none');
    const clash = await p.send([e, '-m', m, '--plan', '--checkpoint', 'c.ckpt']);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain('--plan does not go with --checkpoint');
    const noLogin = await p.send([e, '-m', m, '--plan'], { env: { HUBSPOT_ACCESS_TOKEN: undefined, HUBSPOT_ACTIONS_CONFIG_DIR: p.dir } });
    expect(noLogin.code).toBe(3);
    expect(await writesSent()).toEqual([]);
  });
});

describe('send --plan associations', () => {
  it('says which associations HubSpot holds already', async () => {
    p = await portal();
    const seeded = await p.seed({ records: { contacts: [{ properties: { email: 'b@x.io' } }] } });
    const buyer = seeded.records.contacts[0];
    await p.seed({ records: { deals: [{ properties: { dealname: 'Order A1', amount: '1' }, associations: [{ to: { id: buyer }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }] }] }] } });
    const m = p.file('m.yaml', `version: 1\nmappings:\n  - name: deals\n    action: upsertCustomObjectRecord\n    trigger: 'type = "track"'\n    fields:\n      objectType: deals\n      customObjectSearchFields:\n        dealname: { "@template": "Order {{properties.id}}" }\n      properties:\n        dealname: { "@template": "Order {{properties.id}}" }\n      toObjectType: contacts\n      searchFieldsToAssociateCustomObjects:\n        email: { "@path": "$.properties.buyer" }\n      associationLabel: "HUBSPOT_DEFINED:3"\n`);
    const events = ['A1', 'B2'].map((id) => ({ type: 'track', messageId: id, event: 'Order', properties: { id, buyer: 'b@x.io' } }));
    const r = await p.send([p.file('e.ndjson', ndjson(events)), '-m', m, '--plan']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^associated already deals \\d+ → contacts ${buyer} \\(HUBSPOT_DEFINED:3\\)`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^associate deals new-deals-\\d+ → contacts ${buyer} \\(HUBSPOT_DEFINED:3\\)`, 'm'));
    expect(r.stdout).toContain('1 association (1 held already)');
    expect(await writesSent()).toEqual([]);
  });
});

describe('preflight checks', () => {
  const PROBLEMS = `version: 1
settings:
  hubId: "1234567"
mappings:
  - name: contacts
    action: upsertContact
    fields:
      properties:
        plann: { "@path": "$.traits.plan" }
        tier: { "@path": "$.traits.tier" }
        renewal: { "@path": "$.traits.renewal" }
        hs_object_id: "1"
  - name: cars
    action: upsertCustomObjectRecord
    trigger: 'type = "track"'
    fields:
      objectType: p1234567_carz
      properties:
        model: { "@path": "$.properties.model" }
  - name: signup event
    action: sendCustomBehavioralEvent
    trigger: 'type = "track"'
    fields:
      eventName: pe1234567_signed_up
      email: { "@path": "$.properties.email" }
`;

  async function withDefinitions(): Promise<void> {
    p = await portal({ hubId: 1234567 });
    await p.seed({
      schemas: [{ name: 'cars', labels: { singular: 'Car', plural: 'Cars' }, primaryDisplayProperty: 'model', requiredProperties: ['model'], properties: [{ name: 'model', label: 'Model', type: 'string', fieldType: 'text' }] }],
      properties: {
        contacts: [
          { name: 'plan', label: 'Plan', type: 'string', fieldType: 'text', groupName: 'contactinformation' },
          { name: 'tier', label: 'Tier', type: 'enumeration', fieldType: 'select', groupName: 'contactinformation', options: [{ label: 'Gold', value: 'gold' }, { label: 'Silver', value: 'silver' }] },
          { name: 'renewal', label: 'Renewal', type: 'date', fieldType: 'date', groupName: 'contactinformation' },
        ],
      },
      eventDefinitions: [{ name: 'signed_upp', label: 'Signed up' }],
    });
  }

  const SAMPLE = [
    { type: 'identify', messageId: 'i1', traits: { email: 'a@x.io', plan: 'pro', tier: 'platinum', renewal: '2026-03-01T10:30:00Z' } },
    { type: 'identify', messageId: 'i2', traits: { email: 'b@x.io', plan: 'pro', tier: 'gold', renewal: '2026-03-01' } },
    { type: 'track', messageId: 't1', event: 'Signed Up', properties: { email: 'a@x.io', model: 'T' } },
  ];

  it('stops a live send before its first write, reporting each systemic problem once with the nearest names', async () => {
    await withDefinitions();
    const r = await p.send([p.file('e.ndjson', ndjson(SAMPLE)), '-m', p.file('m.yaml', PROBLEMS)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('contacts has no property "plann"');
    expect(r.stderr).toContain('did you mean plan?');
    expect(r.stderr).toContain('contacts.hs_object_id is read-only');
    expect(r.stderr).toContain('the portal has no object type "p1234567_carz"');
    expect(r.stderr).toContain('did you mean p1234567_cars?');
    expect(r.stderr).toContain('the portal has no event definition "pe1234567_signed_up"');
    expect(r.stderr).toContain('did you mean pe1234567_signed_upp?');
    expect(r.stderr).toContain('"platinum" is not an option of tier; its options: gold, silver');
    expect(r.stderr).toContain('"2026-03-01T10:30:00Z" is not midnight UTC');
    expect(r.stderr.match(/no property "plann"/g)).toHaveLength(1);
    expect(r.stderr).toContain('nothing was sent');
    expect(await writesSent()).toEqual([]);
    expect(recordsOf(await p.dump(), 'contacts')).toEqual([]);
  });

  it('stops on a missing scope and a Hub ID of another portal; --no-preflight sends anyway', async () => {
    p = await portal({ hubId: 7654321 });
    const token = await tokenWith(['crm.objects.contacts.read', 'crm.objects.contacts.write']);
    const m = p.file('m.yaml', `version: 1\nsettings:\n  hubId: "1234567"\nmappings:\n  - name: contacts\n    action: upsertContact\n  - name: deals\n    action: upsertCustomObjectRecord\n    trigger: 'type = "track"'\n    fields:\n      objectType: deals\n      properties:\n        dealname: { "@path": "$.event" }\n`);
    const e = p.file('e.ndjson', ndjson([{ type: 'identify', messageId: 'i1', traits: { email: 'a@x.io' } }, { type: 'track', event: 'Deal', messageId: 't1' }]));
    const r = await p.send([e, '-m', m], { env: { HUBSPOT_ACCESS_TOKEN: token } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('settings.hubId is 1234567, but the token is for portal 7654321');
    expect(r.stderr).toContain('mapping "deals": the token lacks crm.objects.deals.read, crm.objects.deals.write');
    expect(r.stderr).not.toMatch(/mapping "contacts": the token lacks/);
    expect(await writesSent()).toEqual([]);
    const forced = await p.send([e, '-m', m, '--no-preflight', '--failed', 'f.ndjson'], { env: { HUBSPOT_ACCESS_TOKEN: token } });
    expect(forced.code).toBe(2);
    expect(recordsOf(await p.dump(), 'contacts')).toHaveLength(1);
  });

  it('checks association labels between the types', async () => {
    p = await portal();
    const m = p.file('m.yaml', `version: 1\nmappings:\n  - name: deals\n    action: upsertCustomObjectRecord\n    trigger: 'type = "track"'\n    fields:\n      objectType: deals\n      properties:\n        dealname: x\n      toObjectType: contacts\n      searchFieldsToAssociateCustomObjects:\n        email: { "@path": "$.properties.email" }\n      associationLabel: "USER_DEFINED:999"\n`);
    const r = await p.send([p.file('e.ndjson', ndjson([])), '-m', m, '--plan']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('associationLabel USER_DEFINED:999 is not an association type from deals to contacts');
    expect(r.stdout).toMatch(/HUBSPOT_DEFINED:3/);
    expect(r.stdout).toContain('problems: 1 association-label');
  });

  it('in a plan, checks the values of every write and counts each problem once', async () => {
    await withDefinitions();
    const m = p.file('m.yaml', `version: 1\nmappings:\n  - name: contacts\n    action: upsertContact\n    fields:\n      properties:\n        tier: { "@path": "$.traits.tier" }\n`);
    const events = Array.from({ length: 30 }, (_, i) => ({ type: 'identify', messageId: `i${i}`, traits: { email: `u${i}@x.io`, tier: i % 2 ? 'gold' : 'bronze' } }));
    const r = await p.send([p.file('e.ndjson', ndjson(events)), '-m', m, '--plan', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.problems).toEqual([expect.objectContaining({ kind: 'value', mapping: 'contacts', events: 15, fatal: false })]);
    expect(out.totals.creates).toBe(30);
    expect(await writesSent()).toEqual([]);
  });
});
