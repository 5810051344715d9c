import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Document, type Node } from 'yaml';
import { actions, actionNames, isActionName } from '../actions/index.js';
import type { ActionDefinition, DestinationSettings } from '../actions/types.js';
import { transformEventName } from '../actions/shared/flatten.js';
import { SEGMENT_GROUP_ID } from '../actions/upsertCompany/errors.js';
import { compileTrigger, isTriggerProblem, type CompiledTrigger } from './trigger.js';
import { checkDirectives, isLiteral } from './directives.js';
import { closest, type Problem } from './problems.js';
import { segmentCore, type JsonSchema } from './segment-libs.js';

/** Segment allows at most 50 mappings (subscriptions) per destination. */
export const MAX_MAPPINGS = 50;

export interface Mapping {
  name: string;
  action: ActionDefinition;
  trigger: CompiledTrigger;
  /** The user's fields over the action's defaults, `null` having turned a default off. */
  fields: Record<string, unknown>;
  schema: JsonSchema;
  line: number;
}

export interface MappingFile {
  path: string;
  settings: DestinationSettings;
  mappings: Mapping[];
}

const TOP_KEYS = ['version', 'settings', 'mappings'];
const MAPPING_KEYS = ['name', 'action', 'trigger', 'enabled', 'fields'];
const SETTING_KEYS = ['hubId'];

/** Reads and checks a mapping file; every problem is collected, with its line and column. */
export function loadMappingFile(path: string): { file?: MappingFile; problems: Problem[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { problems: [{ file: path, line: 1, col: 1, message: `cannot read the mapping file (${code ?? String(err)})`, hint: 'check the path given to --mapping' }] };
  }
  return parseMappingText(path, text);
}

export function parseMappingText(path: string, text: string): { file?: MappingFile; problems: Problem[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const problems: Problem[] = [];
  /** Reports at a node, or `shift` characters into it (a column inside a trigger). */
  const at = (node: Node | null | undefined, message: string, hint?: string, shift = 0) => {
    const pos = node?.range ? lines.linePos(node.range[0] + shift) : { line: 1, col: 1 };
    problems.push({ file: path, line: pos.line, col: pos.col, message, hint });
  };
  for (const e of doc.errors) {
    const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
    problems.push({ file: path, line: pos.line, col: pos.col, message: `YAML syntax: ${e.message.split('\n')[0]}`, hint: 'fix the YAML syntax first; indentation and unclosed brackets are the usual causes' });
  }
  if (problems.length) return { problems };

  const root = doc.contents;
  if (!isMap(root)) {
    at(root, 'the mapping file must be a YAML map with `version`, `settings` and `mappings`');
    return { problems };
  }
  for (const item of root.items) {
    const key = String((item.key as any)?.value);
    if (!TOP_KEYS.includes(key)) at(item.key as Node, `unknown top-level key "${key}"`, hintFor(key, TOP_KEYS));
  }
  const version = doc.get('version');
  if (version !== 1) at(nodeAt(doc, ['version']) ?? root, version === undefined ? 'missing `version: 1`' : `unsupported version ${JSON.stringify(version)}`, 'this tool reads mapping files with `version: 1`');

  const settings = readSettings(doc, at);
  const mappingsNode = nodeAt(doc, ['mappings']);
  if (!isSeq(mappingsNode)) {
    at(mappingsNode ?? root, '`mappings` must be a list of mappings', 'see mappings.example.yaml');
    return { problems };
  }
  if (mappingsNode.items.length > MAX_MAPPINGS) {
    at(mappingsNode.items[MAX_MAPPINGS] as Node, `there are ${mappingsNode.items.length} mappings; Segment allows at most ${MAX_MAPPINGS}`, 'merge mappings with the same action, or split the file and run it twice');
  }
  const mappings: Mapping[] = [];
  const names = new Map<string, number>();
  mappingsNode.items.forEach((node, i) => {
    const name = doc.getIn(['mappings', i, 'name']);
    if (typeof name === 'string' && name) {
      const nameNode = nodeAt(doc, ['mappings', i, 'name']);
      if (names.has(name)) at(nameNode, `duplicate mapping name "${name}" (first used on line ${names.get(name)})`, 'each mapping needs its own name: it labels every request and error');
      else names.set(name, (node as Node).range ? lines.linePos((node as Node).range![0]).line : 1);
    }
    const m = readMapping(doc, i, node as Node, settings, at, lines);
    if (m?.enabled) mappings.push(m.mapping);
  });
  return problems.length ? { problems } : { file: { path, settings, mappings }, problems };
}

type At = (node: Node | null | undefined, message: string, hint?: string, shift?: number) => void;

function nodeAt(doc: Document, path: (string | number)[]): Node | undefined {
  return (doc.getIn(path, true) as Node | undefined) ?? undefined;
}

function hintFor(word: string, candidates: string[]): string {
  const near = closest(word, candidates);
  return near ? `did you mean "${near}"? Valid keys: ${candidates.join(', ')}` : `valid keys: ${candidates.join(', ')}`;
}

function readSettings(doc: Document, at: At): DestinationSettings {
  const node = nodeAt(doc, ['settings']);
  if (node === undefined || (isScalar(node) && node.value === null)) return {};
  if (!isMap(node)) {
    at(node, '`settings` must be a map');
    return {};
  }
  for (const item of node.items) {
    const key = String((item.key as any)?.value);
    if (!SETTING_KEYS.includes(key)) at(item.key as Node, `unknown setting "${key}"`, hintFor(key, SETTING_KEYS));
  }
  const hubId = doc.getIn(['settings', 'hubId']);
  if (hubId === undefined || hubId === null) return {};
  if (!/^\d+$/.test(String(hubId))) {
    at(nodeAt(doc, ['settings', 'hubId']), `hubId must be the portal's numeric Hub ID, not ${JSON.stringify(hubId)}`, 'find it in HubSpot under the account menu, or with `hubspot-actions auth status`');
    return {};
  }
  return { hubId: String(hubId) };
}

function readMapping(
  doc: Document,
  i: number,
  node: Node,
  settings: DestinationSettings,
  at: At,
  lines: LineCounter,
): { mapping: Mapping; name: string; line: number; enabled: boolean } | undefined {
  const line = node.range ? lines.linePos(node.range[0]).line : 1;
  if (!isMap(node)) {
    at(node, `mapping #${i + 1} must be a map with name, action, trigger and fields`);
    return undefined;
  }
  const here = (...p: (string | number)[]) => nodeAt(doc, ['mappings', i, ...p]) ?? node;
  for (const item of node.items) {
    const key = String((item.key as any)?.value);
    if (!MAPPING_KEYS.includes(key)) at(item.key as Node, `unknown key "${key}" in mapping #${i + 1}`, hintFor(key, MAPPING_KEYS));
  }
  const raw = doc.getIn(['mappings', i]) as any;
  const plain = (raw && typeof raw.toJSON === 'function' ? raw.toJSON() : raw) as Record<string, any>;
  const name = plain?.name;
  const label = typeof name === 'string' && name ? `mapping "${name}"` : `mapping #${i + 1}`;
  let ok = true;
  if (typeof name !== 'string' || name.trim() === '') {
    at(here('name'), `${label} needs a \`name\``, 'a short unique name such as "Contacts from identify"');
    ok = false;
  }
  if (plain.enabled !== undefined && typeof plain.enabled !== 'boolean') {
    at(here('enabled'), `${label}: \`enabled\` must be true or false`);
    ok = false;
  }
  const actionName = plain?.action;
  if (!isActionName(actionName)) {
    at(here('action'), actionName === undefined ? `${label} needs an \`action\`` : `${label}: unknown action "${actionName}"`, hintFor(String(actionName ?? ''), actionNames));
    return undefined;
  }
  const action = actions[actionName];

  let trigger: CompiledTrigger | undefined;
  const fql = plain.trigger ?? action.defaultTrigger;
  if (fql === undefined) {
    at(here('action'), `${label}: ${actionName} has no default trigger, so \`trigger\` is required`, 'for example: trigger: \'type = "track" and event = "Order Completed"\'');
    ok = false;
  } else if (typeof fql !== 'string') {
    at(here('trigger'), `${label}: \`trigger\` must be an FQL string`);
    ok = false;
  } else {
    const compiled = compileTrigger(fql);
    if (isTriggerProblem(compiled)) {
      const tnode = here('trigger');
      // Point at the column inside a single-line plain or quoted trigger when the lexer knows it.
      const quoted = isScalar(tnode) && (tnode.type === 'QUOTE_DOUBLE' || tnode.type === 'QUOTE_SINGLE') ? 1 : 0;
      at(tnode, `${label}: ${compiled.message}`, 'triggers use Segment FQL, e.g. type = "track" and event = "Signed Up"; strings take double quotes', quoted + (compiled.column ?? 0));
      ok = false;
    } else trigger = compiled;
  }

  const userFields = plain.fields ?? {};
  if (typeof userFields !== 'object' || Array.isArray(userFields) || userFields === null) {
    at(here('fields'), `${label}: \`fields\` must be a map of field keys to values or directives`);
    return undefined;
  }
  const fields: Record<string, unknown> = {};
  for (const [key, def] of Object.entries(action.fields)) if (def.default !== undefined) fields[key] = def.default;
  for (const [key, value] of Object.entries(userFields)) {
    const fieldNode = here('fields', key);
    const keyNode = (isMap(here('fields')) ? (here('fields') as any).items.find((it: any) => it.key?.value === key)?.key : undefined) ?? fieldNode;
    if (!(key in action.fields)) {
      at(keyNode, `${label}: unknown field "${key}" for ${actionName}`, hintFor(key, Object.keys(action.fields)));
      ok = false;
      continue;
    }
    if (value === null) {
      delete fields[key];
      continue;
    }
    for (const d of checkDirectives(key, value)) {
      at(nodeAt(doc, ['mappings', i, 'fields', key, ...d.pointer]) ?? fieldNode, `${label}, field "${key}": ${d.message}`, 'see Segment\'s mapping directives: @path, @if, @template, @case, @replace, @arrayPath, @merge, @json, @flatten, @literal, @liquid');
      ok = false;
    }
    fields[key] = value;
  }
  for (const [key, def] of Object.entries(action.fields)) {
    if (def.required && fields[key] === undefined) {
      at(userFields[key] === null ? here('fields', key) : here('fields'), `${label}: required field "${key}" (${def.label}) has no value and no default`, `map it, e.g. ${key}: { "@path": "$.properties.${key}" }`);
      ok = false;
    }
  }
  const props = fields.properties as Record<string, unknown> | undefined;
  if (actionName === 'upsertCompany' && props && typeof props === 'object' && SEGMENT_GROUP_ID in props) {
    at(here('fields', 'properties', SEGMENT_GROUP_ID), `${label}: "${SEGMENT_GROUP_ID}" must not be set in properties`, 'the company key is set from the groupid field; remove this property');
    ok = false;
  }
  if (actionName === 'sendCustomBehavioralEvent' && typeof fields.eventName === 'string' && isLiteral(fields.eventName)) {
    const ev = transformEventName(fields.eventName);
    const prefix = settings.hubId ? `pe${settings.hubId}_` : undefined;
    if (prefix ? !ev.startsWith(prefix) : !/^pe\d+_/.test(ev)) {
      at(here('fields', 'eventName'), `${label}: event name "${fields.eventName}" must begin with ${prefix ?? 'pe<hubId>_'}`, 'use the event\'s internal name from HubSpot (Data Management > Custom Events), e.g. pe1234567_signed_up');
      ok = false;
    }
  }
  for (const [key, value] of Object.entries(fields)) {
    const def = action.fields[key];
    if (!def || !isLiteral(value) || value === undefined) continue;
    const bad = literalTypeProblem(def.type, value);
    if (bad) {
      at(here('fields', key), `${label}, field "${key}": ${bad}`);
      ok = false;
    }
  }
  if (!ok || !trigger || typeof name !== 'string') return undefined;
  return {
    mapping: { name, action, trigger, fields, schema: segmentCore().fieldsToJsonSchema(action.fields as Record<string, unknown>), line },
    name,
    line,
    enabled: plain.enabled !== false,
  };
}

function literalTypeProblem(type: string, value: unknown): string | undefined {
  switch (type) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `must be true or false, not ${JSON.stringify(value)}`;
    case 'integer':
      return Number.isInteger(Number(value)) && typeof value !== 'boolean' ? undefined : `must be a whole number, not ${JSON.stringify(value)}`;
    case 'object':
      return typeof value === 'object' && !Array.isArray(value) ? undefined : `must be a map of properties, not ${JSON.stringify(value)}`;
    default:
      return undefined;
  }
}
