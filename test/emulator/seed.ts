import { associate, defineAssociationType, ensureDefault, resolveInline } from './associations-core.js';
import { addApp, type Ctx } from './context.js';
import { validationError } from './errors.js';
import { createEventDefinition } from './events.js';
import { isObject } from './http.js';
import type { OAuthApp } from './options.js';
import { createProperty } from './properties.js';
import { commitWrite, planWrite } from './records.js';
import { createSchema } from './schemas.js';

const objects = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isObject) : []);
const entries = (v: unknown): Array<[string, Record<string, unknown>[]]> => (isObject(v) ? Object.entries(v).map(([k, list]) => [k, objects(list)]) : []);

/**
 * POST /__emulator/seed. Goes through the same checks as the API (a record with an unknown
 * property fails the same way), in dependency order: apps, schemas, properties, labels,
 * event definitions, records.
 */
export function seed(ctx: Ctx, body: Record<string, unknown>): Record<string, unknown> {
  const store = ctx.store;
  for (const app of objects(body.oauthApps)) {
    if (typeof app.clientId !== 'string' || typeof app.clientSecret !== 'string') throw validationError('oauthApps entries need clientId and clientSecret');
    addApp(ctx, { clientId: app.clientId, clientSecret: app.clientSecret, redirectUris: Array.isArray(app.redirectUris) ? app.redirectUris.map(String) : [] } as OAuthApp);
  }
  const schemas = objects(body.schemas).map((s) => {
    const t = createSchema(store, s);
    return { name: t.custom!.name, objectTypeId: t.objectTypeId, fullyQualifiedName: t.name };
  });
  const properties: Record<string, string[]> = {};
  for (const [type, defs] of entries(body.properties)) {
    const t = store.type(type);
    properties[type] = defs.map((d) => createProperty(store, t, d).name);
  }
  const associationLabels = objects(body.associationLabels).map((l) => {
    const from = store.type(String(l.fromObjectType ?? ''));
    const to = store.type(String(l.toObjectType ?? ''));
    ensureDefault(store, from.objectTypeId, to.objectTypeId);
    const label = typeof l.label === 'string' ? l.label : null;
    const def = label === null
      ? store.associationTypes.get(`${from.objectTypeId}|${to.objectTypeId}`)!.find((d) => d.label === null)!
      : defineAssociationType(store, from.objectTypeId, to.objectTypeId, label, String(l.name ?? label.toLowerCase().replace(/\W+/g, '_')), typeof l.inverseLabel === 'string' ? l.inverseLabel : undefined);
    return { fromObjectTypeId: from.objectTypeId, toObjectTypeId: to.objectTypeId, category: def.category, typeId: def.typeId, inverseTypeId: def.inverseTypeId, label: def.label };
  });
  const eventDefinitions = objects(body.eventDefinitions).map((d) => createEventDefinition(store, d).fullyQualifiedName);
  const records: Record<string, string[]> = {};
  for (const [type, list] of entries(body.records)) {
    const t = store.type(type);
    records[type] = list.map((r) => {
      const plan = planWrite(store, t, undefined, r.properties ?? {});
      const links = resolveInline(store, t, r.associations);
      const rec = commitWrite(store, plan);
      for (const l of links) associate(store, t, rec.id, l.to, l.toId, l.def);
      return rec.id;
    });
  }
  return { schemas, properties, associationLabels, eventDefinitions, records };
}
