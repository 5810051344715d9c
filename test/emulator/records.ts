import { apiError, propertyProblems, validationError, type HubSpotError, type PropertyProblem } from './errors.js';
import { isObject } from './http.js';
import type { ObjectTypeDef } from './object-types.js';
import { LIFECYCLE_STAGES, READ_ONLY } from './property-defs.js';
import { timestampProps, type CrmRecord, type Store } from './store.js';
import { checkValue, coerce } from './values.js';

export interface WritePlan {
  type: ObjectTypeDef;
  existing?: CrmRecord;
  next: Record<string, string>;
  /** Keys the request wrote; a write answer shows them even when cleared. */
  written: string[];
}

/** Unique values already claimed by earlier inputs of the same batch: "prop|value" -> input key. */
export type Claims = Map<string, string>;

const stageRank = (s: string | undefined) => (s ? LIFECYCLE_STAGES.indexOf(s) : -1);

export function conflict(store: Store, t: ObjectTypeDef, prop: string, value: string, existingId: string): HubSpotError {
  if (t.objectTypeId === '0-1' && prop === 'email') return apiError(409, 'CONFLICT', `Contact already exists. Existing ID: ${existingId}`);
  return apiError(409, 'CONFLICT', `A ${t.upperName.toLowerCase()} with ${prop} '${value}' already exists. Existing ID: ${existingId}`);
}

/**
 * Works out what a create (no `existing`) or update would store, without storing it, so a batch
 * can check every input before writing any. Throws the HubSpot error the write would get.
 */
export function planWrite(store: Store, t: ObjectTypeDef, existing: CrmRecord | undefined, rawProps: unknown, claims?: Claims, claimKey = ''): WritePlan {
  if (rawProps !== undefined && !isObject(rawProps)) throw validationError('Invalid input JSON: "properties" must be an object');
  const defs = store.propertiesOf(t.objectTypeId);
  const next: Record<string, string> = { ...(existing?.props ?? {}) };
  const written: string[] = [];
  const problems: PropertyProblem[] = [];
  for (const [name, raw] of Object.entries(rawProps ?? {})) {
    const value = coerce(raw);
    if (value === undefined) {
      throw validationError(`Invalid input JSON on line 1: Cannot deserialize value of type \`java.lang.String\` from ${Array.isArray(raw) ? 'Array' : 'Object'} value (property "${name}")`);
    }
    const def = defs.get(name);
    if (!def || def.archived) {
      problems.push({ name, code: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` });
      continue;
    }
    if (READ_ONLY.has(name)) continue;
    written.push(name);
    if (value === '') {
      delete next[name];
      continue;
    }
    const checked = checkValue(def, value, t.objectTypeId === '0-1' && name === 'email');
    if ('problem' in checked) problems.push(checked.problem);
    else next[name] = checked.ok;
  }
  if (problems.length) throw propertyProblems(store.hubId, problems);

  // HubSpot never moves a contact's lifecycle stage backwards; the write is dropped silently
  // unless the stage was cleared first (what Segment's reset logic relies on).
  const current = existing?.props.lifecyclestage;
  if (t.objectTypeId === '0-1' && current && next.lifecyclestage && stageRank(next.lifecyclestage) < stageRank(current)) {
    next.lifecyclestage = current;
  }

  for (const prop of store.uniqueProperties(t.objectTypeId)) {
    for (const v of store.uniqueValues({ objectTypeId: t.objectTypeId, props: next }, prop)) {
      const owner = store.lookupUnique(t.objectTypeId, prop, v);
      if (owner && owner.id !== existing?.id) throw conflict(store, t, prop, v, owner.id);
      if (!claims) continue;
      const claimed = claims.get(`${prop}|${v}`);
      if (claimed !== undefined && claimed !== claimKey) throw validationError(`Duplicate value '${v}' for unique property ${prop} in batch input`);
      claims.set(`${prop}|${v}`, claimKey);
    }
  }
  return { type: t, existing, next, written };
}

export function commitWrite(store: Store, plan: WritePlan, nowMs = Date.now()): CrmRecord {
  const now = new Date(nowMs).toISOString();
  const { created, modified } = timestampProps(plan.type);
  const id = plan.existing?.id ?? store.newRecordId();
  const props = { ...plan.next, hs_object_id: id, [modified]: now };
  if (!props[created]) props[created] = plan.existing?.createdAt ?? now;
  const rec: CrmRecord = {
    id,
    objectTypeId: plan.type.objectTypeId,
    props,
    createdAt: plan.existing?.createdAt ?? now,
    updatedAt: now,
    archived: false,
    // Bounded: search lag only ever needs the recent past.
    searchHistory: [...(plan.existing?.searchHistory ?? []), { at: nowMs, props }].slice(-20),
  };
  store.putRecord(rec, plan.existing);
  return rec;
}

export interface PublicObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  [extra: string]: unknown;
}

/** A write answer: every stored value, plus the written keys (cleared ones as ""). */
export function presentWritten(rec: CrmRecord, written: string[]): PublicObject {
  const properties: Record<string, string | null> = { ...rec.props };
  for (const k of written) if (!(k in properties)) properties[k] = '';
  return envelope(rec, properties);
}

/** A read answer: the requested (or default) properties, null when unset, plus the ids/timestamps. */
export function presentRead(t: ObjectTypeDef, rec: CrmRecord, requested?: string[], props = rec.props): PublicObject {
  const { created, modified } = timestampProps(t);
  const names = new Set([...(requested?.length ? requested : t.defaultProperties), created, 'hs_object_id', modified]);
  const properties: Record<string, string | null> = {};
  for (const n of names) properties[n] = props[n] ?? null;
  return envelope(rec, properties);
}

function envelope(rec: CrmRecord, properties: Record<string, string | null>): PublicObject {
  return { id: rec.id, properties, createdAt: rec.createdAt, updatedAt: rec.updatedAt, archived: rec.archived };
}

/** Finds a record by id or by a unique idProperty (contacts' email also matches additional emails). */
export function findRecord(store: Store, t: ObjectTypeDef, id: string, idProperty?: string): CrmRecord | undefined {
  if (!idProperty || idProperty === 'hs_object_id') return store.liveRecord(t.objectTypeId, id);
  assertUniqueIdProperty(store, t, idProperty);
  return store.lookupUnique(t.objectTypeId, idProperty, id);
}

/**
 * An idProperty that does not exist gets the PROPERTY_DOESNT_EXIST body (Segment's Upsert Company
 * creates segment_group_id on exactly that answer); an existing non-unique one gets HubSpot's 400.
 */
export function assertUniqueIdProperty(store: Store, t: ObjectTypeDef, idProperty: string): void {
  const def = store.propertiesOf(t.objectTypeId).get(idProperty);
  if (!def || def.archived) throw propertyProblems(store.hubId, [{ name: idProperty, code: 'PROPERTY_DOESNT_EXIST', message: `Property "${idProperty}" does not exist` }]);
  if (!store.uniqueProperties(t.objectTypeId).includes(idProperty)) {
    throw validationError(`Unable to perform update/upsert by non-unique ${t.objectTypeId} property ${idProperty}`);
  }
}
