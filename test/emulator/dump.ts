import type { Store } from './store.js';

const TIMESTAMPS = new Set(['createdate', 'lastmodifieddate', 'hs_lastmodifieddate', 'hs_createdate', 'hs_object_id']);

const sortedObject = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

/**
 * GET /__emulator/dump: the state in a form two runs can be compared with — records sorted by id
 * without timestamps, associations as sorted tuples, event completions sorted.
 */
export function dump(store: Store): Record<string, unknown> {
  const nameOf = (typeId: string) => store.types.get(typeId)?.name ?? typeId;
  const records: Record<string, Array<{ id: string; properties: Record<string, string> }>> = {};
  const properties: Record<string, string[]> = {};
  for (const t of store.types.values()) {
    records[t.name] = [...store.recordsOf(t.objectTypeId).values()]
      .filter((r) => !r.archived)
      .sort((a, b) => Number(a.id) - Number(b.id))
      .map((r) => ({ id: r.id, properties: sortedObject(Object.fromEntries(Object.entries(r.props).filter(([k]) => !TIMESTAMPS.has(k)))) }));
    const custom = [...store.propertiesOf(t.objectTypeId).values()].filter((p) => !p.hubspotDefined && !p.archived).map((p) => p.name).sort();
    if (custom.length) properties[t.name] = custom;
  }
  const associations = [...store.associations.values()]
    .map((e) => [nameOf(e.fromType), e.fromId, nameOf(e.toType), e.toId, `${e.category}:${e.typeId}`] as const)
    .sort((a, b) => a.join('\u0000').localeCompare(b.join('\u0000'), 'en', { numeric: true }));
  const events = store.completions
    .map((c) => ({ ...c, properties: sortedObject(c.properties) }))
    .sort((a, b) => JSON.stringify([a.eventName, a.occurredAt, a.uuid ?? '', a.email ?? '', a.objectId ?? '']).localeCompare(JSON.stringify([b.eventName, b.occurredAt, b.uuid ?? '', b.email ?? '', b.objectId ?? ''])));
  return {
    hubId: store.hubId,
    records,
    associations,
    events,
    properties,
    schemas: [...store.types.values()].filter((t) => t.custom).map((t) => ({ name: t.name, objectTypeId: t.objectTypeId })),
    eventDefinitions: [...store.eventDefinitions.values()].filter((d) => !d.archived).map((d) => d.fullyQualifiedName).sort(),
  };
}
