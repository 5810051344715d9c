import { paths } from '../hubspot/api.js';
import { plainRequest } from '../hubspot/plain-request.js';
import type { HubSpotResponse } from '../hubspot/transport.js';
import { redactText } from '../hubspot/redact.js';

export interface TokenGrant {
  accessToken: string;
  refreshToken: string;
  expiresInSeconds: number;
  /** When the request was sent: expiry counts from here, so a slow answer never makes us late. */
  requestedAt: number;
}

export interface AccessTokenInfo {
  hubId?: number;
  user?: string;
  userId?: number;
  scopes: string[];
  expiresInSeconds?: number;
}

/** HubSpot's token endpoint said no: `code` is its `status` field (BAD_REFRESH_TOKEN, BAD_AUTH_CODE, ...). */
export class TokenEndpointError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'TokenEndpointError';
  }
}

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

export async function exchangeAuthorizationCode(
  apiBaseUrl: string,
  client: ClientCredentials,
  redirectUri: string,
  code: string,
): Promise<TokenGrant> {
  return tokenRequest(apiBaseUrl, client, {
    grant_type: 'authorization_code',
    redirect_uri: redirectUri,
    code,
  });
}

export async function refreshAccessToken(
  apiBaseUrl: string,
  client: ClientCredentials,
  refreshToken: string,
): Promise<TokenGrant & { rotated: boolean }> {
  const grant = await tokenRequest(apiBaseUrl, client, { grant_type: 'refresh_token', refresh_token: refreshToken });
  // HubSpot answers with the same refresh token today; keep whatever comes back in case it rotates.
  return { ...grant, refreshToken: grant.refreshToken || refreshToken, rotated: !!grant.refreshToken && grant.refreshToken !== refreshToken };
}

async function tokenRequest(apiBaseUrl: string, client: ClientCredentials, params: Record<string, string>): Promise<TokenGrant> {
  const requestedAt = Date.now();
  const form = new URLSearchParams({ ...params, client_id: client.clientId, client_secret: client.clientSecret });
  const res = await plainRequest(apiBaseUrl, paths.oauthToken(), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
    body: form.toString(),
  });
  const secrets = [client.clientSecret, params.code, params.refresh_token];
  if (res.status !== 200) throw endpointError(res, secrets);
  const b = res.body ?? {};
  if (typeof b.access_token !== 'string' || typeof b.expires_in !== 'number') {
    throw new TokenEndpointError(res.status, 'MALFORMED_RESPONSE', 'HubSpot answered the token request without an access token and expiry.');
  }
  return {
    accessToken: b.access_token,
    refreshToken: typeof b.refresh_token === 'string' ? b.refresh_token : '',
    expiresInSeconds: b.expires_in,
    requestedAt,
  };
}

export async function introspectAccessToken(apiBaseUrl: string, accessToken: string): Promise<AccessTokenInfo> {
  const res = await plainRequest(apiBaseUrl, paths.oauthAccessToken(accessToken), { method: 'GET' });
  if (res.status !== 200) throw endpointError(res, [accessToken]);
  const b = res.body ?? {};
  return {
    hubId: typeof b.hub_id === 'number' ? b.hub_id : undefined,
    user: typeof b.user === 'string' ? b.user : undefined,
    userId: typeof b.user_id === 'number' ? b.user_id : undefined,
    scopes: Array.isArray(b.scopes) ? b.scopes.filter((s: unknown): s is string => typeof s === 'string') : [],
    expiresInSeconds: typeof b.expires_in === 'number' ? b.expires_in : undefined,
  };
}

/**
 * Deletes the refresh token at HubSpot. A token HubSpot no longer knows (404, or a 400 naming it
 * bad) counts as revoked: the goal, that it can no longer be used, is met.
 */
export async function revokeRefreshToken(apiBaseUrl: string, refreshToken: string): Promise<void> {
  const res = await plainRequest(apiBaseUrl, paths.oauthRefreshToken(refreshToken), { method: 'DELETE' });
  if (res.status >= 200 && res.status < 300) return;
  if (res.status === 404 || (res.status === 400 && res.body?.status === 'BAD_REFRESH_TOKEN')) return;
  throw endpointError(res, [refreshToken]);
}

/** HubSpot's `{status, message, correlationId}` as an error; its text is scrubbed of what we sent. */
function endpointError(res: HubSpotResponse, secrets: Array<string | undefined>): TokenEndpointError {
  const b = res.body ?? {};
  const code = typeof b.status === 'string' && b.status !== 'error' ? b.status : typeof b.category === 'string' ? b.category : `HTTP_${res.status}`;
  let text = `HTTP ${res.status} ${code}`;
  if (typeof b.message === 'string' && b.message) text += `: ${redactText(b.message, secrets)}`;
  if (typeof b.correlationId === 'string') text += ` (correlationId ${b.correlationId})`;
  return new TokenEndpointError(res.status, code, text);
}
