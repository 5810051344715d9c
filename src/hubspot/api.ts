import { UserError } from '../errors.js';

/**
 * HubSpot API paths and versions, in one place. Segment's destination uses the v3 CRM and events
 * paths and v4 associations (`--api-version v3`, the default); HubSpot's date-versioned family
 * (`--api-version 2026-03`: /crm/objects/2026-03/..., /crm/associations/2026-03/...,
 * /events/2026-03/send) takes the same bodies. The sending path takes its paths from
 * `apiPaths(version)`, handed to the actions in their PerformContext.
 */
export const DEFAULT_API_BASE_URL = 'https://api.hubapi.com';
export const DEFAULT_APP_BASE_URL = 'https://app.hubspot.com';

export const OAUTH_VERSION = 'v1';

/** The API families `--api-version` (and `settings.apiVersion`) choose between. */
export const API_VERSIONS = ['v3', '2026-03'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];
export const DEFAULT_API_VERSION: ApiVersion = 'v3';
export const isApiVersion = (v: unknown): v is ApiVersion => typeof v === 'string' && (API_VERSIONS as readonly string[]).includes(v);

/** Path segments are encoded: an email with '+' or '/' must not change the URL's meaning. */
export const seg = (s: string | number): string => encodeURIComponent(String(s));

interface Family {
  /** `/crm/v3/objects` or `/crm/objects/2026-03`. */
  objects: string;
  properties: string;
  schemas: string;
  /** Where the v4-style record association paths start (`/crm/v4/objects`, `/crm/objects/2026-03`). */
  assocObjects: string;
  assocBatch: string;
  events: string;
  accountInfo: string;
}

const FAMILIES: Record<ApiVersion, Family> = {
  v3: {
    objects: '/crm/v3/objects',
    properties: '/crm/v3/properties',
    schemas: '/crm/v3/schemas',
    assocObjects: '/crm/v4/objects',
    assocBatch: '/crm/v4/associations',
    events: '/events/v3',
    accountInfo: '/account-info/v3/details',
  },
  '2026-03': {
    objects: '/crm/objects/2026-03',
    properties: '/crm/properties/2026-03',
    schemas: '/crm-object-schemas/2026-03/schemas',
    assocObjects: '/crm/objects/2026-03',
    assocBatch: '/crm/associations/2026-03',
    events: '/events/2026-03',
    accountInfo: '/account-info/2026-03/details',
  },
};

/** Every path the sending path (actions, preflight reads) uses, in the chosen API family. */
export function apiPaths(version: ApiVersion = DEFAULT_API_VERSION) {
  const f = FAMILIES[version];
  return {
    version,
    objects: (type: string) => `${f.objects}/${seg(type)}`,
    object: (type: string, id: string) => `${f.objects}/${seg(type)}/${seg(id)}`,
    batch: (type: string, op: 'read' | 'create' | 'update' | 'upsert') => `${f.objects}/${seg(type)}/batch/${op}`,
    search: (type: string) => `${f.objects}/${seg(type)}/search`,
    properties: (type: string) => `${f.properties}/${seg(type)}`,
    property: (type: string, name: string) => `${f.properties}/${seg(type)}/${seg(name)}`,
    schemas: () => f.schemas,
    associationLabelled: (fromType: string, fromId: string, toType: string, toId: string) =>
      `${f.assocObjects}/${seg(fromType)}/${seg(fromId)}/associations/${seg(toType)}/${seg(toId)}`,
    associationsBatchDefault: (fromType: string, toType: string) => `${f.assocBatch}/${seg(fromType)}/${seg(toType)}/batch/associate/default`,
    associationsBatchCreate: (fromType: string, toType: string) => `${f.assocBatch}/${seg(fromType)}/${seg(toType)}/batch/create`,
    associationsBatchRead: (fromType: string, toType: string) => `${f.assocBatch}/${seg(fromType)}/${seg(toType)}/batch/read`,
    associationLabels: (fromType: string, toType: string) => `${f.assocBatch}/${seg(fromType)}/${seg(toType)}/labels`,
    eventSend: () => `${f.events}/send`,
    eventSendBatch: () => `${f.events}/send/batch`,
    eventDefinitions: () => `${f.events}/event-definitions`,
    accountInfo: () => f.accountInfo,
  } as const;
}

export type ApiPaths = ReturnType<typeof apiPaths>;

/**
 * Today's family, for what is not on the sending path (login's token check, `init`, `portal`),
 * plus the OAuth endpoints, which are versioned apart.
 */
export const paths = {
  ...apiPaths(DEFAULT_API_VERSION),
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
