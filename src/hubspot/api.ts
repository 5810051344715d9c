import { UserError } from '../errors.js';

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
  /** HubSpot's current token endpoints: the token travels in the form body, not the path. */
  oauthIntrospect: () => `/oauth/v3/token/introspect`,
  oauthRevoke: () => `/oauth/v3/token/revoke`,
} as const;

/** Batch limits HubSpot enforces. */
export const MAX_CRM_BATCH = 100;
export const MAX_EVENT_BATCH = 500;

export const normalizeBaseUrl = (url: string): string => url.replace(/\/+$/, '');

export interface BaseUrlOptions {
  /** `--insecure-http`: plain http to a host other than this machine is allowed. */
  insecureHttp?: boolean;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * A base URL the token may be sent to: https, or plain http to this machine (the emulator, a local
 * proxy); plain http elsewhere only with --insecure-http, since the token and the customer data
 * would cross the network readable by anyone on the way. Checked before anything is sent.
 */
export function checkBaseUrl(url: string, source: string, opts: BaseUrlOptions = {}): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(`${source} "${url}" is not a URL.`, 'Give it as https://host[:port], e.g. https://api.hubapi.com.');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new UserError(`${source} "${url}" uses ${parsed.protocol.slice(0, -1)}://; HubSpot is reached over https only.`, 'Give it as https://host[:port], e.g. https://api.hubapi.com.');
  }
  if (parsed.protocol === 'http:' && !LOOPBACK.test(parsed.hostname) && !opts.insecureHttp) {
    throw new UserError(
      `${source} "${url}" is plain http to another machine: the token and the customer data would cross the network unencrypted.`,
      'Use https://, or add --insecure-http if this really is a trusted proxy on a trusted network.',
    );
  }
  return normalizeBaseUrl(url);
}

/** The API base URL asked for: the flag, else HUBSPOT_API_BASE_URL; undefined when neither says. */
export function requestedApiBaseUrl(flag: string | undefined, env: NodeJS.ProcessEnv, opts: BaseUrlOptions = {}): string | undefined {
  if (flag) return checkBaseUrl(flag, '--base-url', opts);
  if (env.HUBSPOT_API_BASE_URL) return checkBaseUrl(env.HUBSPOT_API_BASE_URL, 'HUBSPOT_API_BASE_URL', opts);
  return undefined;
}

/** API base URL: flag, then HUBSPOT_API_BASE_URL, then HubSpot's global host. */
export function apiBaseUrl(flag: string | undefined, env: NodeJS.ProcessEnv, opts: BaseUrlOptions = {}): string {
  return requestedApiBaseUrl(flag, env, opts) ?? DEFAULT_API_BASE_URL;
}

/** Authorize (consent page) host: flag, then HUBSPOT_APP_BASE_URL, then HubSpot's. */
export function appBaseUrl(flag: string | undefined, env: NodeJS.ProcessEnv, opts: BaseUrlOptions = {}): string {
  if (flag) return checkBaseUrl(flag, '--app-url', opts);
  if (env.HUBSPOT_APP_BASE_URL) return checkBaseUrl(env.HUBSPOT_APP_BASE_URL, 'HUBSPOT_APP_BASE_URL', opts);
  return DEFAULT_APP_BASE_URL;
}
