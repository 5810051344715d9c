import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ndjson, portal, recordsOf, type Portal } from '../helpers/live.js';
import { runCli } from '../helpers/run-cli.js';

let p: Portal;
afterEach(async () => p?.stop());

const EXPORT = {
  data: {
    subscriptions: [
      {
        id: 's1', name: 'Upsert Contact', actionId: 'a1', actionSlug: 'upsertContact', destinationId: 'd1', enabled: true, trigger: 'type = "identify"',
        settings: { email: { '@path': '$.traits.email' }, company: { '@path': '$.traits.company' }, properties: { plan: { '@path': '$.traits.plan' } }, enable_batching: true },
      },
      {
        id: 's2', name: 'Upsert Company', actionId: 'a2', actionSlug: 'upsertCompany', destinationId: 'd1', enabled: true, trigger: 'type = "group"',
        settings: { groupid: { '@if': { exists: { '@path': '$.groupId' }, then: { '@path': '$.groupId' }, else: { '@path': '$.context.groupId' } } }, createNewCompany: true, associateContact: false, name: { '@template': 'Co {{traits.name}}' } },
      },
      {
        id: 's3', name: 'Orders', actionSlug: 'upsertCustomObjectRecord', destinationId: 'd1', enabled: false, trigger: 'type = "track" and event = "Order Completed"',
        settings: { objectType: 'deals', properties: { dealname: { '@path': '$.properties.id' } } },
      },
      { id: 's4', name: 'Objects V2', actionSlug: 'upsertObject', destinationId: 'd1', enabled: true, trigger: 'type = "identify"', settings: {} },
      { id: 's5', name: 'Events V2', actionSlug: 'customEvent', destinationId: 'd1', enabled: true, trigger: 'type = "track"', settings: {} },
    ],
  },
};

describe('import-segment', () => {
  it("turns Segment's Public API export into a mapping file that validates and sends, reporting what it did not import", async () => {
    p = await portal();
    await p.seed({ properties: { contacts: [{ name: 'plan', label: 'Plan', type: 'string', fieldType: 'text', groupName: 'contactinformation' }] } });
    const exported = p.file('subs.json', JSON.stringify(EXPORT));
    const r = await runCli(['import-segment', exported, '-o', 'mappings.yaml', '--hub-id', '1234567'], { cwd: p.dir });
    expect(r.stderr).toContain('not imported: ' + exported + ' data.subscriptions[3] "Objects V2" (upsertObject)');
    expect(r.stderr).toContain('data.subscriptions[4] "Events V2" (customEvent)');
    expect(r.stderr).toContain('3 mappings imported to mappings.yaml, 2 subscriptions not imported; the file validates.');
    expect(r.code).toBe(0);
    const text = readFileSync(`${p.dir}/mappings.yaml`, 'utf8');
    expect(text).toContain('#   data.subscriptions[3] "Objects V2" (upsertObject)');
    const file = parse(text);
    expect(file.settings).toEqual({ hubId: '1234567' });
    // Fields equal to the action's default are left out; the others, directives and all, are Segment's.
    expect(file.mappings[0]).toEqual({ name: 'Upsert Contact', action: 'upsertContact', trigger: 'type = "identify"', fields: { properties: { plan: { '@path': '$.traits.plan' } }, enable_batching: true } });
    expect(file.mappings[1].fields).toEqual({ associateContact: false, name: { '@template': 'Co {{traits.name}}' } });
    expect(file.mappings[2]).toMatchObject({ name: 'Orders', enabled: false, fields: { objectType: 'deals' } });
    expect((await runCli(['validate', 'mappings.yaml'], { cwd: p.dir })).code).toBe(0);

    const events = [
      { type: 'identify', messageId: 'i1', userId: 'u1', traits: { email: 'ann@x.io', plan: 'pro', company: 'Acme' } },
      { type: 'group', messageId: 'g1', userId: 'u1', groupId: 'acme', traits: { name: 'Acme' } },
      { type: 'track', messageId: 't1', event: 'Order Completed', properties: { id: 'D1' } },
    ];
    const sent = await p.send([p.file('e.ndjson', ndjson(events)), '-m', `${p.dir}/mappings.yaml`]);
    expect(sent.code).toBe(0);
    const dump = await p.dump();
    expect(recordsOf(dump, 'contacts')).toEqual([expect.objectContaining({ email: 'ann@x.io', plan: 'pro', company: 'Acme' })]);
    expect(recordsOf(dump, 'companies')).toEqual([expect.objectContaining({ name: 'Co Acme', segment_group_id: 'acme' })]);
    // The disabled subscription stays disabled.
    expect(recordsOf(dump, 'deals')).toEqual([]);
  });

  it('reads a plain list of {name, partnerAction, subscribe, mapping}, and says where bad input is', async () => {
    p = await portal();
    const list = p.file('list.json', JSON.stringify([{ name: 'Track events', partnerAction: 'sendCustomBehavioralEvent', subscribe: 'type = "track"', mapping: { eventName: 'pe1_x', occurredAt: { '@path': '$.timestamp' }, unknown_key: 1 } }]));
    const r = await runCli(['import-segment', list], { cwd: p.dir });
    expect(r.code).toBe(0);
    expect(parse(r.stdout).mappings).toEqual([{ name: 'Track events', action: 'sendCustomBehavioralEvent', trigger: 'type = "track"', fields: { eventName: 'pe1_x' } }]);
    expect(r.stderr).toContain('field left out: ' + list + ' [0] "Track events": sendCustomBehavioralEvent has no field "unknown_key"');

    const bad = await runCli(['import-segment', p.file('bad.json', JSON.stringify({ data: { subscriptions: [{ name: 'x', settings: {} }] } }))], { cwd: p.dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('data.subscriptions[0]: no actionSlug or partnerAction says which action it is');
    const notJson = await runCli(['import-segment', p.file('x.json', '{nope')], { cwd: p.dir });
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toMatch(/x\.json is not JSON/);
    const exists = await runCli(['import-segment', list, '-o', 'list.json'], { cwd: p.dir });
    expect(exists.code).toBe(1);
    expect(exists.stderr).toContain('list.json exists; nothing was written');
  });
});
