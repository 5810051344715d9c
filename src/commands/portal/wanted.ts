import type { MappingFile } from '../../mapping/types.js';
import { mapEvent } from '../../mapping/map-event.js';
import type { Sample } from '../../preflight/checks.js';
import type { PortalFacts } from '../../preflight/facts.js';
import { MAPPED, touchesOf, type Touches } from '../../preflight/writes.js';

/** Something the mapping writes that the portal lacks. */
export interface Wanted {
  kind: 'property' | 'event' | 'event property';
  /** The object type, or the event's internal name. */
  owner: string;
  name: string;
  type: string;
  groupName?: string;
  /** Which mapping and field write it, for people. */
  from: string;
  properties?: Array<{ name: string; type: string }>;
}

interface Seen {
  on: 'object' | 'event';
  owner: string;
  prop: string;
  values: unknown[];
  from: string;
}

const MANAGED = new Set(['segment_group_id']);

/** Every property and event each mapping writes, with the values seen (literals, sample payloads). */
function gather(file: MappingFile, samples: Sample[]): { seen: Map<string, Seen>; events: Map<string, string> } {
  const seen = new Map<string, Seen>();
  const events = new Map<string, string>();
  const note = (mapping: string, t: Touches) => {
    for (const e of t.events) if (!events.has(e)) events.set(e, mapping);
    for (const x of t.targets) {
      if (MANAGED.has(x.prop)) continue;
      const key = `${x.on}\u0000${x.owner}\u0000${x.prop}`;
      let s = seen.get(key);
      if (!s) seen.set(key, (s = { on: x.on, owner: x.owner, prop: x.prop, values: [], from: `${mapping}: ${x.field}` }));
      if (x.value !== MAPPED && x.use === 'write') s.values.push(x.value);
    }
  };
  for (const m of file.mappings) {
    note(m.name, touchesOf(m.action.name, m.fields, false));
    for (const s of samples) {
      if (!m.trigger.matches(s.event)) continue;
      const mapped = mapEvent(m, s.event);
      if (mapped.ok) note(m.name, touchesOf(m.action.name, mapped.payload, true));
    }
  }
  return { seen, events };
}

/** HubSpot's property type for the values seen; string when none was seen or they disagree. */
export function inferType(values: unknown[], forEvent: boolean): string {
  const texts = values.filter((v) => v !== undefined && v !== null && v !== '').map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v)));
  if (texts.length === 0) return 'string';
  if (texts.every((t) => t.trim() !== '' && Number.isFinite(Number(t)))) return 'number';
  if (!forEvent && texts.every((t) => /^(true|false)$/i.test(t))) return 'bool';
  if (texts.every((t) => /^\d{4}-\d{2}-\d{2}$/.test(t) || /^\d{4}-\d{2}-\d{2}T00:00:00(\.0+)?Z$/.test(t))) return forEvent ? 'datetime' : 'date';
  if (texts.every((t) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(t) && !Number.isNaN(Date.parse(t)))) return 'datetime';
  return 'string';
}

/** What the mapping (and the samples) write that the portal lacks, and what cannot be created here. */
export async function missingFromPortal(file: MappingFile, samples: Sample[], facts: PortalFacts): Promise<{ items: Wanted[]; skipped: string[] }> {
  const { seen, events } = gather(file, samples);
  const items: Wanted[] = [];
  const skipped = new Set<string>();
  for (const s of seen.values()) {
    if (s.on !== 'object') continue;
    const type = await facts.objectType(s.owner);
    if (!type.ok) {
      skipped.add(`object type "${s.owner}" does not exist in the portal (${s.from}); create the custom object in HubSpot first`);
      continue;
    }
    const props = await facts.properties(s.owner);
    if (!props || props.has(s.prop)) continue;
    const groupName = [...props.values()].find((p) => !p.hubspotDefined && p.groupName)?.groupName ?? [...props.values()].find((p) => p.groupName)?.groupName;
    items.push({ kind: 'property', owner: s.owner, name: s.prop, type: inferType(s.values, false), groupName, from: s.from });
  }
  items.push(...(await missingEvents(seen, events, facts)));
  return { items, skipped: [...skipped] };
}

async function missingEvents(seen: Map<string, Seen>, events: Map<string, string>, facts: PortalFacts): Promise<Wanted[]> {
  const defs = await facts.eventDefinitions();
  if (!defs) return [];
  const out: Wanted[] = [];
  for (const [fqn, mapping] of events) {
    const props = [...seen.values()].filter((s) => s.on === 'event' && s.owner === fqn);
    const def = defs.get(fqn);
    if (!def) {
      out.push({ kind: 'event', owner: fqn, name: fqn, type: 'CONTACT', from: `${mapping}: eventName`, properties: props.map((p) => ({ name: p.prop, type: inferType(p.values, true) })) });
      continue;
    }
    const have = new Set(def.properties.map((p) => p.name));
    for (const p of props) {
      if (!have.has(p.prop) && !(def.includeDefaultProperties && p.prop.startsWith('hs_'))) out.push({ kind: 'event property', owner: fqn, name: p.prop, type: inferType(p.values, true), from: p.from });
    }
  }
  return out;
}
