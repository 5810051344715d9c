import { isDeepStrictEqual } from 'node:util';
import { Document, isScalar, visit, type YAMLMap } from 'yaml';
import { actions, isActionName } from '../../actions/index.js';
import { MAX_MAPPINGS } from '../../mapping/mapping-file.js';
import type { ActionName } from '../../model.js';

/** One subscription as Segment exports it (Public API) or lists it (a plain list). */
interface Subscription {
  name: string;
  action: string;
  trigger?: string;
  enabled: boolean;
  fields: Record<string, unknown>;
  /** Where it is in the input, for messages: `data.subscriptions[3]`. */
  at: string;
}

export interface Converted {
  yaml: string;
  mappings: number;
  /** Subscriptions not carried over, each with why. */
  skipped: Array<{ at: string; name: string; action: string; reason: string }>;
  /** Fields left out, each with why. */
  dropped: Array<{ at: string; name: string; field: string; reason: string }>;
}

export class ImportError extends Error {}

const obj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** The subscriptions of a Public API export (`{data: {subscriptions}}`, or `{subscriptions}`) or of a plain list. */
function subscriptionsOf(input: unknown): Subscription[] {
  const list = Array.isArray(input) ? input : obj(input) && obj(input.data) && Array.isArray(input.data.subscriptions) ? input.data.subscriptions : obj(input) && Array.isArray(input.subscriptions) ? input.subscriptions : undefined;
  if (!list) throw new ImportError('expected Segment\'s export `{"data": {"subscriptions": [...]}}` or a list of `{name, partnerAction, subscribe, mapping}`');
  const where = Array.isArray(input) ? '' : obj(input) && obj(input.data) ? 'data.subscriptions' : 'subscriptions';
  return list.map((s, i) => {
    const at = `${where}[${i}]`;
    if (!obj(s)) throw new ImportError(`${at}: not an object`);
    const action = s.actionSlug ?? s.partnerAction ?? s.action;
    if (typeof action !== 'string') throw new ImportError(`${at}: no actionSlug or partnerAction says which action it is`);
    const fields = s.settings ?? s.mapping ?? {};
    if (!obj(fields)) throw new ImportError(`${at}: its ${s.settings !== undefined ? 'settings' : 'mapping'} is not an object of fields`);
    const trigger = s.trigger ?? s.subscribe;
    if (trigger !== undefined && typeof trigger !== 'string') throw new ImportError(`${at}: its trigger is not an FQL string`);
    return { name: typeof s.name === 'string' && s.name.trim() ? s.name.trim() : `${action} ${i + 1}`, action, trigger, enabled: s.enabled !== false, fields, at };
  });
}

/** The fields worth writing: those that differ from the action's default, and that the action knows. */
function fieldsToKeep(action: ActionName, s: Subscription, dropped: Converted['dropped']): Record<string, unknown> {
  const defs = actions[action].fields;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s.fields)) {
    if (k === '__segment_internal_sync_mode' || v === undefined) continue;
    const def = defs[k];
    if (!def) {
      dropped.push({ at: s.at, name: s.name, field: k, reason: `${action} has no field "${k}"` });
      continue;
    }
    if (isDeepStrictEqual(v, def.default)) continue;
    // Segment keeps an emptied default as null or '' : null turns our default off the same way.
    out[k] = v === '' && def.default !== undefined ? null : v;
  }
  return out;
}

function uniqueName(name: string, used: Set<string>): string {
  let n = name;
  for (let i = 2; used.has(n); i++) n = `${name} (${i})`;
  used.add(n);
  return n;
}

/** Segment's subscriptions as our mapping file: the four actions' subscriptions, in order. */
export function convertSubscriptions(input: unknown, source: string, hubId?: string): Converted {
  const skipped: Converted['skipped'] = [];
  const dropped: Converted['dropped'] = [];
  const used = new Set<string>();
  const doc = new Document({ version: 1, ...(hubId ? { settings: { hubId } } : {}), mappings: [] as unknown[] });
  const list = doc.get('mappings') as unknown as { add(v: unknown): void };
  let count = 0;
  for (const s of subscriptionsOf(input)) {
    if (!isActionName(s.action)) {
      skipped.push({ at: s.at, name: s.name, action: s.action, reason: `${s.action} is not one of the four actions this tool runs (upsertContact, upsertCompany, upsertCustomObjectRecord, sendCustomBehavioralEvent)` });
      continue;
    }
    if (count >= MAX_MAPPINGS) {
      skipped.push({ at: s.at, name: s.name, action: s.action, reason: `more than ${MAX_MAPPINGS} mappings (Segment's limit too)` });
      continue;
    }
    const m: Record<string, unknown> = { name: uniqueName(s.name, used), action: s.action };
    if (s.trigger !== undefined) m.trigger = s.trigger;
    if (!s.enabled) m.enabled = false;
    const fields = fieldsToKeep(s.action, s, dropped);
    if (Object.keys(fields).length) m.fields = fields;
    const node = doc.createNode(m) as YAMLMap;
    if (count > 0) node.spaceBefore = true;
    node.commentBefore = ` from ${s.at}${s.enabled ? '' : ' (disabled in Segment)'}`;
    readable(node);
    list.add(node);
    count++;
  }
  doc.commentBefore = header(source, skipped);
  return { yaml: doc.toString({ lineWidth: 0 }), mappings: count, skipped, dropped };
}

/** Directives on one line (`{ "@path": "$.traits.plan" }`) and triggers in single quotes, as people write them. */
function readable(node: YAMLMap): void {
  visit(node, {
    Map(_, m) {
      if (m.items.some((i) => isScalar(i.key) && String(i.key.value).startsWith('@'))) m.flow = true;
    },
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === 'trigger' && isScalar(pair.value) && !String(pair.value.value).includes("'")) pair.value.type = 'QUOTE_SINGLE';
    },
  });
}

function header(source: string, skipped: Converted['skipped']): string {
  const lines = [
    ` hubspot-actions mapping file, imported from Segment's subscriptions in ${source}.`,
    ' Triggers and directives are Segment\'s, unchanged; fields equal to the action\'s default are left out.',
    ' Check it: hubspot-actions validate <this file>; try it: hubspot-actions send sample.ndjson -m <this file> --plan',
  ];
  if (skipped.length) lines.push(' Not imported:', ...skipped.map((s) => `   ${s.at} "${s.name}" (${s.action}): ${s.reason}`));
  return lines.join('\n');
}
