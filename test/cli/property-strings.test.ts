import { describe, expect, it, beforeAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli, requestsOf } from '../helpers/run-cli.js';

// HubSpot's specs type every CRM and event property value as a string: the dry-run shows what a
// live run sends, so numbers and booleans must appear there as their string forms.
const MAPPING = `version: 1
settings:
  hubId: "1234567"
mappings:
  - name: contacts
    action: upsertContact
    trigger: 'type = "identify"'
    fields:
      properties:
        score: { "@path": "$.traits.score" }
        vip: { "@path": "$.traits.vip" }
        tags: { "@path": "$.traits.tags" }
        prefs: { "@path": "$.traits.prefs" }
        big: { "@path": "$.traits.big" }
        nothing: { "@path": "$.traits.nothing" }
  - name: companies
    action: upsertCompany
    fields:
      associateContact: false
  - name: deals
    action: upsertCustomObjectRecord
    trigger: 'type = "track"'
    fields:
      objectType: deals
      properties:
        amount: { "@path": "$.properties.total" }
        paid: { "@path": "$.properties.paid" }
  - name: event
    action: sendCustomBehavioralEvent
    trigger: 'type = "track"'
    fields:
      eventName: pe1234567_order_completed
      email: { "@path": "$.properties.email" }
      properties:
        total: { "@path": "$.properties.total" }
        paid: { "@path": "$.properties.paid" }
`;

const EVENTS = [
  { type: 'identify', messageId: 'i1', userId: 'u1', traits: { email: 'a@x.io', score: 42, vip: true, tags: ['a', 1, false], prefs: { n: 1 }, big: 'BIG', nothing: null } },
  { type: 'group', messageId: 'g1', groupId: 'g-1', traits: { name: 'Acme', employees: 250 } },
  { type: 'track', messageId: 't1', event: 'Order Completed', properties: { email: 'a@x.io', total: 99.5, paid: false } },
].map((e) => JSON.stringify(e)).join('\n').replace('"BIG"', '9007199254740993') + '\n'; // beyond 2^53, as raw JSON

describe('send --dry-run: property values go out as strings', () => {
  let reqs: any[];
  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ha-strings-'));
    writeFileSync(path.join(dir, 'm.yaml'), MAPPING);
    writeFileSync(path.join(dir, 'e.ndjson'), EVENTS);
    const r = await runCli(['send', path.join(dir, 'e.ndjson'), '--mapping', path.join(dir, 'm.yaml'), '--dry-run']);
    expect(r.stderr).toMatch(/invalid\/failed: +0\n/);
    reqs = requestsOf(r.stdout);
  });

  const propsOf = (action: string) => {
    const q = reqs.filter((x) => x.action === action && x.body && (x.body.properties || x.body.inputs?.[0]?.properties)).at(-1);
    return q.body.properties ?? q.body.inputs[0].properties;
  };

  it('contacts: numbers and booleans as strings; arrays ;-joined, objects JSON, null dropped, a number beyond 2^53 exact', () => {
    expect(propsOf('upsertContact')).toMatchObject({ score: '42', vip: 'true', tags: 'a;1;false', prefs: '{"n":1}', big: '9007199254740993' });
    expect(propsOf('upsertContact')).not.toHaveProperty('nothing');
  });

  it('companies: numberofemployees as a string', () => {
    expect(propsOf('upsertCompany')).toMatchObject({ name: 'Acme', numberofemployees: '250' });
  });

  it('custom object records and event completions: numbers and booleans as strings', () => {
    expect(propsOf('upsertCustomObjectRecord')).toEqual({ amount: '99.5', paid: 'false' });
    expect(propsOf('sendCustomBehavioralEvent')).toEqual({ total: '99.5', paid: 'false' });
  });
});
