import type { HubSpotRequest } from './transport.js';

/**
 * The one redactor: every secret this process has seen (access and refresh tokens, the client
 * secret, any --token) is taken out of whatever is shown or written, wherever the text came from:
 * a proxy or a fake host may echo the request back. The client redacts every answer as it arrives,
 * so nothing downstream (failed file, summary, --json) ever holds a secret; cli.ts redacts every
 * message it prints once more. Patterns catch what was never registered: a bearer header, a form
 * field or a token in an OAuth path.
 */
const SECRET_PATH_AFTER = /(\/(?:access-tokens|refresh-tokens)\/)[^/?#\s"]+/g;
const SECRET_FIELDS = /\b(access_token|refresh_token|client_secret|hapikey|code|token)=([^&\s"'<>]+)/gi;
const BEARER = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/g;
const SECRET_QUERY_KEYS = new Set(['hapikey', 'access_token', 'refresh_token', 'token', 'client_secret']);
export const REDACTED = '[redacted]';

/** Shorter strings are too likely to occur by chance in ordinary text to be cut out of it. */
const MIN_SECRET_LENGTH = 8;
const known = new Set<string>();

/** Registers a secret (and its URL-encoded form) so every later redaction takes it out. */
export function rememberSecret(secret: string | undefined): void {
  if (!secret || secret.length < MIN_SECRET_LENGTH) return;
  known.add(secret);
  const encoded = encodeURIComponent(secret);
  if (encoded !== secret) known.add(encoded);
}

export interface RedactOptions {
  /**
   * Also cut what looks like a secret (bearer headers, token= fields, OAuth token paths). For text
   * shown to people; not for answers the run reads, where a property value "code=A1" is data.
   */
  patterns?: boolean;
}

export function redactText(text: string, extra: readonly (string | undefined)[] = [], opts: RedactOptions = {}): string {
  let out = text;
  if (opts.patterns !== false) out = out.replace(SECRET_PATH_AFTER, `$1${REDACTED}`).replace(SECRET_FIELDS, `$1=${REDACTED}`).replace(BEARER, `$1 ${REDACTED}`);
  for (const s of extra) if (s && s.length >= 4) out = out.split(s).join(REDACTED);
  // Longest first: a secret that contains another is cut out whole.
  for (const s of [...known].sort((a, b) => b.length - a.length)) if (out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

/** Any JSON value with every known secret taken out of every string in it, keys included. */
export function redactValue(value: unknown, extra: readonly (string | undefined)[] = [], opts: RedactOptions = {}): unknown {
  if (typeof value === 'string') return redactText(value, extra, opts);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, extra, opts));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redactText(k, extra, opts), redactValue(v, extra, opts)]));
  }
  return value;
}

export function redactRequest(req: HubSpotRequest, secrets: readonly (string | undefined)[] = []): HubSpotRequest {
  const copy: HubSpotRequest = { ...req, path: redactText(req.path, secrets) };
  if (req.query) {
    copy.query = Object.fromEntries(
      Object.entries(req.query).map(([k, v]) => [k, SECRET_QUERY_KEYS.has(k.toLowerCase()) ? REDACTED : v]),
    );
  }
  return copy;
}

/** `POST /crm/v3/objects/contacts/batch/upsert`: enough to find the call, nothing secret. */
export function describeRequest(req: HubSpotRequest, secrets: readonly (string | undefined)[] = []): string {
  return `${req.method} ${redactText(req.path, secrets)}`;
}
