import { validationError } from './errors.js';
import { isObject } from './http.js';

export interface PropertyOption {
  label: string;
  value: string;
  displayOrder: number;
  hidden: boolean;
}

/** A property definition in HubSpot's Property shape (what GET /crm/v3/properties answers). */
export interface PropertyDef {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  description: string;
  groupName: string;
  options: PropertyOption[];
  displayOrder: number;
  calculated: boolean;
  externalOptions: boolean;
  hasUniqueValue: boolean;
  hidden: boolean;
  hubspotDefined?: boolean;
  formField: boolean;
  modificationMetadata: { archivable: boolean; readOnlyDefinition: boolean; readOnlyValue: boolean };
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

/** HubSpot's lifecycle stages, in the order a contact may move through them. */
export const LIFECYCLE_STAGES = [
  'subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other',
];

const TYPES = ['string', 'number', 'date', 'datetime', 'enumeration', 'bool', 'phone_number'];

type Seed = [name: string, type?: string, options?: string[]];

const DEFAULTS: Record<string, { group: string; props: Seed[] }> = {
  '0-1': {
    group: 'contactinformation',
    props: [
      ['email'], ['firstname'], ['lastname'], ['phone', 'phone_number'], ['mobilephone', 'phone_number'], ['address'],
      ['city'], ['state'], ['country'], ['zip'], ['website'], ['company'], ['jobtitle'], ['industry'], ['fax'],
      ['lifecyclestage', 'enumeration', LIFECYCLE_STAGES], ['hs_additional_emails'], ['hubspot_owner_id'],
      ['hs_lead_status', 'enumeration', ['NEW', 'OPEN', 'IN_PROGRESS', 'OPEN_DEAL', 'UNQUALIFIED', 'ATTEMPTED_TO_CONTACT', 'CONNECTED', 'BAD_TIMING']],
      ['date_of_birth'], ['createdate', 'datetime'], ['lastmodifieddate', 'datetime'], ['hs_object_id', 'number'],
    ],
  },
  '0-2': {
    group: 'companyinformation',
    props: [
      ['name'], ['domain'], ['description'], ['address'], ['address2'], ['city'], ['state'], ['zip'], ['country'],
      ['phone', 'phone_number'], ['website'], ['numberofemployees', 'number'], ['annualrevenue', 'number'],
      ['industry'], ['type'], ['lifecyclestage', 'enumeration', LIFECYCLE_STAGES], ['hubspot_owner_id'],
      ['createdate', 'datetime'], ['hs_lastmodifieddate', 'datetime'], ['hs_object_id', 'number'],
    ],
  },
  '0-3': {
    group: 'dealinformation',
    props: [
      ['dealname'], ['amount', 'number'], ['pipeline', 'enumeration', ['default']],
      ['dealstage', 'enumeration', ['appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'decisionmakerboughtin', 'contractsent', 'closedwon', 'closedlost']],
      ['closedate', 'datetime'], ['dealtype', 'enumeration', ['newbusiness', 'existingbusiness']], ['description'],
      ['hubspot_owner_id'], ['createdate', 'datetime'], ['hs_lastmodifieddate', 'datetime'], ['hs_object_id', 'number'],
    ],
  },
  '0-5': {
    group: 'ticketinformation',
    props: [
      ['subject'], ['content'], ['hs_pipeline', 'enumeration', ['0']], ['hs_pipeline_stage', 'enumeration', ['1', '2', '3', '4']],
      ['hs_ticket_priority', 'enumeration', ['LOW', 'MEDIUM', 'HIGH', 'URGENT']],
      ['hs_ticket_category', 'enumeration', ['PRODUCT_ISSUE', 'BILLING_ISSUE', 'FEATURE_REQUEST', 'GENERAL_INQUIRY']],
      ['hubspot_owner_id'], ['createdate', 'datetime'], ['hs_lastmodifieddate', 'datetime'], ['hs_object_id', 'number'],
    ],
  },
};

export const DEFAULT_GROUPS: Record<string, string> = {
  '0-1': 'contactinformation', '0-2': 'companyinformation', '0-3': 'dealinformation', '0-5': 'ticketinformation',
};

const FIELD_TYPE: Record<string, string> = {
  string: 'text', number: 'number', date: 'date', datetime: 'date', enumeration: 'select', bool: 'booleancheckbox', phone_number: 'phonenumber',
};

/** Properties HubSpot computes; writes to them are ignored rather than stored. */
export const READ_ONLY = new Set(['hs_object_id', 'lastmodifieddate', 'hs_lastmodifieddate', 'hs_createdate']);

const label = (name: string) => name.replace(/^hs_/, '').replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase());

export function defaultProperties(objectTypeId: string, now: string): PropertyDef[] {
  const d = DEFAULTS[objectTypeId];
  if (!d) return [];
  return d.props.map(([name, type = 'string', options], i) =>
    propertyFrom(
      { name, label: label(name), type, fieldType: FIELD_TYPE[type], groupName: d.group, displayOrder: i, options: options?.map((v) => ({ label: v, value: v })) },
      now,
      true,
    ),
  );
}

/** Builds a PropertyDef from a PropertyCreate body; throws HubSpot's 400 when required fields are missing. */
export function propertyFrom(input: Record<string, unknown>, now: string, hubspotDefined = false): PropertyDef {
  const missing = ['name', 'label', 'type', 'fieldType', 'groupName'].filter((k) => typeof input[k] !== 'string' || input[k] === '');
  if (missing.length) {
    throw validationError(`Invalid input JSON: missing required field(s): ${missing.join(', ')}`, { context: { missingFields: missing } });
  }
  const type = String(input.type);
  if (!TYPES.includes(type)) throw validationError(`Invalid property type '${type}'. Valid types are: ${TYPES.join(', ')}`);
  const name = String(input.name);
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw validationError(`Property name '${name}' must be lower case and contain only letters, numbers and underscores`);
  const rawOptions = Array.isArray(input.options) ? input.options.filter(isObject) : [];
  if (type === 'enumeration' && rawOptions.length === 0 && !hubspotDefined) {
    throw validationError(`Enumeration property '${name}' needs at least one option`);
  }
  const readOnlyValue = READ_ONLY.has(name);
  return {
    name,
    label: String(input.label),
    type,
    fieldType: String(input.fieldType),
    description: typeof input.description === 'string' ? input.description : '',
    groupName: String(input.groupName),
    options: rawOptions.map((o, i) => ({
      label: String(o.label ?? o.value),
      value: String(o.value),
      displayOrder: typeof o.displayOrder === 'number' ? o.displayOrder : i,
      hidden: o.hidden === true,
    })),
    displayOrder: typeof input.displayOrder === 'number' ? input.displayOrder : -1,
    calculated: false,
    externalOptions: false,
    hasUniqueValue: input.hasUniqueValue === true,
    hidden: input.hidden === true,
    ...(hubspotDefined ? { hubspotDefined: true } : {}),
    formField: input.formField !== false,
    modificationMetadata: { archivable: !hubspotDefined, readOnlyDefinition: hubspotDefined, readOnlyValue },
    createdAt: now,
    updatedAt: now,
    archived: false,
  };
}
