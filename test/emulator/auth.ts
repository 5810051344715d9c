import { apiError, HubSpotError, missingScopes } from './errors.js';
import type { ApiRequest } from './http.js';
import type { TokenRecord, TokenStore } from './tokens.js';

const NO_CREDENTIALS =
  'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview';

function invalidAuthentication(): HubSpotError {
  const { body } = apiError(401, 'INVALID_AUTHENTICATION', NO_CREDENTIALS);
  return new HubSpotError(401, body, { 'x-hubspot-auth-failure': '401 Unauthorized' });
}

/** "expired 0 second(s) ago", "5 hour(s) ago": HubSpot picks the largest whole unit. */
function agoText(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} second(s)`;
  if (s < 3600) return `${Math.floor(s / 60)} minute(s)`;
  if (s < 86400) return `${Math.floor(s / 3600)} hour(s)`;
  return `${Math.floor(s / 86400)} day(s)`;
}

export function authenticate(req: ApiRequest, tokens: TokenStore, now = Date.now()): TokenRecord {
  const header = req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const rec = m ? tokens.access.get(m[1]!) : undefined;
  if (!rec) throw invalidAuthentication();
  if (rec.expiresAt !== undefined && rec.expiresAt <= now) {
    throw apiError(401, 'EXPIRED_AUTHENTICATION', `The OAuth token used to make this call expired ${agoText(now - rec.expiresAt)} ago.`, {
      context: { 'expire time': [new Date(rec.expiresAt).toISOString()] },
    });
  }
  return rec;
}

/** `anyOf` lists alternatives, as the specs' security blocks do: one granted scope is enough. */
export function requireScopes(token: TokenRecord, anyOf: string[]): void {
  if (anyOf.length && !anyOf.some((s) => token.scopes.includes(s))) throw missingScopes(anyOf);
}
