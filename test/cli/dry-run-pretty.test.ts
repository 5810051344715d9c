import { beforeAll, describe, expect, it } from 'vitest';
import { inputFiles, runCli, type CliResult } from '../helpers/run-cli.js';

const MAPPING = 'test/fixtures/mapping.yaml';
const EVENTS = 'test/fixtures/events.ndjson';

/** The groups of `--dry-run --pretty`, by the `file:line` their header starts with. */
function groupsOf(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const block of stdout.split('\n\n')) {
    const head = /^(\S+:\d+) /.exec(block.trimStart());
    if (head) out.set(head[1]!, block.trim());
  }
  return out;
}

describe('send --dry-run --pretty groups the requests by input event', () => {
  let r: CliResult;
  let groups: Map<string, string>;
  beforeAll(async () => {
    r = await runCli(['send', EVENTS, '-m', MAPPING, '--dry-run', '--pretty']);
    groups = groupsOf(r.stdout);
  });

  it('one group per event, in input order, each headed by file:line, type, name and messageId', () => {
    expect([...groups.keys()]).toEqual([1, 2, 3, 4, 6, 7, 8, 9, 10].map((n) => `${EVENTS}:${n}`));
    expect(groups.get(`${EVENTS}:1`)).toMatch(/^\S+:1 {2}identify {2}messageId i1\n {2}→ would be delivered\n/);
    expect(groups.get(`${EVENTS}:3`)!.split('\n')[0]).toBe(`${EVENTS}:3  track "pe22596207 Signed Up"  messageId t1`);
    expect(r.code).toBe(2);
  });

  it("shows each request under its event: method, path and the body as key: value lines, not JSON", () => {
    const contact = groups.get(`${EVENTS}:1`)!;
    expect(contact).toContain('PATCH /crm/v3/objects/contacts/Vep@Beri.dz?idProperty=email  contacts\n      firstname: John\n      email: Vep@Beri.dz');
    expect(contact).toContain('POST /crm/v3/objects/contacts  contacts\n      only if the PATCH answered 404 (no contact with this email)\n      firstname: John');
    expect(groups.get(`${EVENTS}:3`)).toContain('POST /events/v3/send  events\n      eventName: pe22596207_signed_up\n      email: vep@beri.dz\n      hs_city: Paris');
    expect(r.stdout).not.toMatch(/^\s*[{}[\]],?$/m);
    expect(r.stdout).not.toContain('"properties"');
  });

  it('lists skipped and failed events with their line and reason', () => {
    expect(groups.get(`${EVENTS}:10`)).toBe(`${EVENTS}:10  page "Home"  messageId p1\n  → skipped: no mapping matched`);
    expect(groups.get(`${EVENTS}:2`)).toMatch(/\(not an event\)\n {2}→ failed\n {4}✗ line 2 is not valid JSON/);
    expect(groups.get(`${EVENTS}:6`)).toContain('→ failed\n    ✗ mapping "contacts", field "email": Email must be a valid email address string but it was not.');
    expect(groups.get(`${EVENTS}:7`)).toContain('✗ mapping "events", field "eventName": EventName should begin with pe22596207_');
  });

  it('keeps the summary on stderr', () => {
    expect(r.stderr).toMatch(/events read:\s+9/);
    expect(r.stdout).not.toContain('events read');
  });
});

describe('send --dry-run --pretty with batches and action outcomes', () => {
  const contacts = 'version: 1\nmappings:\n  - name: c\n    action: upsertContact\n    fields:\n      enable_batching: true\n      properties:\n        plan: { "@path": "$.traits.plan" }\n';

  it("a batch shared by several events shows under each event only that event's input, saying which item it is", async () => {
    const { m, e } = inputFiles(contacts, [1, 2, 3].map((i) => ({ type: 'identify', messageId: `b${i}`, traits: { email: `u${i}@x.io`, plan: `p${i}` } })));
    const r = await runCli(['send', e, '-m', m, '--dry-run', '--pretty']);
    expect(r.code).toBe(0);
    const g = groupsOf(r.stdout);
    const second = g.get(`${e}:2`)!;
    expect(second).toContain('POST /crm/v3/objects/contacts/batch/create  c · batch of 3, this event is item 2\n      only if the read found no contact with these emails\n      email: u2@x.io\n      plan: p2');
    expect(second).not.toContain('u1@x.io\n      plan');
    expect(second).not.toContain('plan: p3');
    // The read is one request for all three emails: shown whole, and said to be shared.
    expect(second).toContain('POST /crm/v3/objects/contacts/batch/read  c · shared by 3 events');
    expect(second).toContain('inputs.id: u1@x.io, u2@x.io, u3@x.io');
  });

  it("an action's skip is listed with its reason (a record not found, createNewCustomRecord false)", async () => {
    const mapping = 'version: 1\nmappings:\n  - name: deals\n    action: upsertCustomObjectRecord\n    trigger: \'type = "track"\'\n    fields:\n      objectType: deals\n      createNewCustomRecord: false\n      customObjectSearchFields:\n        dealname: { "@path": "$.properties.id" }\n      properties:\n        dealname: { "@path": "$.properties.id" }\n';
    const { m, e } = inputFiles(mapping, [{ type: 'track', messageId: 'd1', event: 'Order', properties: { id: 'A1' } }]);
    const r = await runCli(['send', e, '-m', m, '--dry-run', '--pretty']);
    expect(r.code).toBe(0);
    const g = groupsOf(r.stdout).get(`${e}:1`)!;
    expect(g).toMatch(/→ skipped: .*not found/i);
    expect(g).toContain('POST /crm/v3/objects/deals/search  deals\n      search: dealname IN (A1)');
  });

  it('an event whose batch waits does not hold back the output of thousands after it (memory stays bounded)', async () => {
    const mapping = `${contacts.replace('      enable_batching: true\n', '')}  - name: deals\n    action: upsertCustomObjectRecord\n    trigger: 'type = "track"'\n    fields:\n      objectType: deals\n      customObjectSearchFields:\n        dealname: { "@path": "$.properties.id" }\n      properties:\n        dealname: { "@path": "$.properties.id" }\n`;
    const events = [{ type: 'track', messageId: 't0', event: 'Order', properties: { id: 'A' } }, ...Array.from({ length: 2100 }, (_, i) => ({ type: 'identify', messageId: `i${i}`, traits: { email: `u${i}@x.io` } }))];
    const { m, e } = inputFiles(mapping.replace("action: upsertContact\n", "action: upsertContact\n    trigger: 'type = \"identify\"'\n"), events);
    const r = await runCli(['send', e, '-m', m, '--dry-run', '--pretty']);
    expect(r.code).toBe(0);
    const order = [...groupsOf(r.stdout).keys()];
    expect(order).toHaveLength(2101);
    expect(r.stdout).toContain('(an earlier event is still waiting for its batch: the events after it are printed first, each under its own line number)');
    // Line 1 (the deal, whose batch waits for the end of input) comes after the 2,000 events that overtook it.
    expect(order.indexOf(`${e}:1`)).toBeGreaterThan(2000);
    expect(order.slice(0, 3)).toEqual([`${e}:2`, `${e}:3`, `${e}:4`]);
  });
});

describe('send --dry-run without --pretty is unchanged', () => {
  it('prints one JSON request line per request, with no event headers', async () => {
    const r = await runCli(['send', EVENTS, '-m', MAPPING, '--dry-run']);
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(7);
    for (const l of lines) expect(JSON.stringify(JSON.parse(l))).toBe(l);
    expect(r.stdout).not.toContain('→');
  });
});
