/**
 * HubSpot API paths and versions, in one place. Segment's destination uses the v3 CRM and events
 * paths and v4 associations; HubSpot's date-versioned paths (/crm/objects/2026-03/...) take the
 * same bodies, so moving is a change here only.
 */
export const DEFAULT_API_BASE_URL = 'https://api.hubapi.com';
export const DEFAULT_APP_BASE_URL = 'https://app.hubspot.com';

export const CRM_VERSION = 'v3';
export const ASSOCIATIONS_VERSION = 'v4';
export const EVENTS_VERSION = 'v3';
export const OAUTH_VERSION = 'v1';

/** Path segments are encoded: an email with '+' or '/' must not change the URL's meaning. */
export const seg = (s: string | number): string => encodeURIComponent(String(s));

export const paths = {
  objects: (type: string) => `/crm/${CRM_VERSION}/objects/${seg(type)}`,
  object: (type: string, id: string) => `/crm/${CRM_VERSION}/objects/${seg(type)}/${seg(id)}`,
  batch: (type: string, op: 'read' | 'create' | 'update' | 'upsert') =>
    `/crm/${CRM_VERSION}/objects/${seg(type)}/batch/${op}`,
  search: (type: string) => `/crm/${CRM_VERSION}/objects/${seg(type)}/search`,
  properties: (type: string) => `/crm/${CRM_VERSION}/properties/${seg(type)}`,
  property: (type: string, name: string) => `/crm/${CRM_VERSION}/properties/${seg(type)}/${seg(name)}`,
  schemas: () => `/crm/${CRM_VERSION}/schemas`,
  /** The v3 company-to-contact association Segment's Upsert Company uses. */
  companyToContact: (companyId: string, contactId: string) =>
    `/crm/${CRM_VERSION}/objects/companies/${seg(companyId)}/associations/contacts/${seg(contactId)}/company_to_contact`,
  associationLabelled: (fromType: string, fromId: string, toType: string, toId: string) =>
    `/crm/${ASSOCIATIONS_VERSION}/objects/${seg(fromType)}/${seg(fromId)}/associations/${seg(toType)}/${seg(toId)}`,
  associationsBatchDefault: (fromType: string, toType: string) =>
    `/crm/${ASSOCIATIONS_VERSION}/associations/${seg(fromType)}/${seg(toType)}/batch/associate/default`,
  associationsBatchCreate: (fromType: string, toType: string) =>
    `/crm/${ASSOCIATIONS_VERSION}/associations/${seg(fromType)}/${seg(toType)}/batch/create`,
  associationLabels: (fromType: string, toType: string) =>
    `/crm/${ASSOCIATIONS_VERSION}/associations/${seg(fromType)}/${seg(toType)}/labels`,
  eventSend: () => `/events/${EVENTS_VERSION}/send`,
  eventSendBatch: () => `/events/${EVENTS_VERSION}/send/batch`,
  eventDefinitions: () => `/events/${EVENTS_VERSION}/event-definitions`,
  accountInfo: () => `/account-info/v3/details`,
  oauthToken: () => `/oauth/${OAUTH_VERSION}/token`,
  oauthAccessToken: (token: string) => `/oauth/${OAUTH_VERSION}/access-tokens/${seg(token)}`,
  oauthRefreshToken: (token: string) => `/oauth/${OAUTH_VERSION}/refresh-tokens/${seg(token)}`,
} as const;

/** Batch limits HubSpot enforces. */
export const MAX_CRM_BATCH = 100;
export const MAX_EVENT_BATCH = 500;

export const normalizeBaseUrl = (url: string): string => url.replace(/\/+$/, '');

/** The API base URL asked for: the flag, else HUBSPOT_API_BASE_URL; undefined when neither says. */
export function requestedApiBaseUrl(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const url = flag || env.HUBSPOT_API_BASE_URL;
  return url ? normalizeBaseUrl(url) : undefined;
}

/** API base URL: flag, then HUBSPOT_API_BASE_URL, then HubSpot's global host. */
export function apiBaseUrl(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return requestedApiBaseUrl(flag, env) ?? DEFAULT_API_BASE_URL;
}

/** Authorize (consent page) host: flag, then HUBSPOT_APP_BASE_URL, then HubSpot's. */
export function appBaseUrl(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return normalizeBaseUrl(flag || env.HUBSPOT_APP_BASE_URL || DEFAULT_APP_BASE_URL);
}
