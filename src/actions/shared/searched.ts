/**
 * A property some request of the run may search records by, read from a mapping's fields before
 * any event. Either part undefined means any: a directive decides it per event.
 */
export interface SearchedProperty {
  objectType?: string;
  property?: string;
}

/** Whether a request of the run may search records of the type (objectName's) by the property. */
export type Searchable = (type: string, property: string) => boolean;

const isDirective = (o: object): boolean => Object.keys(o).some((k) => k.startsWith('@'));

/** The keys of a mapped object the mapping spells out; undefined when a directive makes the whole object. */
export function literalKeys(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'object' || Array.isArray(value) || isDirective(value)) return undefined;
  return Object.keys(value);
}

/** A field given as a literal string; undefined when a directive gives it per event. */
export const literalString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Searches on `objectType` by the keys of a search-fields value (`[]` when it is not mapped). */
export function searchedBy(objectType: string | undefined, searchFields: unknown): SearchedProperty[] {
  const keys = literalKeys(searchFields);
  if (keys === undefined) return [{ objectType }];
  return keys.map((property) => ({ objectType, property }));
}
