import { movesKey, objectName, writesKey } from '../actions/shared/keys.js';
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
 * The object types (objectName's) whose records one mapping finds, by ActionDefinition.finds, in
 * order to write them; 'any' when a directive decides the type per event.
 */
function foundBy(mapping: Pick<Mapping, 'action' | 'fields'>): readonly string[] | 'any' {
  const types = new Set<string>();
  for (const f of mapping.action.finds?.(mapping.fields) ?? []) {
    if (f.objectType === undefined) return 'any';
    types.add(objectName(f.objectType));
  }
  return [...types];
}

/**
 * What the mappings may move or reach by different properties (movableIn, movedBy), as the plan
 * stage and the actions use it: the keys each mapping's ops write, and those a finder reads
 * (keys.ts movesKey, writesKey).
 */
export function moversIn(mappings: readonly Pick<Mapping, 'action' | 'fields'>[], searchable: Searchable): Movers & { writes(mapping: Pick<Mapping, 'action' | 'fields'>): readonly string[] } {
  const movable = movableIn(mappings, searchable);
  const writes = new Map<Pick<Mapping, 'action' | 'fields'>, readonly string[]>();
  /** Per type ('*': any), the actions whose ops write its moves key, and its writes key. */
  const moving = new Map<string, Set<string>>();
  const writing = new Map<string, Set<string>>();
  const add = (m: Map<string, Set<string>>, type: string, action: string) => m.set(type, (m.get(type) ?? new Set()).add(action));
  for (const m of mappings) {
    const action = m.action.name;
    const moved = movedBy(m, searchable);
    const found = foundBy(m);
    const keys: string[] = [];
    for (const t of moved === 'any' ? ['*'] : moved) {
      add(moving, t, action);
      keys.push(movesKey(t, action));
    }
    // Only a type found by two properties can be reached by ops whose keys share nothing.
    for (const t of found === 'any' ? ['*'] : found.filter((t) => movable(t))) {
      add(writing, t, action);
      keys.push(writesKey(t, action));
    }
    writes.set(m, keys);
  }
  const of = (m: Map<string, Set<string>>, type: string, key: (t: string, a: string) => string, except?: string) =>
    [type, '*'].flatMap((t) => [...(m.get(t) ?? [])].filter((a) => a !== except).map((a) => key(t, a)));
  // Asked once per op planned: each answer is built once per type (and action) for the run.
  const answers = new Map<string, string[]>();
  const once = (k: string, build: () => string[]) => answers.get(k) ?? (answers.set(k, build()), answers.get(k)!);
  return {
    movable,
    writes: (m) => writes.get(m) ?? [],
    ownReads: (objectType, action) => {
      const type = objectName(objectType);
      return once(`own\n${type}\n${action}`, () => [...of(moving, type, movesKey, action), ...of(writing, type, writesKey, action)]);
    },
    targetReads: (objectType) => {
      const type = objectName(objectType);
      return once(`target\n${type}`, () => of(moving, type, movesKey));
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
