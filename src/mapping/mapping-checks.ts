import { isAlias, isMap, isScalar, type Node } from 'yaml';
import { actions, actionNames, isActionName } from '../actions/index.js';
import type { ActionDefinition, DestinationSettings } from '../actions/types.js';
import { compileTrigger, isTriggerProblem, type CompiledTrigger } from './trigger.js';
import { checkDirectives, isLiteral, mayBeMissing } from './directives.js';
import { lintTrigger } from './trigger-lint.js';
import type { Mapping } from './types.js';
import { closest } from './problems.js';
import { segmentCore } from './segment-libs.js';
import type { YamlSource } from './yaml-source.js';

const MAPPING_KEYS = ['name', 'action', 'trigger', 'enabled', 'fields'];
/** Names that, used as object keys, reach Object.prototype instead of a key of their own. */
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'];

export function hintFor(word: string, candidates: string[]): string {
  const near = closest(word, candidates);
  return near ? `did you mean "${near}"? Valid keys: ${candidates.join(', ')}` : `valid keys: ${candidates.join(', ')}`;
}

/** Reports each key of the map at `path` that is not one of `valid`, with the nearest valid one. */
export function checkKeys(src: YamlSource, path: (string | number)[], valid: string[], message: (key: string) => string): void {
  const node = src.node(path);
  const map = isAlias(node) ? node.resolve(src.doc) : node;
  if (!isMap(map)) return;
  for (const item of map.items) {
    const key = String(isScalar(item.key) ? item.key.value : item.key);
    if (!valid.includes(key)) src.error(item.key as Node, message(key), hintFor(key, valid));
  }
}

/** One mapping of the file as its checks see it: where it is, how it is named in messages. */
interface MappingAt {
  src: YamlSource;
  i: number;
  label: string;
  /** The node at a path below this mapping, else the nearest one that exists. */
  here(...path: (string | number)[]): Node | undefined;
}

/**
 * Checks mapping #i: its keys, name, action, trigger and fields, then the action's own checks and
 * the types of literal values. Returns the mapping only when none of these found a problem.
 */
export function readMapping(src: YamlSource, i: number, plain: unknown, settings: DestinationSettings): { mapping: Mapping; enabled: boolean } | undefined {
  const node = src.node(['mappings', i]);
  if (!plain || typeof plain !== 'object' || Array.isArray(plain)) {
    src.error(node, `mapping #${i + 1} must be a map with name, action, trigger and fields`, 'each item under `mappings:` starts with `- name: ...`, its other keys indented under it; see mappings.example.yaml');
    return undefined;
  }
  const before = src.problems.length;
  const m = plain as Record<string, unknown>;
  checkKeys(src, ['mappings', i], MAPPING_KEYS, (key) => `unknown key "${key}" in mapping #${i + 1}`);
  const at = mappingAt(src, i, m.name, node);
  const name = readNameAndEnabled(at, m);
  const action = readAction(at, m.action);
  if (!action) return undefined;
  const trigger = readTrigger(at, m.trigger, action);
  const fields = readFields(at, m.fields, action);
  if (!fields) return undefined;
  const ownFields = runActionChecks(at, fields, action, settings);
  checkRequired(at, fields, m.fields as Record<string, unknown> | undefined, action, ownFields);
  checkLiterals(at, fields, action);
  if (src.problems.length > before || !trigger || name === undefined) return undefined;
  const schema = segmentCore().fieldsToJsonSchema(action.fields as Record<string, unknown>);
  return { mapping: { name, action, trigger, fields, schema, line: src.lineOf(node) }, enabled: m.enabled !== false };
}

function mappingAt(src: YamlSource, i: number, name: unknown, node: Node | undefined): MappingAt {
  const label = typeof name === 'string' && name ? `mapping "${name}"` : `mapping #${i + 1}`;
  return { src, i, label, here: (...path) => src.node(['mappings', i, ...path]) ?? node };
}

function readNameAndEnabled(at: MappingAt, m: Record<string, unknown>): string | undefined {
  if (m.enabled !== undefined && typeof m.enabled !== 'boolean') at.src.error(at.here('enabled'), `${at.label}: \`enabled\` must be true or false`, 'write enabled: false to keep a mapping without running it, or leave the key out');
  if (typeof m.name !== 'string' || m.name.trim() === '') {
    at.src.error(at.here('name'), `${at.label} needs a \`name\``, 'a short unique name such as "Contacts from identify"');
    return undefined;
  }
  if (PROTOTYPE_KEYS.includes(m.name)) {
    // Names key the run's counts and failed mappings; these would reach an object's prototype.
    at.src.error(at.here('name'), `${at.label}: "${m.name}" cannot be a mapping name`, `__proto__, constructor and prototype are reserved; choose another name`);
    return undefined;
  }
  return m.name;
}

function readAction(at: MappingAt, name: unknown): ActionDefinition | undefined {
  if (isActionName(name)) return actions[name];
  const message = name === undefined ? `${at.label} needs an \`action\`` : `${at.label}: unknown action "${String(name)}"`;
  at.src.error(at.here('action'), message, hintFor(String(name ?? ''), actionNames));
  return undefined;
}

function readTrigger(at: MappingAt, given: unknown, action: ActionDefinition): CompiledTrigger | undefined {
  const fql = given ?? action.defaultTrigger;
  if (fql === undefined) {
    at.src.error(at.here('action'), `${at.label}: ${action.name} has no default trigger, so \`trigger\` is required`, 'for example: trigger: \'type = "track" and event = "Order Completed"\'');
    return undefined;
  }
  if (typeof fql !== 'string') {
    at.src.error(at.here('trigger'), `${at.label}: \`trigger\` must be an FQL string`, 'quote it whole in YAML: trigger: \'type = "track" and event = "Signed Up"\'');
    return undefined;
  }
  const compiled = compileTrigger(fql);
  const node = at.here('trigger');
  if (!isTriggerProblem(compiled)) {
    for (const w of lintTrigger(fql)) at.src.warn(node, `${at.label}: ${w.message}`, w.hint, (isQuoted(node) ? 1 : 0) + w.column);
    return compiled;
  }
  // Point at the column inside a single-line plain or quoted trigger when the lexer knows it.
  at.src.error(node, `${at.label}: ${compiled.message}`, 'triggers use Segment FQL, e.g. type = "track" and event = "Signed Up"; strings take double quotes', (isQuoted(node) ? 1 : 0) + (compiled.column ?? 0));
  return undefined;
}

/** A scalar written in quotes: columns inside its text are one further right. */
const isQuoted = (node: Node | undefined) => isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE');

/** The user's fields over the action's defaults, each known to the action and well-formed. */
function readFields(at: MappingAt, given: unknown, action: ActionDefinition): Record<string, unknown> | undefined {
  const userFields = given ?? {};
  if (typeof userFields !== 'object' || Array.isArray(userFields) || userFields === null) {
    at.src.error(at.here('fields'), `${at.label}: \`fields\` must be a map of field keys to values or directives`, `indent the field keys under fields:, each with a value or a directive; the keys of ${action.name}: ${Object.keys(action.fields).join(', ')}`);
    return undefined;
  }
  const fields: Record<string, unknown> = {};
  for (const [key, def] of Object.entries(action.fields)) if (def.default !== undefined) fields[key] = def.default;
  for (const [key, value] of Object.entries(userFields)) {
    if (key === '__proto__') continue; // refused where the YAML is read
    const fieldNode = at.here('fields', key);
    if (!Object.hasOwn(action.fields, key)) {
      const keyNode = at.src.keyNode(['mappings', at.i, 'fields'], key) ?? fieldNode;
      at.src.error(keyNode, `${at.label}: unknown field "${key}" for ${action.name}`, hintFor(key, Object.keys(action.fields)));
      continue;
    }
    if (value === null) {
      delete fields[key];
      continue;
    }
    for (const d of checkDirectives(key, value)) {
      const node = at.src.node(['mappings', at.i, 'fields', key, ...d.pointer]);
      const shift = d.column === undefined || !node ? 0 : d.column + (isQuoted(node) ? 1 : 0);
      at.src.error(node ?? fieldNode, `${at.label}, field "${key}": ${d.message}`, d.hint, shift);
    }
    fields[key] = value;
  }
  return fields;
}

/**
 * The action's own checks (action knowledge stays in its definition). Returns the fields they
 * spoke about, whose generic checks would only repeat them.
 */
function runActionChecks(at: MappingAt, fields: Record<string, unknown>, action: ActionDefinition, settings: DestinationSettings): Set<string> {
  const spoken = new Set<string>();
  const fieldsAt = (path: string[]) => at.src.node(['mappings', at.i, 'fields', ...path]);
  const nodeOf = (path: string[]) => fieldsAt(path) ?? fieldsAt(path.slice(0, 1)) ?? at.here('fields');
  action.checkMapping?.(fields, {
    settings,
    error(path, message, hint) {
      if (path[0]) spoken.add(path[0]);
      at.src.error(nodeOf(path), `${at.label}: ${message}`, hint);
    },
    warn(path, message, hint) {
      at.src.warn(nodeOf(path), `${at.label}: ${message}`, hint);
    },
    mayBeMissing,
  });
  return spoken;
}

function checkRequired(at: MappingAt, fields: Record<string, unknown>, userFields: Record<string, unknown> | undefined, action: ActionDefinition, skip: Set<string>): void {
  for (const [key, def] of Object.entries(action.fields)) {
    if (!def.required || fields[key] !== undefined || skip.has(key)) continue;
    at.src.error(userFields?.[key] === null ? at.here('fields', key) : at.here('fields'), `${at.label}: required field "${key}" (${def.label}) has no value and no default`, `map it, e.g. ${key}: { "@path": "$.properties.${key}" }`);
  }
}

function checkLiterals(at: MappingAt, fields: Record<string, unknown>, action: ActionDefinition): void {
  for (const [key, value] of Object.entries(fields)) {
    const def = action.fields[key];
    if (!def || !isLiteral(value) || value === undefined) continue;
    const bad = literalTypeProblem(def.type, value);
    if (bad) at.src.error(at.here('fields', key), `${at.label}, field "${key}": ${bad.message}`, bad.hint);
  }
}

function literalTypeProblem(type: string, value: unknown): { message: string; hint: string } | undefined {
  const not = JSON.stringify(value);
  switch (type) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : { message: `must be true or false, not ${not}`, hint: 'write true or false without quotes' };
    case 'integer':
      return Number.isInteger(Number(value)) && typeof value !== 'boolean' ? undefined : { message: `must be a whole number, not ${not}`, hint: 'write a whole number, e.g. 250, or map it from the event with { "@path": ... }' };
    case 'object':
      return typeof value === 'object' && !Array.isArray(value) ? undefined : { message: `must be a map of properties, not ${not}`, hint: 'e.g. properties: { plan: { "@path": "$.traits.plan" } }' };
    default:
      return undefined;
  }
}
