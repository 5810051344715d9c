import { ensureDefault } from './associations-core.js';
import type { Ctx } from './context.js';
import { apiError, validationError } from './errors.js';
import { bodyObject, isObject, json, stringList, type ApiRequest } from './http.js';
import { PRIMARY_OBJECT_TYPE_IDS, type ObjectTypeDef } from './object-types.js';
import { propertyFrom, type PropertyDef } from './property-defs.js';
import type { Route } from './router.js';
import type { Store } from './store.js';

const FIELD_TYPE: Record<string, string> = { string: 'text', number: 'number', date: 'date', datetime: 'date', enumeration: 'select', bool: 'booleancheckbox' };

function schemaProperty(raw: unknown, group: string, now: string): PropertyDef {
  const p = isObject(raw) ? raw : {};
  const type = typeof p.type === 'string' ? p.type : 'string';
  return propertyFrom({ label: p.name, fieldType: FIELD_TYPE[type] ?? 'text', groupName: group, ...p, type }, now);
}

/** Creates a custom object type (2-N, p<hubId>_<name>); shared by the API and /__emulator/seed. */
export function createSchema(store: Store, input: Record<string, unknown>): ObjectTypeDef {
  const name = input.name;
  if (typeof name !== 'string' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) {
    throw validationError('Invalid input JSON: "name" is required and must start with a letter and contain only letters, digits and underscores');
  }
  const fqn = `p${store.hubId}_${name}`.toLowerCase();
  if (store.findType(fqn)) throw apiError(409, 'OBJECT_ALREADY_EXISTS', `Object type with name ${name} already exists.`);
  const labels = isObject(input.labels) ? input.labels : {};
  const now = new Date().toISOString();
  const group = `${name.toLowerCase()}_information`;
  const props = [
    propertyFrom({ name: 'hs_object_id', label: 'Record ID', type: 'number', fieldType: 'number', groupName: group }, now, true),
    propertyFrom({ name: 'hs_createdate', label: 'Create date', type: 'datetime', fieldType: 'date', groupName: group }, now, true),
    propertyFrom({ name: 'hs_lastmodifieddate', label: 'Last modified date', type: 'datetime', fieldType: 'date', groupName: group }, now, true),
    ...(Array.isArray(input.properties) ? input.properties : []).map((p) => schemaProperty(p, group, now)),
  ];
  const n = store.newCustomTypeNumber();
  const t: ObjectTypeDef = {
    objectTypeId: `2-${n}`,
    name: fqn,
    upperName: name.toUpperCase(),
    scope: 'custom',
    aliases: [fqn, `2-${n}`],
    defaultProperties: [],
    custom: {
      id: String(n),
      name,
      labels: { singular: String(labels.singular ?? name), plural: String(labels.plural ?? name) },
      ...(typeof input.primaryDisplayProperty === 'string' ? { primaryDisplayProperty: input.primaryDisplayProperty } : {}),
      secondaryDisplayProperties: stringList(input.secondaryDisplayProperties) ?? [],
      requiredProperties: stringList(input.requiredProperties) ?? [],
      searchableProperties: stringList(input.searchableProperties) ?? [],
      associatedObjects: stringList(input.associatedObjects) ?? [],
      ...(typeof input.description === 'string' ? { description: input.description } : {}),
      createdAt: now,
      updatedAt: now,
    },
  };
  store.addType(t, props);
  store.groups.get(t.objectTypeId)!.set(group, { name: group, label: `${t.custom!.labels.singular} information`, displayOrder: -1, archived: false });
  for (const other of t.custom!.associatedObjects) {
    const target = PRIMARY_OBJECT_TYPE_IDS[other.toUpperCase()] ?? store.findType(other)?.objectTypeId;
    if (!target) throw validationError(`Unknown associated object type ${other}`);
    ensureDefault(store, t.objectTypeId, target);
  }
  return t;
}

function present(store: Store, t: ObjectTypeDef) {
  const c = t.custom!;
  const associations = [...store.associationTypes]
    .filter(([k]) => k.startsWith(`${t.objectTypeId}|`))
    .flatMap(([k, defs]) => defs.filter((d) => d.label === null).map((d) => ({ id: String(d.typeId), fromObjectTypeId: t.objectTypeId, toObjectTypeId: k.split('|')[1], name: d.name })));
  return {
    id: c.id,
    objectTypeId: t.objectTypeId,
    fullyQualifiedName: t.name,
    name: c.name,
    labels: c.labels,
    ...(c.primaryDisplayProperty ? { primaryDisplayProperty: c.primaryDisplayProperty } : {}),
    secondaryDisplayProperties: c.secondaryDisplayProperties,
    requiredProperties: c.requiredProperties,
    searchableProperties: c.searchableProperties,
    ...(c.description ? { description: c.description } : {}),
    properties: [...store.propertiesOf(t.objectTypeId).values()],
    associations,
    metaType: 'PORTAL_SPECIFIC',
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    archived: false,
  };
}

const customTypes = (store: Store) => [...store.types.values()].filter((t) => t.custom);

function list(req: ApiRequest, ctx: Ctx) {
  if (req.query.get('archived') === 'true') return json(200, { results: [] });
  return json(200, { results: customTypes(ctx.store).map((t) => present(ctx.store, t)) });
}

function getOne(req: ApiRequest, ctx: Ctx) {
  const t = ctx.store.findType(req.params.objectType!);
  if (!t?.custom) throw apiError(404, 'OBJECT_NOT_FOUND', `Unable to find object type ${req.params.objectType}`);
  return json(200, present(ctx.store, t));
}

function create(req: ApiRequest, ctx: Ctx) {
  return json(201, present(ctx.store, createSchema(ctx.store, bodyObject(req))));
}

/** Account details, as GET /account-info/v3/details answers for a US-hosted standard portal. */
function accountInfo(_req: ApiRequest, ctx: Ctx) {
  return json(200, {
    portalId: ctx.config.hubId,
    accountType: 'STANDARD',
    timeZone: 'US/Eastern',
    companyCurrency: 'USD',
    additionalCurrencies: [],
    utcOffset: '-05:00',
    utcOffsetMilliseconds: -18000000,
    uiDomain: 'app.hubspot.com',
    dataHostingLocation: 'na1',
  });
}

const READ = ['crm.schemas.custom.read', 'crm.objects.custom.read'];
const WRITE = ['crm.schemas.custom.write'];

export const schemaRoutes: Route[] = [
  { method: 'GET', pattern: '/crm/v3/schemas', limit: 'standard', scopes: () => READ, handler: list },
  { method: 'POST', pattern: '/crm/v3/schemas', limit: 'standard', scopes: () => WRITE, handler: create },
  { method: 'GET', pattern: '/crm/v3/schemas/:objectType', limit: 'standard', scopes: () => READ, handler: getOne },
  { method: 'GET', pattern: '/account-info/v3/details', limit: 'standard', handler: accountInfo },
];
