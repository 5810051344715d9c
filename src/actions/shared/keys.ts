import type { Searchable } from './searched.js';

/**
 * Keys naming HubSpot state, `<objectType>:<property>=<value>`, by which the scheduler orders
 * operations (PlannedOp.reads/writes). Values are lower-cased because HubSpot compares strings
 * without regard to case: `A@x.io` and `a@x.io` are one contact, one search hit.
 */
export function stateKey(objectType: string, property: string, value: unknown): string {
  return keyOf(objectName(objectType), property, value);
}

/** stateKey of a type already objectName's. */
const keyOf = (type: string, property: string, value: unknown): string => `${type}:${property}=${String(value).toLowerCase()}`;

/** HubSpot's type ids for its standard objects name the same records as their names. */
const STANDARD: Record<string, string> = { '0-1': 'contacts', '0-2': 'companies', '0-3': 'deals', '0-5': 'tickets' };

/** One name per object type: `0-1` and `Contacts` are `contacts`. */
export function objectName(objectType: string): string {
  const t = objectType.trim().toLowerCase();
  return STANDARD[t] ?? t;
}

/**
 * "Some record of the type may be moved away from a searched value by an op of this action": written
 * by every op of a mapping that may move the type's records (ActionDefinition.moves; type `*`: one
 * a directive decides per event), read by an op that finds such records and is not ordered with
 * those moves by a sequence or by looking again (an association's target; a custom record of a
 * type another action moves). Movers never wait for one another on it, only for and before its
 * readers. No property is named `~moves@…`.
 */
export const movesKey = (objectType: string, action: string): string => `${objectName(objectType)}:~moves@${action}`;

/**
 * "A record of the type, which the mappings find by more than one property, may be written by an
 * op of this action": written by the ops of a mapping that finds such records to write them
 * (ActionDefinition.finds), read by the custom records of the type, which other actions may reach
 * by properties whose keys share nothing with theirs.
 */
export const writesKey = (objectType: string, action: string): string => `${objectName(objectType)}:~writes@${action}`;

/** "The contact of user u": what an upsertContact for u writes and an association to u's contact reads. */
export const userKey = (userOrAnonymousId: string): string => stateKey('contacts', 'user', userOrAnonymousId);

/**
 * A key per property value set (null and undefined set nothing); with `searchable`, only of the
 * properties some op may read: a key nobody reads orders nothing (the scheduler orders writes
 * against reads), and a contact's ten of them were a good part of the scheduler's work.
 */
export function propertyKeys(objectType: string, properties: Record<string, unknown> | undefined, searchable?: Searchable): string[] {
  const out: string[] = [];
  if (!properties) return out;
  const type = objectName(objectType);
  for (const k of Object.keys(properties)) {
    const v = properties[k];
    if (v === undefined || v === null || (searchable && !searchable(type, k))) continue;
    out.push(keyOf(type, k, v));
  }
  return out;
}

/** First occurrences, in order. An op has a handful of keys: searching those beats building a Set. */
export function unique(keys: string[]): string[] {
  if (keys.length > 32) return [...new Set(keys)];
  const out: string[] = [];
  for (const k of keys) if (!out.includes(k)) out.push(k);
  return out;
}
