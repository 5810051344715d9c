import type { HubSpotRequest } from './transport.js';

/**
 * Requests as they may appear in messages, logs and onRetry: bearer tokens never do. The client adds
 * the Authorization header itself, but a token can also sit in a path (OAuth introspection
 * `/oauth/v1/access-tokens/<token>`) or in a legacy `hapikey` query parameter.
 */
const SECRET_PATH_AFTER = /(\/(?:access-tokens|refresh-tokens)\/)[^/?#]+/g;
const SECRET_QUERY_KEYS = new Set(['hapikey', 'access_token', 'refresh_token', 'token', 'client_secret']);
export const REDACTED = '[redacted]';

export function redactText(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text.replace(SECRET_PATH_AFTER, `$1${REDACTED}`);
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join(REDACTED);
  return out;
}

/** Any JSON value with every known secret taken out of every string in it, keys included. */
export function redactValue(value: unknown, secrets: readonly (string | undefined)[]): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redactText(k, secrets), redactValue(v, secrets)]));
  }
  return value;
}

export function redactRequest(req: HubSpotRequest, secrets: readonly (string | undefined)[]): HubSpotRequest {
  const copy: HubSpotRequest = { ...req, path: redactText(req.path, secrets) };
  if (req.query) {
    copy.query = Object.fromEntries(
      Object.entries(req.query).map(([k, v]) => [k, SECRET_QUERY_KEYS.has(k.toLowerCase()) ? REDACTED : v]),
    );
  }
  return copy;
}

/** `POST /crm/v3/objects/contacts/batch/upsert`: enough to find the call, nothing secret. */
export function describeRequest(req: HubSpotRequest, secrets: readonly (string | undefined)[]): string {
  return `${req.method} ${redactText(req.path, secrets)}`;
}
