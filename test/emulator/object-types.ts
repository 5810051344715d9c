import { apiError } from './errors.js';

/** Which family of OAuth scopes guards an object type's records. */
export type ScopeFamily = 'contacts' | 'companies' | 'deals' | 'tickets' | 'custom';

export interface ObjectTypeDef {
  objectTypeId: string;
  /** Name used in paths and dumps: 'contacts', or a custom schema's fullyQualifiedName. */
  name: string;
  /** Upper-case singular HubSpot uses in messages ("Could not get some CONTACT objects"). */
  upperName: string;
  scope: ScopeFamily;
  aliases: string[];
  /** Properties returned when a read asks for none. */
  defaultProperties: string[];
  custom?: CustomSchemaInfo;
}

export interface CustomSchemaInfo {
  id: string;
  name: string;
  labels: { singular: string; plural: string };
  primaryDisplayProperty?: string;
  secondaryDisplayProperties: string[];
  requiredProperties: string[];
  searchableProperties: string[];
  associatedObjects: string[];
  description?: string;
  createdAt: string;
  updatedAt: string;
}

export const STANDARD_TYPES: ObjectTypeDef[] = [
  {
    objectTypeId: '0-1', name: 'contacts', upperName: 'CONTACT', scope: 'contacts',
    aliases: ['contacts', 'contact', '0-1'], defaultProperties: ['firstname', 'lastname', 'email'],
  },
  {
    objectTypeId: '0-2', name: 'companies', upperName: 'COMPANY', scope: 'companies',
    aliases: ['companies', 'company', '0-2'], defaultProperties: ['name', 'domain'],
  },
  {
    objectTypeId: '0-3', name: 'deals', upperName: 'DEAL', scope: 'deals',
    aliases: ['deals', 'deal', '0-3'], defaultProperties: ['dealname', 'amount', 'closedate', 'pipeline', 'dealstage'],
  },
  {
    objectTypeId: '0-5', name: 'tickets', upperName: 'TICKET', scope: 'tickets',
    aliases: ['tickets', 'ticket', '0-5'],
    defaultProperties: ['content', 'hs_pipeline', 'hs_pipeline_stage', 'hs_ticket_category', 'hs_ticket_priority', 'subject'],
  },
];

/** Upper-case names used in event-definition primaryObject and schema associatedObjects. */
export const PRIMARY_OBJECT_TYPE_IDS: Record<string, string> = { CONTACT: '0-1', COMPANY: '0-2', DEAL: '0-3', TICKET: '0-5' };

/** HubSpot answers an unknown object type in the path with this 400. */
export const unknownObjectType = (raw: string) =>
  apiError(400, 'VALIDATION_ERROR', `Unable to infer object type from: ${raw}`);

/** Scopes that allow an operation; any one of them is enough (the spec lists alternatives). */
export function objectScopes(t: ObjectTypeDef, access: 'read' | 'write'): string[] {
  if (t.scope === 'tickets') return ['tickets'];
  const family = t.scope === 'custom' ? 'custom' : t.scope;
  return access === 'read'
    ? [`crm.objects.${family}.read`, `crm.objects.${family}.write`]
    : [`crm.objects.${family}.write`];
}

export function schemaScopes(t: ObjectTypeDef, access: 'read' | 'write'): string[] {
  const family = t.scope === 'custom' ? 'custom' : t.scope;
  if (access === 'write') return t.scope === 'tickets' ? ['crm.schemas.tickets.write', 'tickets'] : [`crm.schemas.${family}.write`];
  return [`crm.schemas.${family}.read`, `crm.schemas.${family}.write`, ...objectScopes(t, 'read')];
}
