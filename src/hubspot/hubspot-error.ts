import type { HubSpotResponse } from './transport.js';

/**
 * HubSpot's error body, kept whole enough for the failed-events file. HubSpot advises treating
 * every field as optional, so nothing here assumes a field is present or has the documented type.
 */
export interface HubSpotErrorDescription {
  status: number;
  /** `category` on most errors; rate-limit bodies call it `errorType`. */
  category?: string;
  message: string;
  correlationId?: string;
  subCategory?: string;
  context?: Record<string, unknown>;
  errors?: unknown[];
  /** Which rate-limit bucket a 429 came from: TEN_SECONDLY_ROLLING, SECONDLY, DAILY. */
  policyName?: string;
}

export interface PropertyError {
  name: string;
  code: string;
  message: string;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function describeHubSpotError(res: HubSpotResponse): HubSpotErrorDescription {
  const body: Json = isObject(res.body) ? res.body : {};
  const raw = str(body.raw);
  const described: HubSpotErrorDescription = {
    status: res.status,
    message: str(body.message) ?? (raw ? raw.slice(0, 500) : `HTTP ${res.status} with no error message`),
  };
  const category = str(body.category) ?? str(body.errorType);
  if (category) described.category = category;
  const correlationId = str(body.correlationId) ?? str(res.headers['x-hubspot-correlation-id']);
  if (correlationId) described.correlationId = correlationId;
  const subCategory = str(body.subCategory);
  if (subCategory) described.subCategory = subCategory;
  if (isObject(body.context)) described.context = body.context;
  if (Array.isArray(body.errors)) described.errors = body.errors;
  const policyName = str(body.policyName);
  if (policyName) described.policyName = policyName;
  return described;
}

const EMBEDDED_PREFIX = 'Property values were not valid:';

/**
 * The bad properties of a 400 VALIDATION_ERROR. HubSpot says it twice: structured in
 * `errors[].code/context.propertyName`, and as a JSON array inside `message`, which is the one
 * Segment's destination parses; older answers carry only the latter.
 */
export function parsePropertyErrors(res: HubSpotResponse): PropertyError[] {
  const body: Json = isObject(res.body) ? res.body : {};
  const structured = fromErrorsArray(body.errors);
  return structured.length > 0 ? structured : fromEmbeddedMessage(body.message);
}

function fromErrorsArray(errors: unknown): PropertyError[] {
  if (!Array.isArray(errors)) return [];
  const found: PropertyError[] = [];
  for (const e of errors) {
    if (!isObject(e)) continue;
    const names = isObject(e.context) ? e.context.propertyName : undefined;
    const name = Array.isArray(names) ? str(names[0]) : str(names);
    const code = str(e.code);
    if (name && code) found.push({ name, code, message: str(e.message) ?? code });
  }
  return found;
}

function fromEmbeddedMessage(message: unknown): PropertyError[] {
  const text = str(message);
  const at = text?.indexOf(EMBEDDED_PREFIX) ?? -1;
  if (!text || at < 0) return [];
  let items: unknown;
  try {
    items = JSON.parse(text.slice(at + EMBEDDED_PREFIX.length).trim());
  } catch {
    return [];
  }
  if (!Array.isArray(items)) return [];
  const found: PropertyError[] = [];
  for (const item of items) {
    if (!isObject(item)) continue;
    const name = str(item.name);
    const code = str(item.error);
    if (name && code) found.push({ name, code, message: str(item.message) ?? code });
  }
  return found;
}

/** The scopes a 403 MISSING_SCOPES answer asks for (`errors[].context.requiredScopes`). */
export function requiredScopes(res: HubSpotResponse): string[] {
  const { errors } = describeHubSpotError(res);
  const scopes = new Set<string>();
  for (const e of errors ?? []) {
    const listed = isObject(e) && isObject(e.context) ? e.context.requiredScopes : undefined;
    if (Array.isArray(listed)) for (const s of listed) if (str(s)) scopes.add(s as string);
  }
  return [...scopes];
}

/**
 * A line a person can act on for a 403 MISSING_SCOPES; `undefined` for any other answer, so callers
 * can fall back to the general description.
 */
export function formatMissingScopes(res: HubSpotResponse): string | undefined {
  const d = describeHubSpotError(res);
  if (res.status !== 403 || d.category !== 'MISSING_SCOPES') return undefined;
  const scopes = requiredScopes(res);
  const needed = scopes.length > 0 ? `it needs ${scopes.join(', ')}` : 'HubSpot did not say which scope is missing';
  return (
    `HubSpot refused the call: the app has not been granted the required scopes (403 MISSING_SCOPES; ${needed}). ` +
    'Add the scopes to the app (or the service key / private app) and run `hubspot-actions login` again.'
  );
}
