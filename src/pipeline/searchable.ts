import { movesKey, objectName } from '../actions/shared/keys.js';
import type { Movers } from '../actions/types.js';
import type { Searchable, SearchedProperty } from '../actions/shared/searched.js';
import type { Mapping } from '../mapping/types.js';

/**
 * The object types some mapping may give a new value of a property the run searches by, a value
 * its ops did not find the record by (ActionDefinition.moves), and those whose records the mappings
 * find by more than one property (ActionDefinition.finds): only their finders need a sequence.
 */
export function movableIn(mappings: readonly Pick<Mapping, 'action' | 'fields'>[], searchable: Searchable): (objectType: string) => boolean {
  const types = new Set<string>();
  let anyType = false;
  for (const m of mappings) {
    const moved = movedBy(m, searchable);
    if (moved === 'any') anyType = true;
    else for (const t of moved) types.add(t);
  }
  // Found by two properties, one record may be reached by ops whose keys share nothing.
  const finders = new Map<string, Set<string | undefined>>();
  for (const f of mappings.flatMap((m) => m.action.finds?.(m.fields) ?? [])) {
    if (f.objectType === undefined) {
      anyType = true;
      continue;
    }
    const type = objectName(f.objectType);
    const by = finders.get(type) ?? new Set();
    finders.set(type, by.add(f.property));
    if (by.size > 1 || f.property === undefined) types.add(type);
  }
  return (objectType) => anyType || types.has(objectName(objectType));
}

/**
 * The object types (objectName's) whose records one mapping may move away from a value the run
 * searches by; 'any' when a directive decides the type per event.
 */
export function movedBy(mapping: Pick<Mapping, 'action' | 'fields'>, searchable: Searchable): readonly string[] | 'any' {
  const types = new Set<string>();
  for (const m of mapping.action.moves?.(mapping.fields) ?? []) {
    if (m.objectType === undefined) return 'any';
    const type = objectName(m.objectType);
    if (m.property === undefined || searchable(type, m.property)) types.add(type);
  }
  return [...types];
}

/**
 * What the mappings may move (movableIn, movedBy) as the plan stage and the actions use it: the
 * moves keys each mapping's ops write, and those a finder of a type reads (keys.ts movesKey).
 */
export function moversIn(mappings: readonly Pick<Mapping, 'action' | 'fields'>[], searchable: Searchable): Movers & { writes(mapping: Pick<Mapping, 'action' | 'fields'>): readonly string[] } {
  const writes = new Map<Pick<Mapping, 'action' | 'fields'>, readonly string[]>();
  const byType = new Map<string, Set<string>>();
  const anyType = new Set<string>();
  for (const m of mappings) {
    const moved = movedBy(m, searchable);
    const action = m.action.name;
    if (moved === 'any') anyType.add(action);
    else for (const t of moved) byType.set(t, (byType.get(t) ?? new Set()).add(action));
    writes.set(m, moved === 'any' ? [movesKey('*', action)] : moved.map((t) => movesKey(t, action)));
  }
  const movable = movableIn(mappings, searchable);
  return {
    movable,
    writes: (m) => writes.get(m) ?? [],
    reads: (objectType, except) => {
      const type = objectName(objectType);
      const keys = [...(byType.get(type) ?? [])].filter((a) => a !== except).map((a) => movesKey(type, a));
      for (const a of anyType) if (a !== except) keys.push(movesKey('*', a));
      return keys;
    },
  };
}

/** Contacts are found by email by every action that associates one, whatever its mapping says. */
const ALWAYS: SearchedProperty[] = [{ objectType: 'contacts', property: 'email' }];

/**
 * The union of what the mappings' actions say they may search by (ActionDefinition.searches). An
 * action that does not say searches nothing; a part a directive decides per event matches any.
 */
export function searchableIn(mappings: readonly Pick<Mapping, 'action' | 'fields'>[]): Searchable {
  const byType = new Map<string, Set<string> | 'any'>();
  const anyType = new Set<string>();
  let anything = false;
  for (const s of [...ALWAYS, ...mappings.flatMap((m) => m.action.searches?.(m.fields) ?? [])]) {
    if (s.objectType === undefined) {
      if (s.property === undefined) anything = true;
      else anyType.add(s.property);
      continue;
    }
    const type = objectName(s.objectType);
    const props = byType.get(type);
    if (s.property === undefined) byType.set(type, 'any');
    else if (props === undefined) byType.set(type, new Set([s.property]));
    else if (props !== 'any') props.add(s.property);
  }
  if (anything) return () => true;
  return (type, property) => {
    if (anyType.has(property)) return true;
    const props = byType.get(type);
    return props === 'any' || (props !== undefined && props.has(property));
  };
}
