import type { Ctx } from './context.js';
import { apiError, validationError, type HubSpotError } from './errors.js';
import { DEFAULT_EVENT_PROPERTIES, type EventCompletion, type EventDefinition, type EventPropertyDef } from './event-defs.js';
import { bodyObject, isObject, json, noContent, type ApiRequest } from './http.js';
import { PRIMARY_OBJECT_TYPE_IDS } from './object-types.js';
import type { Route } from './router.js';
import type { Store } from './store.js';
import { coerce } from './values.js';

const MAX_PROPERTIES = 50;
const MAX_BATCH = 500;
const MAX_VALUE = 256;
const MAX_URL_VALUE = 1024;
const EVENT_TYPES = ['string', 'number', 'enumeration', 'datetime'];

const SEND_SCOPES = ['analytics.behavioral_events.send'];
const DEFINITION_SCOPES = ['behavioral_events.event_definitions.read_write'];

const normalizeName = (s: string) => s.toLowerCase().replace(/[^a-z0-9_-]+/g, '_');

/** Creates a definition; shared by the API and /__emulator/seed. Accepts a bare name or a full pe<hubId>_ name. */
export function createEventDefinition(store: Store, input: Record<string, unknown>): EventDefinition {
  const label = typeof input.label === 'string' ? input.label : typeof input.name === 'string' ? input.name : undefined;
  if (!label) throw validationError('Invalid input JSON: "label" is required');
  const prefix = `pe${store.hubId}_`;
  const rawName = typeof input.name === 'string' ? input.name : normalizeName(label);
  const name = rawName.startsWith(prefix) ? rawName.slice(prefix.length) : rawName;
  const fullyQualifiedName = `${prefix}${name}`;
  if (store.eventDefinitions.get(fullyQualifiedName)?.archived === false) {
    throw apiError(409, 'OBJECT_ALREADY_EXISTS', `An event with name '${name}' already exists.`);
  }
  const primaryObject = typeof input.primaryObject === 'string' ? input.primaryObject.toUpperCase() : 'CONTACT';
  if (!PRIMARY_OBJECT_TYPE_IDS[primaryObject]) throw validationError(`Invalid primaryObject '${primaryObject}'`);
  const rawProps = Array.isArray(input.propertyDefinitions) ? input.propertyDefinitions : Array.isArray(input.properties) ? input.properties : [];
  const id = store.newEventDefinitionId();
  const def: EventDefinition = {
    id,
    name,
    fullyQualifiedName,
    label,
    description: typeof input.description === 'string' ? input.description : '',
    primaryObject,
    objectTypeId: `6-${1000000 + Number(id)}`,
    includeDefaultProperties: input.includeDefaultProperties !== false,
    properties: rawProps.map((p) => eventProperty(p)),
    createdAt: new Date().toISOString(),
    archived: false,
  };
  store.eventDefinitions.set(fullyQualifiedName, def);
  return def;
}

function eventProperty(raw: unknown): EventPropertyDef {
  const p = typeof raw === 'string' ? { name: raw } : isObject(raw) ? raw : {};
  const name = typeof p.name === 'string' ? p.name : '';
  if (!/^[a-z][a-z0-9_]{0,49}$/.test(name)) {
    throw validationError(`Invalid event property name '${name}': must start with a letter and contain only a-z, 0-9 and _ (at most 50 characters)`);
  }
  const type = typeof p.type === 'string' ? p.type : 'string';
  if (!EVENT_TYPES.includes(type)) throw validationError(`Invalid event property type '${type}'`);
  const options = Array.isArray(p.options) ? p.options.filter(isObject).map((o) => ({ label: String(o.label ?? o.value), value: String(o.value) })) : undefined;
  return { name, label: typeof p.label === 'string' ? p.label : name, type, ...(options ? { options } : {}) };
}

function present(def: EventDefinition, includeProperties: boolean) {
  return {
    id: def.id,
    name: def.name,
    fullyQualifiedName: def.fullyQualifiedName,
    labels: { singular: def.label, plural: null },
    description: def.description,
    primaryObject: def.primaryObject,
    objectTypeId: def.objectTypeId,
    properties: includeProperties ? def.properties : [],
    associations: [],
    archived: def.archived,
    createdAt: def.createdAt,
  };
}

function findDefinition(store: Store, nameOrFqn: string): EventDefinition {
  const def = store.eventDefinitions.get(nameOrFqn) ?? store.eventDefinitions.get(`pe${store.hubId}_${nameOrFqn}`);
  if (!def || def.archived) throw apiError(404, 'OBJECT_NOT_FOUND', `Event type ${nameOrFqn} not found.`, { context: { eventName: [nameOrFqn] } });
  return def;
}

const isUrlProperty = (name: string) => /url|referrer|href/.test(name);

/** Checks one completion the way the send endpoint does; returns what would be stored. */
function checkCompletion(store: Store, raw: unknown, where = ''): EventCompletion {
  const fail = (msg: string): HubSpotError => validationError(`${where}${msg}`);
  if (!isObject(raw)) throw fail('Invalid input JSON: expected an object');
  const eventName = raw.eventName;
  if (typeof eventName !== 'string' || eventName === '') throw fail('eventName is required');
  const prefix = `pe${store.hubId}_`;
  if (!eventName.startsWith(prefix)) throw fail(`eventName must be the fully qualified name of an event definition, starting with ${prefix}`);
  const def = store.eventDefinitions.get(eventName);
  if (!def || def.archived) throw fail(`Event definition ${eventName} does not exist`);
  const ident = (k: string) => (typeof raw[k] === 'string' || typeof raw[k] === 'number') && String(raw[k]) !== '' ? String(raw[k]) : undefined;
  const email = ident('email');
  const utk = ident('utk');
  const objectId = ident('objectId');
  if (!email && !utk && !objectId) throw fail('One of email, utk, or objectId is required');

  const rawProps = raw.properties ?? {};
  if (!isObject(rawProps)) throw fail('properties must be an object');
  const entries = Object.entries(rawProps);
  if (entries.length > MAX_PROPERTIES) throw fail(`An event can have at most ${MAX_PROPERTIES} properties; got ${entries.length}`);
  const properties: Record<string, string> = {};
  for (const [name, value] of entries) {
    const known = def.properties.some((p) => p.name === name) || (def.includeDefaultProperties && DEFAULT_EVENT_PROPERTIES.has(name));
    if (!known) throw fail(`Property ${name} does not exist on event ${eventName}`);
    const v = coerce(value);
    if (v === undefined) throw fail(`Property ${name} must be a string, number or boolean`);
    const max = isUrlProperty(name) ? MAX_URL_VALUE : MAX_VALUE;
    if (v.length > max) throw fail(`Property ${name} value is longer than ${max} characters`);
    properties[name] = v;
  }

  let occurredAt = new Date().toISOString();
  if (raw.occurredAt !== undefined && raw.occurredAt !== null) {
    const ms = typeof raw.occurredAt === 'number' ? raw.occurredAt : Date.parse(String(raw.occurredAt));
    if (!Number.isFinite(ms)) throw fail(`occurredAt '${String(raw.occurredAt)}' is not a valid ISO-8601 date-time`);
    occurredAt = new Date(ms).toISOString();
  }
  const uuid = typeof raw.uuid === 'string' && raw.uuid !== '' ? raw.uuid : undefined;
  return { eventName, ...(email ? { email } : {}), ...(utk ? { utk } : {}), ...(objectId ? { objectId } : {}), occurredAt, ...(uuid ? { uuid } : {}), properties };
}

/** A repeated uuid for the same event type is accepted but recorded once (HubSpot keeps the first). */
function record(store: Store, c: EventCompletion): void {
  if (c.uuid) {
    const key = `${c.eventName}|${c.uuid}`;
    if (store.seenEventUuids.has(key)) return;
    store.seenEventUuids.add(key);
  }
  store.completions.push(c);
}

function send(req: ApiRequest, ctx: Ctx) {
  record(ctx.store, checkCompletion(ctx.store, req.body));
  return noContent();
}

function sendBatch(req: ApiRequest, ctx: Ctx) {
  const inputs = bodyObject(req).inputs;
  if (!Array.isArray(inputs)) throw validationError('Invalid input JSON: "inputs" is required and must be an array');
  if (inputs.length > MAX_BATCH) throw validationError(`The maximum number of inputs supported in a batch is ${MAX_BATCH}. Please reduce the number of items and try again`);
  // All checked before any is recorded: one bad completion rejects the batch.
  const checked = inputs.map((raw, i) => checkCompletion(ctx.store, raw, `inputs[${i}]: `));
  for (const c of checked) record(ctx.store, c);
  return noContent();
}

function listDefinitions(req: ApiRequest, ctx: Ctx) {
  const include = req.query.get('includeProperties') === 'true';
  const search = (req.query.get('searchString') ?? '').toLowerCase();
  const limit = Math.min(Number(req.query.get('limit') ?? 100) || 100, 100);
  const after = Number(req.query.get('after') ?? 0) || 0;
  const all = [...ctx.store.eventDefinitions.values()].filter((d) => !d.archived && (!search || d.name.includes(search) || d.label.toLowerCase().includes(search)));
  const page = all.slice(after, after + limit).map((d) => present(d, include));
  return json(200, { total: all.length, results: page, ...(after + limit < all.length ? { paging: { next: { after: String(after + limit) } } } : {}) });
}

function getDefinition(req: ApiRequest, ctx: Ctx) {
  return json(200, present(findDefinition(ctx.store, req.params.eventName!), req.query.get('includeProperties') !== 'false'));
}

function createDefinition(req: ApiRequest, ctx: Ctx) {
  return json(201, present(createEventDefinition(ctx.store, bodyObject(req)), true));
}

function addProperty(req: ApiRequest, ctx: Ctx) {
  const def = findDefinition(ctx.store, req.params.eventName!);
  const prop = eventProperty(req.body);
  if (def.properties.some((p) => p.name === prop.name)) {
    throw apiError(409, 'OBJECT_ALREADY_EXISTS', `A property named '${prop.name}' already exists on event ${def.fullyQualifiedName}.`);
  }
  def.properties.push(prop);
  return json(201, prop);
}

function archiveDefinition(req: ApiRequest, ctx: Ctx) {
  findDefinition(ctx.store, req.params.eventName!).archived = true;
  return noContent();
}

const defs = (method: string, path: string, handler: Route['handler']): Route => ({
  method, pattern: `/events/v3/event-definitions${path}`, limit: 'standard', scopes: () => DEFINITION_SCOPES, handler,
});

export const eventRoutes: Route[] = [
  // Both send endpoints are exempt from the daily and ten-secondly limits in the spec.
  { method: 'POST', pattern: '/events/v3/send', limit: 'exempt', scopes: () => SEND_SCOPES, handler: send },
  { method: 'POST', pattern: '/events/v3/send/batch', limit: 'exempt', scopes: () => SEND_SCOPES, handler: sendBatch },
  defs('GET', '', listDefinitions),
  defs('POST', '', createDefinition),
  defs('GET', '/:eventName', getDefinition),
  defs('DELETE', '/:eventName', archiveDefinition),
  defs('POST', '/:eventName/property', addProperty),
];
