import { apiError, validationError } from './errors.js';
import { isObject } from './http.js';
import { PRIMARY_TYPE_IDS, type AssociationTypeDef } from './association-types.js';
import type { ObjectTypeDef } from './object-types.js';
import type { AssociationEdge, Store } from './store.js';

export const pairKey = (from: string, to: string) => `${from}|${to}`;

export function typesBetween(store: Store, from: string, to: string): AssociationTypeDef[] {
  return store.associationTypes.get(pairKey(from, to)) ?? [];
}

/** The unlabeled type is the pair's default ("associate/default"). */
export function defaultType(store: Store, from: ObjectTypeDef, to: ObjectTypeDef): AssociationTypeDef {
  const d = typesBetween(store, from.objectTypeId, to.objectTypeId).find((t) => t.label === null);
  if (!d) throw validationError(`No default association type exists between ${from.objectTypeId} and ${to.objectTypeId}`);
  return d;
}

export function typeById(store: Store, from: ObjectTypeDef, to: ObjectTypeDef, category: unknown, typeId: unknown): AssociationTypeDef {
  const def = typesBetween(store, from.objectTypeId, to.objectTypeId).find((t) => t.typeId === Number(typeId) && t.category === category);
  if (!def) {
    throw validationError(`${from.objectTypeId} to ${to.objectTypeId} association type ${String(category)}:${String(typeId)} is not valid`);
  }
  return def;
}

/** Defines a label (or the unlabeled default) for a pair and its inverse; returns the forward type. */
export function defineAssociationType(store: Store, from: string, to: string, label: string | null, name: string, inverseLabel?: string | null): AssociationTypeDef {
  const typeId = store.newAssociationTypeId();
  const inverseTypeId = from === to && inverseLabel === undefined ? typeId : store.newAssociationTypeId();
  const forward: AssociationTypeDef = { category: 'USER_DEFINED', typeId, inverseTypeId, label, name };
  push(store, from, to, forward);
  if (inverseTypeId !== typeId) {
    push(store, to, from, { category: 'USER_DEFINED', typeId: inverseTypeId, inverseTypeId: typeId, label: inverseLabel ?? label, name: `${name}_inverse` });
  }
  return forward;
}

function push(store: Store, from: string, to: string, def: AssociationTypeDef): void {
  const k = pairKey(from, to);
  store.associationTypes.set(k, [...(store.associationTypes.get(k) ?? []), def]);
}

/** Makes sure a pair has an unlabeled default, as HubSpot pairs always do once defined. */
export function ensureDefault(store: Store, from: string, to: string): void {
  if (!typesBetween(store, from, to).some((t) => t.label === null)) defineAssociationType(store, from, to, null, `${from}_to_${to}`.replace(/-/g, '_'), null);
}

const edgeKey = (e: AssociationEdge) => `${e.fromType}|${e.fromId}|${e.toType}|${e.toId}|${e.category}|${e.typeId}`;

function put(store: Store, e: AssociationEdge): void {
  store.associations.set(edgeKey(e), e);
}

/**
 * Stores an association from both sides. A labelled association always comes with the pair's
 * unlabeled one (HubSpot lists both type ids); a new primary replaces the old primary.
 */
export function associate(store: Store, from: ObjectTypeDef, fromId: string, to: ObjectTypeDef, toId: string, def: AssociationTypeDef): void {
  const defs = def.label === null ? [def] : [defaultType(store, from, to), def];
  for (const d of defs) {
    if (PRIMARY_TYPE_IDS.has(d.typeId)) removeType(store, from.objectTypeId, fromId, to.objectTypeId, d);
    const inverse = typesBetween(store, to.objectTypeId, from.objectTypeId).find((t) => t.typeId === d.inverseTypeId);
    if (inverse && PRIMARY_TYPE_IDS.has(inverse.typeId)) removeType(store, to.objectTypeId, toId, from.objectTypeId, inverse);
    put(store, { fromType: from.objectTypeId, fromId, toType: to.objectTypeId, toId, category: d.category, typeId: d.typeId });
    put(store, { fromType: to.objectTypeId, fromId: toId, toType: from.objectTypeId, toId: fromId, category: d.category, typeId: d.inverseTypeId });
  }
}

function removeType(store: Store, fromType: string, fromId: string, toType: string, d: AssociationTypeDef): void {
  for (const [k, e] of store.associations) {
    if (e.fromType === fromType && e.fromId === fromId && e.toType === toType && e.typeId === d.typeId) {
      store.associations.delete(k);
      store.associations.delete(edgeKey({ fromType: toType, fromId: e.toId, toType: fromType, toId: fromId, category: e.category, typeId: d.inverseTypeId }));
    }
  }
}

/** Removes every association between two records (both sides), or only the given type ids. */
export function dissociate(store: Store, fromType: string, fromId: string, toType: string, toId: string, typeIds?: number[]): void {
  const defs = typesBetween(store, fromType, toType).filter((d) => !typeIds || typeIds.includes(d.typeId));
  const forwardIds = new Set(defs.map((d) => d.typeId));
  const backIds = new Set(defs.map((d) => d.inverseTypeId));
  for (const [k, e] of store.associations) {
    const forward = e.fromType === fromType && e.fromId === fromId && e.toType === toType && e.toId === toId && forwardIds.has(e.typeId);
    const back = e.fromType === toType && e.fromId === toId && e.toType === fromType && e.toId === fromId && backIds.has(e.typeId);
    if (forward || back) store.associations.delete(k);
  }
}

/** toId -> the association types from one record to records of another type. */
export function associationsFrom(store: Store, fromType: string, fromId: string, toType: string): Map<string, AssociationTypeDef[]> {
  const defs = typesBetween(store, fromType, toType);
  const out = new Map<string, AssociationTypeDef[]>();
  for (const e of store.associations.values()) {
    if (e.fromType !== fromType || e.fromId !== fromId || e.toType !== toType) continue;
    const def = defs.find((d) => d.typeId === e.typeId && d.category === e.category);
    if (def) out.set(e.toId, [...(out.get(e.toId) ?? []), def]);
  }
  return out;
}

export const noRecord = (t: ObjectTypeDef, id: string) =>
  apiError(404, 'OBJECT_NOT_FOUND', `No ${t.upperName.toLowerCase()} with ID ${id} exists`, { context: { id: [id] } });

/**
 * Resolves the inline `associations` of a create body. The target type is implied by the type id,
 * as in HubSpot's API; checked before the record is written so a bad one writes nothing.
 */
export function resolveInline(store: Store, from: ObjectTypeDef, raw: unknown): Array<{ to: ObjectTypeDef; toId: string; def: AssociationTypeDef }> {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw validationError('Invalid input JSON: "associations" must be an array');
  const out: Array<{ to: ObjectTypeDef; toId: string; def: AssociationTypeDef }> = [];
  for (const a of raw) {
    const toId = isObject(a) && isObject(a.to) ? String(a.to.id ?? '') : '';
    const types = isObject(a) && Array.isArray(a.types) ? a.types.filter(isObject) : [];
    if (!toId || types.length === 0) throw validationError('Each association needs "to.id" and at least one entry in "types"');
    for (const ty of types) {
      const match = [...store.associationTypes].find(
        ([k, defs]) => k.startsWith(`${from.objectTypeId}|`) && defs.some((d) => d.typeId === Number(ty.associationTypeId) && d.category === ty.associationCategory),
      );
      if (!match) throw validationError(`association type ${String(ty.associationCategory)}:${String(ty.associationTypeId)} is not valid for ${from.objectTypeId}`);
      const to = store.types.get(match[0].split('|')[1]!)!;
      if (!store.liveRecord(to.objectTypeId, toId)) {
        throw validationError(`${to.upperName} ${toId} does not exist, so it cannot be associated`, { context: { id: [toId] } });
      }
      out.push({ to, toId, def: match[1].find((d) => d.typeId === Number(ty.associationTypeId))! });
    }
  }
  return out;
}
