import { HubSpotRunError } from '../errors.js';
import { paths, seg } from './api.js';
import { plainRequest } from './plain-request.js';
import { redactText } from './redact.js';
import type { HubSpotRequest, Transport } from './transport.js';

/**
 * What a mapping author (and the preflight checks) need to know of a portal, read with GETs only:
 * properties, custom object schemas, event definitions, association labels, the account and the
 * token's scopes.
 */
export interface PortalProperty {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  options: Array<{ label: string; value: string }>;
  readOnly: boolean;
  calculated: boolean;
  hasUniqueValue: boolean;
  hubspotDefined: boolean;
  groupName: string;
}

export interface PortalSchema {
  name: string;
  fullyQualifiedName: string;
  objectTypeId: string;
  labels: { singular?: string; plural?: string };
  primaryDisplayProperty?: string;
  searchableProperties: string[];
  requiredProperties: string[];
}

export interface PortalEventDefinition {
  name: string;
  fullyQualifiedName: string;
  label: string;
  primaryObject: string;
  includeDefaultProperties: boolean;
  properties: Array<{ name: string; label: string; type: string; options?: Array<{ label: string; value: string }> }>;
}

export interface AssociationLabel {
  category: string;
  typeId: number;
  label: string | null;
}

export interface TokenInfo {
  hubId?: number;
  scopes?: string[];
}

/** A read HubSpot refused; `status` and `category` say why (404 for an unknown object type). */
export class PortalReadError extends Error {
  constructor(message: string, readonly status: number, readonly category?: string) {
    super(message);
    this.name = 'PortalReadError';
  }
}

async function read(t: Transport, req: HubSpotRequest, what: string): Promise<any> {
  const res = await t.send({ ...req, method: req.method ?? 'GET' });
  if (res.status >= 200 && res.status < 300) return res.body ?? {};
  const category = typeof res.body?.category === 'string' ? res.body.category : undefined;
  // An echoing gateway may quote the request, token and all: what is shown is redacted.
  const message = typeof res.body?.message === 'string' ? redactText(res.body.message) : `HTTP ${res.status}`;
  if (res.status === 401) throw new HubSpotRunError(`HubSpot refused the token while reading ${what} (401${category ? ` ${category}` : ''}).`, 'auth', 'Log in again (`hubspot-actions login`) or give another token.');
  throw new PortalReadError(`HubSpot answered ${res.status} to reading ${what}: ${message}`, res.status, category);
}

export async function listProperties(t: Transport, objectType: string): Promise<PortalProperty[]> {
  const body = await read(t, { method: 'GET', path: paths.properties(objectType) }, `the ${objectType} properties`);
  return (Array.isArray(body.results) ? body.results : []).map((p: any): PortalProperty => ({
    name: String(p.name),
    label: String(p.label ?? p.name),
    type: String(p.type ?? 'string'),
    fieldType: String(p.fieldType ?? 'text'),
    options: Array.isArray(p.options) ? p.options.map((o: any) => ({ label: String(o.label ?? o.value), value: String(o.value) })) : [],
    readOnly: p.modificationMetadata?.readOnlyValue === true,
    calculated: p.calculated === true || p.fieldType === 'calculation_equation',
    hasUniqueValue: p.hasUniqueValue === true,
    hubspotDefined: p.hubspotDefined === true,
    groupName: String(p.groupName ?? ''),
  }));
}

export async function listSchemas(t: Transport): Promise<PortalSchema[]> {
  const body = await read(t, { method: 'GET', path: paths.schemas() }, 'the custom object schemas');
  return (Array.isArray(body.results) ? body.results : []).map((s: any): PortalSchema => ({
    name: String(s.name),
    fullyQualifiedName: String(s.fullyQualifiedName ?? s.name),
    objectTypeId: String(s.objectTypeId ?? s.id),
    labels: { singular: s.labels?.singular, plural: s.labels?.plural },
    primaryDisplayProperty: s.primaryDisplayProperty,
    searchableProperties: Array.isArray(s.searchableProperties) ? s.searchableProperties.map(String) : [],
    requiredProperties: Array.isArray(s.requiredProperties) ? s.requiredProperties.map(String) : [],
  }));
}

export async function listEventDefinitions(t: Transport): Promise<PortalEventDefinition[]> {
  const out: PortalEventDefinition[] = [];
  let after: string | undefined;
  for (let page = 0; page < 100; page++) {
    const body = await read(t, { method: 'GET', path: paths.eventDefinitions(), query: { limit: 100, after, includeProperties: true } }, 'the event definitions');
    for (const d of Array.isArray(body.results) ? body.results : []) out.push(eventDefinition(d));
    after = body.paging?.next?.after;
    if (!after) break;
  }
  return out;
}

function eventDefinition(d: any): PortalEventDefinition {
  return {
    name: String(d.name),
    fullyQualifiedName: String(d.fullyQualifiedName ?? d.name),
    label: String(d.labels?.singular ?? d.label ?? d.name),
    primaryObject: String(d.primaryObject ?? 'CONTACT'),
    includeDefaultProperties: d.includeDefaultProperties !== false,
    properties: (Array.isArray(d.properties) ? d.properties : []).map((p: any) => ({ name: String(p.name), label: String(p.label ?? p.name), type: String(p.type ?? 'string'), ...(Array.isArray(p.options) ? { options: p.options } : {}) })),
  };
}

export async function listAssociationLabels(t: Transport, fromType: string, toType: string): Promise<AssociationLabel[]> {
  const body = await read(t, { method: 'GET', path: paths.associationLabels(fromType, toType) }, `the ${fromType} → ${toType} association labels`);
  return (Array.isArray(body.results) ? body.results : []).map((l: any) => ({ category: String(l.category), typeId: Number(l.typeId), label: l.label ?? null }));
}

/** The portal's Hub ID, from the account details. */
export async function accountHubId(t: Transport): Promise<number | undefined> {
  try {
    const body = await read(t, { method: 'GET', path: paths.accountInfo() }, 'the account details');
    return typeof body.portalId === 'number' ? body.portalId : undefined;
  } catch (err) {
    if (err instanceof PortalReadError) return undefined;
    throw err;
  }
}

/**
 * The token's Hub ID and scopes: OAuth access tokens describe themselves at
 * `GET /oauth/v1/access-tokens/{token}`, private-app tokens and service keys at
 * `POST /oauth/v2/private-apps/get/access-token-info`. Neither answer is printed: it holds the token.
 */
export async function tokenInfo(baseUrl: string, token: string): Promise<TokenInfo> {
  // A private-app token (pat-…) is asked about in a body, not in a URL path where logs keep it.
  const order = token.startsWith('pat-') ? [privateAppInfo, oauthInfo] : [oauthInfo, privateAppInfo];
  for (const ask of order) {
    const info = await ask(baseUrl, token);
    if (info) return info;
  }
  return {};
}

async function oauthInfo(baseUrl: string, token: string): Promise<TokenInfo | undefined> {
  const res = await plainRequest(baseUrl, `/oauth/v1/access-tokens/${seg(token)}`, { method: 'GET' });
  return res.status === 200 ? { hubId: numberOr(res.body?.hub_id), scopes: stringsOr(res.body?.scopes) } : undefined;
}

async function privateAppInfo(baseUrl: string, token: string): Promise<TokenInfo | undefined> {
  const res = await plainRequest(baseUrl, '/oauth/v2/private-apps/get/access-token-info', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ tokenKey: token }),
  });
  return res.status === 200 ? { hubId: numberOr(res.body?.hubId), scopes: stringsOr(res.body?.scopes) } : undefined;
}

const numberOr = (v: unknown) => (typeof v === 'number' ? v : undefined);
const stringsOr = (v: unknown) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : undefined);
