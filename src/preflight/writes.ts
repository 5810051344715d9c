import { transformEventName } from '../actions/sendCustomBehavioralEvent/event-name.js';
import { flattenObject } from '../actions/shared/properties.js';
import type { ActionName } from '../model.js';

/** A value known from the mapping (a literal) or from an event's payload; MAPPED when only an event can tell. */
export const MAPPED = Symbol('mapped');
export type Value = unknown | typeof MAPPED;

/** One property a mapping writes or searches on, on a CRM object or on a behavioral event. */
export interface Target {
  on: 'object' | 'event';
  /** The object type (as in the mapping: deals, p123_cars, 2-123) or the event's internal name. */
  owner: string;
  prop: string;
  value: Value;
  use: 'write' | 'search';
  /** The field the property comes from, for messages: `properties.plan`, `firstname`. */
  field: string;
}

/** What one mapping (or one payload of it) touches in the portal. */
export interface Touches {
  action: ActionName;
  objectTypes: Array<{ name: string; field: string }>;
  events: string[];
  labels: Array<{ from: string; to: string; label: string }>;
  targets: Target[];
  /** `properties` is mapped as a whole: its keys are known only from events. */
  propertiesMapped: boolean;
}

const CONTACT_FIELDS = ['email', 'company', 'firstname', 'lastname', 'phone', 'address', 'city', 'state', 'country', 'zip', 'website', 'lifecyclestage'];
const COMPANY_FIELDS = ['name', 'description', 'address', 'city', 'state', 'zip', 'domain', 'phone', 'numberofemployees', 'industry', 'lifecyclestage'];

export const isDirective = (v: unknown): boolean => !!v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).some((k) => k.startsWith('@'));

/** A field's value as the checks see it: a literal, or MAPPED for a directive (from a mapping's fields). */
function valueOf(v: unknown, fromPayload: boolean): Value {
  if (fromPayload) return v;
  return isDirective(v) ? MAPPED : v;
}

function objectEntries(v: unknown, fromPayload: boolean): Array<[string, Value]> | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v) || (!fromPayload && isDirective(v))) return undefined;
  const flat = fromPayload ? (flattenObject(v as Record<string, unknown>) ?? {}) : (v as Record<string, unknown>);
  return Object.entries(flat).map(([k, x]) => [k, valueOf(x, fromPayload)]);
}

/**
 * What a mapping touches, from its fields (defaults merged in; `fromPayload` false: directives are
 * MAPPED) or from the payload one event gave (`fromPayload` true: every value is known).
 */
export function touchesOf(action: ActionName, fields: Record<string, unknown>, fromPayload: boolean): Touches {
  const t: Touches = { action, objectTypes: [], events: [], labels: [], targets: [], propertiesMapped: false };
  const add = (on: Target['on'], owner: string, entries: Array<[string, Value]> | undefined, use: Target['use'], prefix: string) => {
    for (const [prop, value] of entries ?? []) if (value !== undefined && value !== null) t.targets.push({ on, owner, prop, value, use, field: prefix + prop });
  };
  const props = objectEntries(fields.properties, fromPayload);
  t.propertiesMapped = fields.properties !== undefined && fields.properties !== null && props === undefined;
  const standard = (names: string[]) => names.map((n): [string, Value] => [n, valueOf(fields[n], fromPayload)]);
  if (action === 'upsertContact') {
    add('object', 'contacts', standard(CONTACT_FIELDS), 'write', '');
    add('object', 'contacts', props, 'write', 'properties.');
  } else if (action === 'upsertCompany') {
    add('object', 'companies', standard(COMPANY_FIELDS), 'write', '');
    add('object', 'companies', props, 'write', 'properties.');
    add('object', 'companies', objectEntries(fields.companysearchfields, fromPayload)?.map(([k]) => [k, MAPPED]), 'search', 'companysearchfields.');
  } else if (action === 'upsertCustomObjectRecord') {
    customRecord(t, fields, fromPayload, props, add);
  } else {
    const name = valueOf(fields.eventName, fromPayload);
    if (typeof name === 'string' && name.trim() !== '') {
      const eventName = transformEventName(name);
      t.events.push(eventName);
      add('event', eventName, props, 'write', 'properties.');
    }
  }
  return t;
}

function customRecord(t: Touches, fields: Record<string, unknown>, fromPayload: boolean, props: Array<[string, Value]> | undefined, add: (on: Target['on'], owner: string, e: Array<[string, Value]> | undefined, use: Target['use'], prefix: string) => void): void {
  const type = valueOf(fields.objectType, fromPayload);
  if (typeof type !== 'string' || type.trim() === '') return;
  t.objectTypes.push({ name: type, field: 'objectType' });
  add('object', type, props, 'write', 'properties.');
  add('object', type, objectEntries(fields.customObjectSearchFields, fromPayload)?.map(([k]) => [k, MAPPED]), 'search', 'customObjectSearchFields.');
  const to = valueOf(fields.toObjectType, fromPayload);
  if (typeof to !== 'string' || to.trim() === '') return;
  t.objectTypes.push({ name: to, field: 'toObjectType' });
  add('object', to, objectEntries(fields.searchFieldsToAssociateCustomObjects, fromPayload)?.map(([k]) => [k, MAPPED]), 'search', 'searchFieldsToAssociateCustomObjects.');
  const label = valueOf(fields.associationLabel, fromPayload);
  if (typeof label === 'string' && /^[A-Z_]+:\d+$/.test(label.trim())) t.labels.push({ from: type, to, label: label.trim() });
}
