import { describe, expect, it } from 'vitest';
import { parseMappingText } from '../../src/mapping/mapping-file.js';
import { formatProblem } from '../../src/mapping/problems.js';

const check = (yaml: string) => parseMappingText('m.yaml', yaml);
const messages = (yaml: string) => check(yaml).problems.map(formatProblem);

describe('mapping file validation', () => {
  it('accepts the shipped example', async () => {
    const { readFileSync } = await import('node:fs');
    const r = parseMappingText('mappings.example.yaml', readFileSync('mappings.example.yaml', 'utf8'));
    expect(r.problems).toEqual([]);
    expect(r.file!.mappings.map((m) => m.action.name)).toEqual(['upsertContact', 'upsertCompany', 'upsertCustomObjectRecord', 'sendCustomBehavioralEvent']);
    expect(r.file!.settings.hubId).toBe('1234567');
  });

  it('reports YAML syntax errors with line and column', () => {
    const p = check('version: 1\nmappings:\n  - name: [unclosed\n    action: upsertContact\n').problems;
    expect(p).toHaveLength(1);
    expect(p[0]!.message).toMatch(/^YAML syntax:/);
    expect(p[0]!.line).toBeGreaterThanOrEqual(3);
  });

  it('reports a duplicate key at the second one, in a map of any size', () => {
    const props = Array.from({ length: 2000 }, (_, i) => `        p${i}: 1\n`).join('');
    const ms = messages(`version: 1\nmappings:\n  - name: a\n    action: upsertContact\n    fields:\n      properties:\n${props}        p7: 2\n`);
    expect(ms).toEqual(['m.yaml:2007:9: YAML syntax: Map keys must be unique; "p7" is already on line 14\n  hint: fix the YAML syntax first; indentation and unclosed brackets are the usual causes']);
  });

  it('warns once per trigger about single-quoted words, with the whole trigger rewritten', () => {
    const r = check(`version: 1\nmappings:\n  - name: ev\n    action: upsertContact\n    trigger: "type = 'track' and event = 'Signed Up'"\n`);
    expect(r.problems).toEqual([]);
    expect(r.warnings.map(formatProblem)).toEqual([
      `m.yaml:5:22: mapping "ev": the trigger compares to 'track', 'Signed Up' in single quotes; FQL keeps the quotes as part of the text, so these match no event\n  hint: strings take double quotes: trigger: 'type = "track" and event = "Signed Up"'`,
    ]);
  });

  it('points at the repeat of a mapping repeated through an alias', () => {
    const ms = messages('version: 1\nmappings:\n  - &m\n    name: a\n    action: upsertContact\n  - *m\n');
    expect(ms).toEqual(['m.yaml:6:5: duplicate mapping name "a" (first used on line 4)\n  hint: each mapping needs its own name: it labels every request and error']);
  });

  it('gives every problem a hint', () => {
    const p = check('version: 1\nsettings: 3\nmappings:\n  - name: a\n    action: upsertContact\n    enabled: yes\n    trigger: 3\n    fields: [1]\n  - 7\n  - name: b\n    action: upsertContact\n    fields:\n      enable_batching: "no"\n').problems;
    expect(p).toHaveLength(6);
    expect(p.filter((x) => !x.hint)).toEqual([]);
    expect(check('- just a list\n').problems.filter((x) => !x.hint)).toEqual([]);
  });

  it('names an unknown action with the nearest valid one', () => {
    const [m] = messages('version: 1\nmappings:\n  - name: a\n    action: upsertContacts\n');
    expect(m).toBe('m.yaml:4:13: mapping "a": unknown action "upsertContacts"\n  hint: did you mean "upsertContact"? Valid keys: sendCustomBehavioralEvent, upsertContact, upsertCompany, upsertCustomObjectRecord');
  });

  it('names an unknown field key where it stands', () => {
    const [m] = messages('version: 1\nmappings:\n  - name: a\n    action: upsertContact\n    fields:\n      emial: { "@path": "$.traits.email" }\n');
    expect(m).toMatch(/^m\.yaml:6:7: mapping "a": unknown field "emial" for upsertContact\n {2}hint: did you mean "email"\?/);
  });

  it('reports a required field with no value or default', () => {
    const ms = messages('version: 1\nmappings:\n  - name: ev\n    action: sendCustomBehavioralEvent\n  - name: c\n    action: upsertContact\n    fields:\n      email: null\n');
    expect(ms).toHaveLength(2);
    expect(ms[0]).toMatch(/mapping "ev": required field "eventName" \(Event Name\) has no value and no default/);
    expect(ms[1]).toMatch(/^m\.yaml:8:14: mapping "c": required field "email" \(Email\) has no value and no default/);
  });

  it('requires a trigger for upsertCustomObjectRecord, which has no default', () => {
    const [m] = messages('version: 1\nmappings:\n  - name: d\n    action: upsertCustomObjectRecord\n    fields:\n      objectType: deals\n      properties: { dealname: x }\n');
    expect(m).toMatch(/mapping "d": upsertCustomObjectRecord has no default trigger, so `trigger` is required/);
  });

  it('reports FQL that does not parse, with its column', () => {
    const ms = messages(`version: 1\nmappings:\n  - name: a\n    action: upsertContact\n    trigger: 'type = "identify" andd'\n  - name: b\n    action: upsertContact\n    trigger: 'type = '\n  - name: c\n    action: upsertContact\n    trigger: 'type = "x" && y'\n`);
    expect(ms).toHaveLength(3);
    expect(ms[0]).toMatch(/^m\.yaml:5:\d+: mapping "a": the trigger is not valid FQL: Unexpected token of type 'ident' and value 'andd'\./);
    expect(ms[1]).toMatch(/mapping "b": the trigger is not valid FQL/);
    expect(ms[2]).toMatch(/^m\.yaml:11:27: mapping "c": the trigger is not valid FQL: unexpected character at column 13/);
  });

  it('reports a malformed directive at the directive', () => {
    const ms = messages('version: 1\nmappings:\n  - name: a\n    action: upsertContact\n    fields:\n      phone: { "@path": 3 }\n      company: { "@nope": "x" }\n');
    expect(ms).toHaveLength(2);
    expect(ms[0]).toMatch(/^m\.yaml:6:\d+: mapping "a", field "phone": phone\/@path should be a string or a mapping directive but it is a number\./);
    expect(ms[1]).toMatch(/field "company": company has an invalid directive: @nope\./);
  });

  it('reports duplicate names', () => {
    const [m] = messages('version: 1\nmappings:\n  - name: a\n    action: upsertContact\n  - name: a\n    action: upsertCompany\n');
    expect(m).toBe('m.yaml:5:11: duplicate mapping name "a" (first used on line 3)\n  hint: each mapping needs its own name: it labels every request and error');
  });

  it('refuses more than 50 mappings', () => {
    const many = Array.from({ length: 51 }, (_, i) => `  - name: m${i}\n    action: upsertContact\n`).join('');
    const ms = messages(`version: 1\nmappings:\n${many}`);
    expect(ms).toHaveLength(1);
    expect(ms[0]).toMatch(/there are 51 mappings; Segment allows at most 50/);
  });

  it('refuses segment_group_id in upsertCompany properties', () => {
    const [m] = messages('version: 1\nmappings:\n  - name: g\n    action: upsertCompany\n    fields:\n      properties:\n        segment_group_id: { "@path": "$.groupId" }\n');
    expect(m).toMatch(/^m\.yaml:7:27: mapping "g": "segment_group_id" must not be set in properties/);
  });

  it('checks a literal eventName against pe<hubId>_', () => {
    const ms = messages('version: 1\nsettings:\n  hubId: "22596207"\nmappings:\n  - name: e\n    action: sendCustomBehavioralEvent\n    fields:\n      eventName: pe1234_signed_up\n  - name: f\n    action: sendCustomBehavioralEvent\n    fields:\n      eventName: "pe22596207 Signed Up"\n');
    expect(ms).toHaveLength(1);
    expect(ms[0]).toMatch(/^m\.yaml:8:18: mapping "e": event name "pe1234_signed_up" must begin with pe22596207_/);
  });

  it('reports several problems in one run', () => {
    const ms = messages('version: 1\nmappings:\n  - name: a\n    action: nope\n  - name: b\n    action: upsertContact\n    fields:\n      bogus: 1\n      enable_batching: "yes"\n');
    expect(ms.length).toBe(3);
    expect(ms.join('\n')).toMatch(/unknown action "nope"/);
    expect(ms.join('\n')).toMatch(/unknown field "bogus"/);
    expect(ms.join('\n')).toMatch(/field "enable_batching": must be true or false, not "yes"/);
  });

  it('turns a default off with null and keeps disabled mappings out', () => {
    const r = check('version: 1\nmappings:\n  - name: a\n    action: upsertContact\n    fields:\n      company: null\n  - name: b\n    action: upsertContact\n    enabled: false\n');
    expect(r.problems).toEqual([]);
    expect(r.file!.mappings.map((m) => m.name)).toEqual(['a']);
    expect(r.file!.mappings[0]!.fields.company).toBeUndefined();
    expect(r.file!.mappings[0]!.fields.email).toEqual({ '@path': '$.traits.email' });
  });

  it('requires version 1 and rejects unknown top-level keys', () => {
    const ms = messages('mapings: []\n');
    expect(ms.join('\n')).toMatch(/unknown top-level key "mapings"\n {2}hint: did you mean "mappings"\?/);
    expect(ms.join('\n')).toMatch(/missing `version: 1`/);
  });
});
