import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli, requestsOf } from '../helpers/run-cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ha-validate-'));
let n = 0;
/** Writes a mapping file (YAML lines) and returns its path. */
function mappingFile(...lines: string[]): string {
  const file = path.join(dir, `m${++n}.yaml`);
  writeFileSync(file, ['version: 1', 'mappings:', ...lines, ''].join('\n'));
  return file;
}

const DEALS = ['  - name: d', '    action: upsertCustomObjectRecord', '    trigger: \'type = "track"\'', '    fields:', '      objectType: deals', '      properties: { dealname: x }'];

describe('validate: how it is called and what it prints', () => {
  it('takes the mapping file with -m, as send does', async () => {
    const r = await runCli(['validate', '-m', 'mappings.example.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('mappings.example.yaml: 4 mappings, no problems\n');
  });

  it('refuses two different mapping files', async () => {
    const r = await runCli(['validate', 'mappings.example.yaml', '-m', 'other.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('validate was given two mapping files: mappings.example.yaml and -m other.yaml');
    expect(r.stderr).toContain('to test sample events against it: hubspot-actions validate -m other.yaml --events mappings.example.yaml');
  });

  it('prints problems as JSON with --json, and exits 1', async () => {
    const file = mappingFile('  - name: a', '    action: upsertContacts');
    const r = await runCli(['validate', '--json', file]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toEqual({
      file,
      ok: false,
      mappings: null,
      problems: [{ severity: 'error', file, line: 4, col: 13, message: 'mapping "a": unknown action "upsertContacts"', hint: expect.stringContaining('did you mean "upsertContact"?') }],
    });
  });

  it('--json on a good file says ok with the mapping count', async () => {
    const r = await runCli(['validate', '--json', '-m', 'mappings.example.yaml']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ file: 'mappings.example.yaml', ok: true, mappings: 4, problems: [] });
  });

  it('recognises an events file given as the mapping and says which argument is which', async () => {
    const r = await runCli(['validate', 'examples/events.ndjson']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^examples\/events\.ndjson:1:1: this is a file of Segment events \(NDJSON\), not a mapping file\n {2}hint: the mapping file is the YAML one: `hubspot-actions validate mappings.yaml`; events go to `hubspot-actions send events.ndjson -m mappings.yaml --dry-run`\n/);
    expect(r.stderr).toContain('1 problem in examples/events.ndjson');
  });
});

describe('validate: directives', () => {
  it('suggests @path for @paht', async () => {
    const file = mappingFile('  - name: a', '    action: upsertContact', '    fields:', '      phone: { "@paht": "$.traits.phone" }');
    const r = await runCli(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:6:14: mapping "a", field "phone": phone has an invalid directive: @paht.\n  hint: did you mean "@path"?`);
  });

  it('reports an unclosed {{ in @template at its column', async () => {
    const file = mappingFile('  - name: a', '    action: upsertContact', '    fields:', '      company: { "@template": "Co {{traits.company" }');
    const r = await runCli(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:6:35: mapping "a", field "company": @template has an unclosed "{{" at column 4 of the template, which would be sent as literal text`);
  });

  it('accepts closed placeholders, triple ones included', async () => {
    const file = mappingFile('  - name: a', '    action: upsertContact', '    fields:', '      company: { "@template": "{{{traits.a}}} and {{traits.b}}" }');
    const r = await runCli(['validate', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('validate: triggers', () => {
  it('warns, with the fix, when a trigger compares to a single-quoted word, and still passes', async () => {
    const file = mappingFile('  - name: a', '    action: upsertContact', `    trigger: "type = 'identify'"`);
    const r = await runCli(['validate', file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      `${file}:5:22: warning: mapping "a": the trigger compares to 'identify' in single quotes; FQL keeps the quotes as part of the text, so this matches no event\n` +
        `  hint: strings take double quotes: trigger: 'type = "identify"'\n`,
    );
    expect(r.stdout).toBe(`${file}: 1 mapping, no problems, 1 warning\n`);
  });

  it('does not warn about a single quote inside a double-quoted string', async () => {
    const file = mappingFile('  - name: a', '    action: upsertContact', `    trigger: 'type = "identify" and traits.name = "O''Brien"'`);
    const r = await runCli(['validate', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('validate: upsertCustomObjectRecord', () => {
  it('refuses a literal associationLabel that is not CATEGORY:typeId', async () => {
    const file = mappingFile(...DEALS, '      customObjectSearchFields: { dealname: x }', '      associationLabel: "HUBSPOT:279"', '  - name: e', ...DEALS.slice(1), '      customObjectSearchFields: { dealname: x }', '      associationLabel: USER_DEFINED:3');
    const r = await runCli(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:10:25: mapping "d": associationLabel "HUBSPOT:279" must be CATEGORY:typeId, with CATEGORY one of HUBSPOT_DEFINED, USER_DEFINED, INTEGRATOR_DEFINED`);
    expect(r.stderr).toContain('1 problem in');
  });

  it('warns that events with empty customObjectSearchFields create a new record on every run', async () => {
    const file = mappingFile(
      ...DEALS,
      '      customObjectSearchFields: { order_id: { "@path": "$.properties.order_id" } }',
      '  - name: none',
      ...DEALS.slice(1),
      '  - name: fine',
      ...DEALS.slice(1),
      '      customObjectSearchFields: { dealname: { "@template": "Order {{properties.order_id}}" } }',
    );
    const r = await runCli(['validate', file]);
    expect(r.code).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.includes('warning:'));
    expect(warnings).toEqual([
      `${file}:9:33: warning: mapping "d": customObjectSearchFields can be empty for some events (a path an event may lack): such events create a new record every time they are sent, so re-sending them (a retry, a resumed run) makes duplicates`,
      `${file}:14:7: warning: mapping "none": no customObjectSearchFields: such events create a new record every time they are sent, so re-sending them (a retry, a resumed run) makes duplicates`,
    ]);
    expect(r.stdout).toBe(`${file}: 3 mappings, no problems, 2 warnings\n`);
  });

  it('suggests a literal object type first when objectType is missing', async () => {
    const file = mappingFile('  - name: d', '    action: upsertCustomObjectRecord', '    trigger: \'type = "track"\'', '    fields:', '      properties: { dealname: x }');
    const r = await runCli(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`mapping "d": required field "objectType" (Object Type) has no value and no default\n  hint: give the object type as a literal, e.g. objectType: deals`);
    expect(r.stderr).toContain('1 problem in');
  });
});

describe('the shipped example', () => {
  it('leaves signup_source out of a contact whose event has no campaign, instead of sending ""', async () => {
    const event = JSON.stringify({ type: 'identify', messageId: 'm1', userId: 'u1', traits: { email: 'a@b.co', plan: 'pro' } });
    const r = await runCli(['send', '-m', 'mappings.example.yaml', '--dry-run'], { stdin: event + '\n' });
    expect(r.code).toBe(0);
    const create = requestsOf(r.stdout).find((q) => q.action === 'upsertContact' && q.url.endsWith('/batch/create'));
    expect(create.body.inputs[0].properties).toEqual({ email: 'a@b.co', plan: 'pro' });
  });
});

describe('validate: hostile or surprising YAML (issue 11)', () => {
  it('resolves aliases to the data they name, so a shared block is sent as written', async () => {
    const file = mappingFile(
      '  - name: a',
      '    action: upsertContact',
      '    fields:',
      '      properties: &props',
      '        source: { "@path": "$.traits.source" }',
      '  - name: b',
      '    action: upsertContact',
      '    trigger: \'type = "track"\'',
      '    fields:',
      '      email: { "@path": "$.context.traits.email" }',
      '      properties: *props',
    );
    const event = JSON.stringify({ type: 'track', event: 'x', messageId: 'm1', context: { traits: { email: 'a@b.co' } }, traits: { source: 'ads' } });
    const r = await runCli(['send', '-m', file, '--dry-run'], { stdin: event + '\n' });
    expect(r.code).toBe(0);
    const patch = requestsOf(r.stdout).find((q) => q.mapping === 'b' && q.method === 'PATCH');
    expect(patch.body).toEqual({ properties: { email: 'a@b.co', source: 'ads' } });
  });

  it('refuses aliases that expand beyond the bound (an alias bomb), clearly and at once', async () => {
    const levels = ['        l0: &a0 [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) levels.push(`        l${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`);
    const file = mappingFile('  - name: a', '    action: upsertContact', '    fields:', '      properties:', ...levels);
    const r = await runCli(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:8:18: YAML aliases expand to too much data here (more than 1000 nodes): refused, as an alias bomb would be`);
  });

  it('refuses __proto__ as a field or property key, and reserved words as mapping names', async () => {
    const file = mappingFile(
      '  - name: __proto__',
      '    action: upsertContact',
      '  - name: constructor',
      '    action: upsertContact',
      '  - name: c',
      '    action: upsertContact',
      '    fields:',
      '      __proto__: { "@path": "$.traits.x" }',
      '      properties: { __proto__: { "@path": "$.traits.y" } }',
      '      constructor: 1',
    );
    const r = await runCli(['validate', file]);
    expect(r.code).toBe(1);
    const located = r.stderr.split('\n').filter((l) => l.startsWith(file));
    expect(located).toEqual([
      `${file}:10:7: the key "__proto__" is not allowed in a mapping file`,
      `${file}:11:21: the key "__proto__" is not allowed in a mapping file`,
      `${file}:3:11: mapping "__proto__": "__proto__" cannot be a mapping name`,
      `${file}:5:11: mapping "constructor": "constructor" cannot be a mapping name`,
      `${file}:12:7: mapping "c": unknown field "constructor" for upsertContact`,
    ]);
  });

  it('refuses Liquid tags and filters that Segment\'s sandbox disables, at the template', async () => {
    const file = mappingFile(
      '  - name: a',
      '    action: upsertContact',
      '    fields:',
      '      city: { "@liquid": "{% for c in traits.cities %}{{ c }}{% endfor %}" }',
      '      state: { "@liquid": "{{ traits.states | sort | first }}" }',
      '      zip: { "@liquid": "{{ traits.zip | upcase }}" }',
    );
    const r = await runCli(['validate', file]);
    expect(r.code).toBe(1);
    const located = r.stderr.split('\n').filter((l) => l.startsWith(file));
    expect(located).toEqual([`${file}:6:27: mapping "a", field "city": @liquid: tag "for" is disabled`, `${file}:7:28: mapping "a", field "state": @liquid: filter "sort" is disabled`]);
  });
});
