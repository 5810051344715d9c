import type { PortalEventDefinition, PortalSchema } from '../../hubspot/portal.js';

/** What a login lets the wizard offer: the portal's own names. */
export interface PortalNames {
  hubId?: string;
  events: PortalEventDefinition[];
  schemas: PortalSchema[];
  contactProperties: string[];
}


export function recordKeyOf(objectType: string, portal: PortalNames | undefined): string {
  if (objectType === 'deals') return 'dealname';
  if (objectType === 'tickets') return 'subject';
  return portal?.schemas.find((s) => s.fullyQualifiedName === objectType || s.objectTypeId === objectType)?.primaryDisplayProperty ?? 'name';
}

/** What the wizard learned; everything else takes Segment's defaults. */
export interface InitAnswers {
  actions: Array<'contacts' | 'companies' | 'records' | 'events'>;
  hubId?: string;
  batching: boolean;
  segmentEvent: string;
  objectType: string;
  /** The property records are found by: dealname, subject, a custom object's primary property. */
  recordKey: string;
  eventName?: string;
  /** Custom contact properties of the portal to map from traits of the same name. */
  contactProperties: string[];
  /** Properties of the portal's event definition to map from the event's properties. */
  eventProperties: string[];
}

const q = (s: string) => JSON.stringify(s);
const trigger = (event: string) => `'type = "track" and event = ${q(event)}'`;

function contacts(a: InitAnswers): string[] {
  return [
    '  # Contacts from identify calls, keyed by email (Segment\'s Upsert Contact).',
    '  - name: Contacts from identify',
    '    action: upsertContact',
    "    trigger: 'type = \"identify\" and traits.email != null'",
    '    fields:',
    '      # email, firstname, lastname, phone, address, city, state, country, zip, website and company',
    '      # come from Segment\'s defaults (traits.*); give a field to override one, null to turn it off.',
    '      properties:',
    ...(a.contactProperties.length
      ? a.contactProperties.map((p) => `        ${p}: { "@path": ${q(`$.traits.${p}`)} }`)
      : ['        # your custom contact properties (internal names), e.g.', '        # plan: { "@path": "$.traits.plan" }', '        {}']),
    `      enable_batching: ${a.batching}    # ${a.batching ? 'up to 100 contacts a request' : 'one request per contact, as Segment sends them'}`,
  ];
}

function companies(): string[] {
  return [
    '  # Companies from group calls, keyed by the groupId in the hidden property segment_group_id,',
    '  # associated with the contact of the same user (Segment\'s Upsert Company).',
    '  - name: Companies from group',
    '    action: upsertCompany',
    "    trigger: 'type = \"group\"'",
    '    fields:',
    '      # name, domain (traits.website), phone, address, industry, numberofemployees: Segment\'s defaults.',
    '      companysearchfields:      # find an existing company by domain before creating one',
    '        domain: { "@path": "$.traits.website" }',
  ];
}

function records(a: InitAnswers): string[] {
  const key = a.recordKey;
  return [
    `  # ${a.objectType} records from a track event, found by ${key} (Segment's Upsert Custom Object Record).`,
    `  - name: ${q(`${a.objectType} from ${a.segmentEvent}`)}`,
    '    action: upsertCustomObjectRecord',
    // Only events that carry the key: the others would create a new record each time they are sent.
    `    trigger: ${trigger(a.segmentEvent).replace(/'$/, " and properties.order_id != null'")}`,
    '    fields:',
    `      objectType: ${q(a.objectType)}`,
    '      customObjectSearchFields:  # the record to update; when none is found, one is created',
    `        ${key}: { "@path": "$.properties.order_id" }`,
    '      properties:',
    `        ${key}: { "@path": "$.properties.order_id" }`,
    ...(a.objectType === 'deals' ? ['        amount: { "@path": "$.properties.total" }'] : []),
  ];
}

function events(a: InitAnswers): string[] {
  return [
    `  # A custom behavioral event for each ${a.segmentEvent} (Segment's Send Custom Behavioral Event).`,
    `  - name: ${q(`${a.segmentEvent} event`)}`,
    '    action: sendCustomBehavioralEvent',
    `    trigger: ${trigger(a.segmentEvent)}`,
    '    fields:',
    `      eventName: ${q(a.eventName!)}`,
    '      email: { "@path": "$.context.traits.email" }',
    '      properties:',
    ...(a.eventProperties.length ? a.eventProperties.map((p) => `        ${p}: { "@path": ${q(`$.properties.${p}`)} }`) : ['        # the event definition\'s properties, e.g.', '        # total: { "@path": "$.properties.total" }', '        {}']),
  ];
}

/** The commented mapping file. */
export function renderMapping(a: InitAnswers): string {
  const out = [
    '# hubspot-actions mapping file: which Segment events become which HubSpot actions.',
    '# Field keys, defaults and triggers are those of Segment\'s "HubSpot Cloud Mode (Actions)" destination.',
    '# A field left out takes the action\'s default; values are literals or mapping-kit directives.',
    '# Check it: hubspot-actions validate <file>; see it against the portal: hubspot-actions send sample.ndjson -m <file> --plan',
    'version: 1',
  ];
  if (a.hubId) out.push('settings:', `  hubId: ${q(a.hubId)}            # custom event names must start with pe${a.hubId}_`);
  out.push('', 'mappings:');
  const parts: string[][] = [];
  if (a.actions.includes('contacts')) parts.push(contacts(a));
  if (a.actions.includes('companies')) parts.push(companies());
  if (a.actions.includes('records')) parts.push(records(a));
  if (a.actions.includes('events')) parts.push(events(a));
  return out.join('\n') + '\n' + parts.map((p) => p.join('\n')).join('\n\n') + '\n';
}
