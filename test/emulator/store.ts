import { STANDARD_TYPES, unknownObjectType, type ObjectTypeDef } from './object-types.js';
import { defaultProperties, DEFAULT_GROUPS, type PropertyDef } from './property-defs.js';
import { STANDARD_ASSOCIATION_TYPES, type AssociationTypeDef } from './association-types.js';
import type { EventCompletion, EventDefinition } from './event-defs.js';

export interface CrmRecord {
  id: string;
  objectTypeId: string;
  /** Stored values; a cleared property is absent, never "". */
  props: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  /** Snapshots by write time, so search can lag behind writes (searchIndexLagMs). */
  searchHistory: Array<{ at: number; props: Record<string, string> }>;
}

export interface AssociationEdge {
  fromType: string;
  fromId: string;
  toType: string;
  toId: string;
  category: string;
  typeId: number;
}

export interface PropertyGroup {
  name: string;
  label: string;
  displayOrder: number;
  archived: boolean;
}

/** Where createdate / last-modified live: HubSpot names them differently per object type. */
export function timestampProps(t: ObjectTypeDef): { created: string; modified: string } {
  if (t.objectTypeId === '0-1') return { created: 'createdate', modified: 'lastmodifieddate' };
  if (t.custom) return { created: 'hs_createdate', modified: 'hs_lastmodifieddate' };
  return { created: 'createdate', modified: 'hs_lastmodifieddate' };
}

/** All CRM and event state of one portal. reset() replaces it with a fresh one. */
export class Store {
  private nextRecordId = 1001;
  private nextCustomTypeId = 100001;
  private nextAssocTypeId = 500;
  private nextEventDefId = 1;
  readonly types = new Map<string, ObjectTypeDef>();
  readonly properties = new Map<string, Map<string, PropertyDef>>();
  readonly groups = new Map<string, Map<string, PropertyGroup>>();
  readonly records = new Map<string, Map<string, CrmRecord>>();
  /** objectTypeId -> property -> lower-cased value -> record id, for unique properties. */
  private readonly uniqueIndex = new Map<string, Map<string, Map<string, string>>>();
  readonly associations = new Map<string, AssociationEdge>();
  readonly associationTypes = new Map<string, AssociationTypeDef[]>();
  readonly eventDefinitions = new Map<string, EventDefinition>();
  readonly completions: EventCompletion[] = [];
  readonly seenEventUuids = new Set<string>();

  constructor(readonly hubId: number) {
    const now = new Date().toISOString();
    for (const t of STANDARD_TYPES) this.addType({ ...t, aliases: [...t.aliases] }, defaultProperties(t.objectTypeId, now));
    for (const [from, to, defs] of STANDARD_ASSOCIATION_TYPES) this.associationTypes.set(`${from}|${to}`, defs.map((d) => ({ ...d })));
    for (const [typeId, group] of Object.entries(DEFAULT_GROUPS)) {
      this.groups.get(typeId)!.set(group, { name: group, label: group.replace('information', ' information'), displayOrder: -1, archived: false });
    }
  }

  addType(t: ObjectTypeDef, props: PropertyDef[]): void {
    this.types.set(t.objectTypeId, t);
    this.properties.set(t.objectTypeId, new Map(props.map((p) => [p.name, p])));
    this.groups.set(t.objectTypeId, new Map());
    this.records.set(t.objectTypeId, new Map());
    this.uniqueIndex.set(t.objectTypeId, new Map());
  }

  newRecordId(): string {
    return String(this.nextRecordId++);
  }
  newCustomTypeNumber(): number {
    return this.nextCustomTypeId++;
  }
  newAssociationTypeId(): number {
    return this.nextAssocTypeId++;
  }
  newEventDefinitionId(): string {
    return String(this.nextEventDefId++);
  }

  /** Accepts 'contacts', 'contact', '0-1', '2-100001', 'p1234567_car' (case-insensitive). */
  findType(raw: string): ObjectTypeDef | undefined {
    const key = raw.toLowerCase();
    for (const t of this.types.values()) if (t.aliases.includes(key)) return t;
    return undefined;
  }

  type(raw: string): ObjectTypeDef {
    const t = this.findType(raw);
    if (!t) throw unknownObjectType(raw);
    return t;
  }

  propertiesOf(objectTypeId: string): Map<string, PropertyDef> {
    return this.properties.get(objectTypeId)!;
  }

  recordsOf(objectTypeId: string): Map<string, CrmRecord> {
    return this.records.get(objectTypeId)!;
  }

  /** Properties whose values identify one record: email on contacts plus any hasUniqueValue property. */
  uniqueProperties(objectTypeId: string): string[] {
    const names = [...this.propertiesOf(objectTypeId).values()].filter((p) => p.hasUniqueValue).map((p) => p.name);
    return objectTypeId === '0-1' ? ['email', ...names] : names;
  }

  /** Values a record claims for a unique property; a contact's additional emails count as its emails. */
  uniqueValues(rec: { objectTypeId: string; props: Record<string, string> }, prop: string): string[] {
    const v = rec.props[prop];
    const out = v ? [v.toLowerCase()] : [];
    if (rec.objectTypeId === '0-1' && prop === 'email' && rec.props.hs_additional_emails) {
      out.push(...rec.props.hs_additional_emails.split(';').map((s) => s.trim().toLowerCase()).filter(Boolean));
    }
    return out;
  }

  lookupUnique(objectTypeId: string, prop: string, value: string): CrmRecord | undefined {
    const id = this.uniqueIndex.get(objectTypeId)!.get(prop)?.get(value.toLowerCase());
    return id ? this.recordsOf(objectTypeId).get(id) : undefined;
  }

  private index(rec: CrmRecord, add: boolean): void {
    if (rec.archived) return;
    const byProp = this.uniqueIndex.get(rec.objectTypeId)!;
    for (const prop of this.uniqueProperties(rec.objectTypeId)) {
      let m = byProp.get(prop);
      if (!m) byProp.set(prop, (m = new Map()));
      for (const v of this.uniqueValues(rec, prop)) {
        if (add) m.set(v, rec.id);
        else if (m.get(v) === rec.id) m.delete(v);
      }
    }
  }

  putRecord(rec: CrmRecord, previous?: CrmRecord): void {
    if (previous) this.index(previous, false);
    this.recordsOf(rec.objectTypeId).set(rec.id, rec);
    this.index(rec, true);
  }

  /** A property became unique after records existed: index the values already stored. */
  reindex(objectTypeId: string): void {
    this.uniqueIndex.set(objectTypeId, new Map());
    for (const rec of this.recordsOf(objectTypeId).values()) this.index(rec, true);
  }

  archiveRecord(rec: CrmRecord): void {
    this.index(rec, false);
    rec.archived = true;
    for (const [k, e] of this.associations) {
      if ((e.fromType === rec.objectTypeId && e.fromId === rec.id) || (e.toType === rec.objectTypeId && e.toId === rec.id)) this.associations.delete(k);
    }
  }

  liveRecord(objectTypeId: string, id: string): CrmRecord | undefined {
    const r = this.recordsOf(objectTypeId).get(id);
    return r && !r.archived ? r : undefined;
  }
}
