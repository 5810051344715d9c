import { afterEach, describe, expect, it } from 'vitest';
import { ndjson, portal, type Portal } from '../helpers/live.js';
import { runCli } from '../helpers/run-cli.js';

let p: Portal;
afterEach(async () => p?.stop());

const cli = (args: string[]) => runCli(args, { cwd: p.dir, env: { HUBSPOT_API_BASE_URL: p.emu.url, HUBSPOT_ACCESS_TOKEN: p.emu.accessToken } });

describe('portal', () => {
  it('lists properties, event definitions, custom objects and association labels, as tables or JSON', async () => {
    p = await portal({ hubId: 1234567 });
    await p.seed({
      schemas: [{ name: 'cars', labels: { singular: 'Car', plural: 'Cars' }, primaryDisplayProperty: 'model', requiredProperties: ['model'], properties: [{ name: 'model', label: 'Model', type: 'string', fieldType: 'text' }] }],
      properties: { contacts: [{ name: 'tier', label: 'Tier', type: 'enumeration', fieldType: 'select', groupName: 'contactinformation', options: [{ label: 'Gold', value: 'gold' }, { label: 'Silver', value: 'silver' }] }] },
      associationLabels: [{ fromObjectType: 'deals', toObjectType: 'contacts', label: 'Buyer', name: 'buyer' }],
      eventDefinitions: [{ name: 'order_completed', label: 'Order Completed', propertyDefinitions: [{ name: 'total', label: 'Total', type: 'number' }] }],
    });
    const props = await cli(['portal', 'properties', 'contacts']);
    expect(props.code).toBe(0);
    expect(props.stdout).toMatch(/^NAME\s+TYPE\s+FIELD TYPE\s+FLAGS\s+LABEL\s+OPTIONS$/m);
    expect(props.stdout).toMatch(/^tier\s+enumeration\s+select\s+custom\s+Tier\s+gold; silver$/m);
    expect(props.stdout).toMatch(/^hs_object_id\s+number\s+\S+\s+read-only/m);
    const json = JSON.parse((await cli(['portal', 'properties', 'contacts', '--json'])).stdout);
    expect(json.find((x: any) => x.name === 'tier')).toMatchObject({ type: 'enumeration', options: [{ value: 'gold' }, { value: 'silver' }], readOnly: false });
    const events = await cli(['portal', 'events']);
    expect(events.stdout).toMatch(/^pe1234567_order_completed\s+Order Completed\s+CONTACT\s+total:number$/m);
    const objects = await cli(['portal', 'objects']);
    expect(objects.stdout).toMatch(/^p1234567_cars\s+2-\d+\s+cars\s+Car\s+model/m);
    expect(objects.stdout).toMatch(/^deals\s+contacts\s+USER_DEFINED:\d+\s+Buyer$/m);
    const oj = JSON.parse((await cli(['portal', 'objects', '--json'])).stdout);
    expect(oj.schemas[0]).toMatchObject({ fullyQualifiedName: 'p1234567_cars', name: 'cars' });
    const unknown = await cli(['portal', 'properties', 'p1234567_carz']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('portal objects');
  });

  it('create-properties creates what the mapping writes and the portal lacks, typed from sample events, once', async () => {
    p = await portal({ hubId: 1234567 });
    const m = p.file('m.yaml', `version: 1
mappings:
  - name: contacts
    action: upsertContact
    fields:
      properties:
        seats: { "@path": "$.traits.seats" }
        trial: { "@path": "$.traits.trial" }
        renewal: { "@path": "$.traits.renewal" }
        source: web
  - name: signup
    action: sendCustomBehavioralEvent
    fields:
      eventName: pe1234567_signed_up
      properties:
        plan: { "@path": "$.properties.plan" }
        seats: { "@path": "$.properties.seats" }
`);
    const e = p.file('e.ndjson', ndjson([
      { type: 'identify', messageId: 'i1', traits: { email: 'a@x.io', seats: 3, trial: true, renewal: '2026-01-01' } },
      { type: 'track', messageId: 't1', event: 'Signed Up', properties: { email: 'a@x.io', plan: 'pro', seats: 3 } },
    ]));
    const asked = await cli(['portal', 'create-properties', '-m', m, '--events', e]);
    expect(asked.code).toBe(1);
    expect(asked.stderr).toContain('there is no terminal to confirm on');
    expect((await p.dump()).eventDefinitions ?? []).toHaveLength(0);
    const r = await cli(['portal', 'create-properties', '-m', m, '--events', e, '--yes', '--json']);
    expect(r.code).toBe(0);
    const created = JSON.parse(r.stdout).created.map((w: any) => `${w.kind} ${w.owner}.${w.name}:${w.type}`);
    expect(created).toEqual(['property contacts.seats:number', 'property contacts.trial:bool', 'property contacts.renewal:date', 'property contacts.source:string', 'event pe1234567_signed_up.pe1234567_signed_up:CONTACT']);
    const props = JSON.parse((await cli(['portal', 'properties', 'contacts', '--json'])).stdout);
    expect(props.find((x: any) => x.name === 'renewal')).toMatchObject({ type: 'date' });
    const events = JSON.parse((await cli(['portal', 'events', '--json'])).stdout);
    expect(events[0]).toMatchObject({ fullyQualifiedName: 'pe1234567_signed_up', properties: [{ name: 'plan', type: 'string' }, { name: 'seats', type: 'number' }] });
    const again = await cli(['portal', 'create-properties', '-m', m, '--events', e, '--yes']);
    expect(again.stdout).toContain('Nothing to create');
    // And the mapping now passes the preflight.
    expect((await p.send([e, '-m', m])).code).toBe(0);
  });
});
