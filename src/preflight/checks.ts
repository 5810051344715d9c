import type { Mapping, MappingFile } from '../mapping/types.js';
import { closest } from '../mapping/problems.js';
import { mapEvent } from '../mapping/map-event.js';
import { ProblemList, type Where } from './problems.js';
import { type PortalFacts } from './facts.js';
import { neededScopes } from './scopes.js';
import { valueProblem } from './values.js';
import { MAPPED, touchesOf, type Target, type Touches } from './writes.js';

/** Managed by Upsert Company itself: created on first use. */
const ACTION_MANAGED = new Set(['segment_group_id']);

/** A sample event, where it came from. */
export interface Sample {
  file: string;
  line: number;
  event: unknown;
}

/**
 * The checks made before the first write, shared by `send --plan` and a live `send`: from the
 * mapping alone (its literal keys and values), then from sample events (mapped keys and values),
 * and in plan mode from every write the plan makes. Problems are grouped: one per cause.
 */
export class Preflight {
  readonly problems = new ProblemList();

  constructor(
    readonly file: MappingFile,
    readonly facts: PortalFacts,
  ) {}

  async checkMappings(): Promise<void> {
    await this.checkHubId();
    for (const m of this.file.mappings) {
      const t = touchesOf(m.action.name, m.fields, false);
      await this.checkScopes(m, t);
      await this.checkTouches(m.name, t, undefined);
    }
  }

  async checkSamples(samples: Sample[]): Promise<void> {
    for (const s of samples) {
      for (const m of this.file.mappings) {
        if (!m.trigger.matches(s.event)) continue;
        const mapped = mapEvent(m, s.event);
        if (mapped.ok) await this.checkTouches(m.name, touchesOf(m.action.name, mapped.payload, true), [s]);
      }
    }
  }

  /** A write the plan would make (record properties, or an event's). */
  async checkWrite(mapping: string, on: Target['on'], owner: string, props: Record<string, unknown>, where: Where[]): Promise<void> {
    const targets = Object.entries(props).map(([prop, value]): Target => ({ on, owner, prop, value, use: 'write', field: `properties.${prop}` }));
    if (on === 'event') await this.checkEvent(mapping, owner, targets, where);
    else if ((await this.facts.objectType(owner)).ok) await this.checkObjectTargets(mapping, owner, targets, where);
  }

  private async checkHubId(): Promise<void> {
    const want = this.file.settings.hubId;
    if (!want) return;
    const have = await this.facts.hubId();
    if (have !== undefined && String(have) !== String(want).trim()) {
      this.problems.add({ kind: 'hub-id', message: `settings.hubId is ${want}, but the token is for portal ${have}`, hint: 'log in to the portal the mapping is for, or correct settings.hubId', fatal: true });
    }
  }

  private async checkScopes(m: Mapping, t: Touches): Promise<void> {
    const granted = this.facts.token.scopes;
    if (!granted) {
      this.problems.add({ kind: 'portal', message: "could not read the token's scopes; they were not checked", fatal: false }, undefined, 'scopes');
      return;
    }
    const missing = (await neededScopes(t, this.facts)).filter((s) => !granted.includes(s));
    if (missing.length === 0) return;
    this.problems.add({
      kind: 'scope',
      mapping: m.name,
      message: `the token lacks ${missing.join(', ')}, which ${m.action.title} needs here: HubSpot would refuse every event (403 MISSING_SCOPES)`,
      hint: "add the scopes to the app (or service key) and log in again; `hubspot-actions auth status` lists the token's scopes",
      fatal: true,
    });
  }

  private async checkTouches(mapping: string, t: Touches, samples: Sample[] | undefined): Promise<void> {
    const fromMapping = samples === undefined;
    for (const o of t.objectTypes) {
      const known = await this.facts.objectType(o.name);
      if (known.ok) continue;
      const near = closest(o.name, known.known);
      this.problems.add({ kind: 'object-type', mapping, message: `${o.field}: the portal has no object type "${o.name}"`, hint: near ? `did you mean ${near}?` : known.known.length ? `its custom objects: ${known.known.join(', ')}` : 'the portal has no custom objects; `hubspot-actions portal objects` lists them', fatal: fromMapping }, samples, `${o.field}=${o.name}`);
    }
    for (const l of t.labels) await this.checkLabel(mapping, l, samples);
    const byOwner = new Map<string, Target[]>(t.events.map((e) => [`event\u0000${e}`, []]));
    for (const target of t.targets) byOwner.set(`${target.on}\u0000${target.owner}`, [...(byOwner.get(`${target.on}\u0000${target.owner}`) ?? []), target]);
    for (const [key, targets] of byOwner) {
      const [on, owner] = key.split('\u0000') as [Target['on'], string];
      if (on === 'event') await this.checkEvent(mapping, owner, targets, samples, fromMapping);
      else if ((await this.facts.objectType(owner)).ok) await this.checkObjectTargets(mapping, owner, targets, samples, fromMapping);
    }
  }

  private async checkLabel(mapping: string, l: Touches['labels'][number], samples: Sample[] | undefined): Promise<void> {
    if (!(await this.facts.objectType(l.from)).ok || !(await this.facts.objectType(l.to)).ok) return;
    const labels = await this.facts.labels(l.from, l.to);
    if (!labels) return;
    const [category, typeId] = l.label.split(':');
    if (labels.some((x) => x.category === category && x.typeId === Number(typeId))) return;
    const list = labels.map((x) => `${x.category}:${x.typeId}${x.label ? ` (${x.label})` : ''}`).join(', ');
    this.problems.add({ kind: 'association-label', mapping, message: `associationLabel ${l.label} is not an association type from ${l.from} to ${l.to}`, hint: `the portal's ${l.from} → ${l.to} types: ${list || 'none'}`, fatal: samples === undefined }, samples, `${l.from}>${l.to}:${l.label}`);
  }

  private async checkObjectTargets(mapping: string, owner: string, targets: Target[], where: Where[] | undefined, fromMapping = false): Promise<void> {
    const props = await this.facts.properties(owner);
    if (!props) return;
    for (const t of targets) {
      if (ACTION_MANAGED.has(t.prop)) continue;
      const def = props.get(t.prop);
      if (!def) {
        const near = closest(t.prop, [...props.keys()]);
        const what = t.use === 'search' ? 'searches on' : 'writes';
        this.problems.add({ kind: 'property', mapping, message: `${t.field}: ${owner} has no property "${t.prop}" (the mapping ${what} it)`, hint: near ? `did you mean ${near}? Or create it: \`hubspot-actions portal create-properties -m ${this.file.path}\`` : `create it: \`hubspot-actions portal create-properties -m ${this.file.path}\`, or \`hubspot-actions portal properties ${owner}\` lists what exists`, fatal: fromMapping }, where, `${owner}.${t.prop}`);
        continue;
      }
      if (t.use === 'write' && (def.readOnly || def.calculated)) {
        this.problems.add({ kind: 'read-only', mapping, message: `${t.field}: ${owner}.${t.prop} is ${def.calculated ? 'calculated' : 'read-only'}; HubSpot refuses writes to it`, hint: 'remove it from the mapping', fatal: fromMapping }, where, `${owner}.${t.prop}`);
        continue;
      }
      if (t.value === MAPPED || t.use === 'search') continue;
      const bad = valueProblem(def, t.value);
      if (bad) this.problems.add({ kind: 'value', mapping, message: `${t.field}: ${bad}`, fatal: fromMapping }, where, `${owner}.${t.prop}`);
    }
  }

  private async checkEvent(mapping: string, eventName: string, targets: Target[], where: Where[] | undefined, fromMapping = false): Promise<void> {
    const defs = await this.facts.eventDefinitions();
    if (!defs) return;
    const def = defs.get(eventName);
    if (!def) {
      const near = closest(eventName, [...defs.keys()]);
      this.problems.add({ kind: 'event-definition', mapping, message: `eventName: the portal has no event definition "${eventName}"`, hint: near ? `did you mean ${near}?` : `create it: \`hubspot-actions portal create-properties -m ${this.file.path}\`; \`hubspot-actions portal events\` lists what exists`, fatal: fromMapping }, where, eventName);
      return;
    }
    const names = new Set(def.properties.map((p) => p.name));
    for (const t of targets) {
      if (names.has(t.prop) || (def.includeDefaultProperties && t.prop.startsWith('hs_'))) continue;
      const near = closest(t.prop, [...names]);
      this.problems.add({ kind: 'event-property', mapping, message: `${t.field}: event ${eventName} has no property "${t.prop}"`, hint: near ? `did you mean ${near}?` : `create it: \`hubspot-actions portal create-properties -m ${this.file.path}\``, fatal: fromMapping }, where, `${eventName}.${t.prop}`);
    }
  }
}
