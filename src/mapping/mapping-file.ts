import { readFileSync } from 'node:fs';
import { isAlias, isMap, isSeq, type Node } from 'yaml';
import type { DestinationSettings } from '../actions/types.js';
import { API_VERSIONS, isApiVersion } from '../actions/index.js';
import { checkKeys, readMapping } from './mapping-checks.js';
import type { Problem } from './problems.js';
import type { Mapping, MappingFile } from './types.js';
import { parseYaml, type YamlSource } from './yaml-source.js';

/** Segment allows at most 50 mappings (subscriptions) per destination. */
export const MAX_MAPPINGS = 50;

export type { Mapping, MappingFile } from './types.js';

/** `problems` make the file unusable; `warnings` are said but do not stop a run. */
export interface LoadedMapping {
  file?: MappingFile;
  problems: Problem[];
  warnings: Problem[];
}

const TOP_KEYS = ['version', 'settings', 'mappings'];
const SETTING_KEYS = ['hubId', 'apiVersion'];

/** Reads and checks a mapping file; every problem is collected, with its line and column. */
export function loadMappingFile(path: string): LoadedMapping {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { problems: [{ file: path, line: 1, col: 1, message: `cannot read the mapping file (${code ?? String(err)})`, hint: 'check the path given to --mapping' }], warnings: [] };
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return notAMapping(path, 1, 'this is a gzip file (an events export?), not a mapping file');
  return parseMappingText(path, bytes.toString('utf8'));
}

export function parseMappingText(path: string, text: string): LoadedMapping {
  const eventLine = firstEventLine(text);
  if (eventLine) return notAMapping(path, eventLine, 'this is a file of Segment events (NDJSON), not a mapping file');
  const src = parseYaml(path, text);
  if (src.broken) return { problems: src.problems, warnings: [] };
  const file = readFile(src);
  return src.problems.length || !file ? { problems: src.problems, warnings: src.warnings } : { file, problems: [], warnings: src.warnings };
}

const WHICH_IS_WHICH = 'the mapping file is the YAML one: `hubspot-actions validate mappings.yaml`; events go to `hubspot-actions send events.ndjson -m mappings.yaml --dry-run`';

function notAMapping(path: string, line: number, message: string): LoadedMapping {
  return { problems: [{ file: path, line, col: 1, message, hint: WHICH_IS_WHICH }], warnings: [] };
}

/**
 * A JSON object with a Segment event's keys on the first non-blank line: an events file given
 * where the mapping belongs. (A mapping file written as JSON has `version` and `mappings`.)
 */
function firstEventLine(text: string): number | undefined {
  const lines = text.slice(0, 1 << 20).split('\n');
  const i = lines.findIndex((l) => l.trim() !== '');
  if (i < 0 || !lines[i]!.trimStart().startsWith('{')) return undefined;
  try {
    const first = JSON.parse(lines[i]!);
    const isEvent = first && typeof first === 'object' && !('mappings' in first) && ['type', 'event', 'messageId', 'userId', 'anonymousId'].some((k) => k in first);
    return isEvent ? i + 1 : undefined;
  } catch {
    return undefined;
  }
}

function readFile(src: YamlSource): MappingFile | undefined {
  const root = src.doc.contents;
  if (!isMap(root)) {
    src.error(root, 'the mapping file must be a YAML map with `version`, `settings` and `mappings`', 'start from mappings.example.yaml');
    return undefined;
  }
  checkKeys(src, [], TOP_KEYS, (key) => `unknown top-level key "${key}"`);
  const data = src.data as Record<string, unknown>;
  if (data.version !== 1) {
    const message = data.version === undefined ? 'missing `version: 1`' : `unsupported version ${JSON.stringify(data.version)}`;
    src.error(src.node(['version']) ?? root, message, 'this tool reads mapping files with `version: 1`');
  }
  const settings = readSettings(src, data.settings);
  const seq = src.node(['mappings']);
  if (!isSeq(seq)) {
    src.error(seq ?? root, '`mappings` must be a list of mappings', 'see mappings.example.yaml');
    return undefined;
  }
  if (seq.items.length > MAX_MAPPINGS) {
    src.error(seq.items[MAX_MAPPINGS] as Node, `there are ${seq.items.length} mappings; Segment allows at most ${MAX_MAPPINGS}`, 'merge mappings with the same action, or split the file and run it twice');
  }
  const list = data.mappings as unknown[];
  const mappings: Mapping[] = [];
  const names = new Map<string, number>();
  list.forEach((plain, i) => {
    const name = (plain as Record<string, unknown> | null)?.name;
    if (typeof name === 'string' && name) {
      // A mapping repeated through an alias is pointed at where it is repeated.
      const where = isAlias(seq.items[i]) ? (seq.items[i] as Node) : src.node(['mappings', i, 'name']);
      if (names.has(name)) src.error(where, `duplicate mapping name "${name}" (first used on line ${names.get(name)})`, 'each mapping needs its own name: it labels every request and error');
      else names.set(name, src.lineOf(seq.items[i] as Node));
    }
    const m = readMapping(src, i, plain, settings);
    if (m?.enabled) mappings.push(m.mapping);
  });
  return { path: src.path, settings, mappings };
}

function readSettings(src: YamlSource, value: unknown): DestinationSettings {
  if (value === undefined || value === null) return {};
  const node = src.node(['settings']);
  if (typeof value !== 'object' || Array.isArray(value)) {
    src.error(node, '`settings` must be a map', 'e.g. settings: { hubId: "1234567" }');
    return {};
  }
  checkKeys(src, ['settings'], SETTING_KEYS, (key) => `unknown setting "${key}"`);
  const apiVersion = readApiVersion(src, (value as Record<string, unknown>).apiVersion);
  const hubId = (value as Record<string, unknown>).hubId;
  if (hubId === undefined || hubId === null) return { ...apiVersion };
  if (!/^\d+$/.test(String(hubId))) {
    src.error(src.node(['settings', 'hubId']), `hubId must be the portal's numeric Hub ID, not ${JSON.stringify(hubId)}`, 'find it in HubSpot under the account menu, or with `hubspot-actions auth status`');
    return { ...apiVersion };
  }
  return { hubId: String(hubId), ...apiVersion };
}

/** `settings.apiVersion`: HubSpot's API family the file's runs send to (`--api-version` wins). */
function readApiVersion(src: YamlSource, v: unknown): Pick<DestinationSettings, 'apiVersion'> {
  if (v === undefined || v === null) return {};
  if (isApiVersion(v)) return { apiVersion: v };
  src.error(src.node(['settings', 'apiVersion']), `apiVersion must be one of ${API_VERSIONS.join(', ')}, not ${JSON.stringify(v)}`, 'v3 (the default) or 2026-03 (HubSpot\'s date-versioned paths)');
  return {};
}
