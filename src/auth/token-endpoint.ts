import { paths } from '../hubspot/api.js';
import { plainRequest, type PlainRequest } from '../hubspot/plain-request.js';
import type { HubSpotResponse } from '../hubspot/transport.js';
import { redactText, rememberSecret } from '../hubspot/redact.js';

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
  for (const s of [client.clientSecret, params.code, params.refresh_token]) rememberSecret(s);
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
  rememberSecret(b.access_token);
  if (typeof b.refresh_token === 'string') rememberSecret(b.refresh_token);
  return {
    accessToken: b.access_token,
    refreshToken: typeof b.refresh_token === 'string' ? b.refresh_token : '',
    expiresInSeconds: b.expires_in,
    requestedAt,
  };
}

/** The token goes in the form body, never in the path, where proxies and logs would keep it. */
function tokenForm(client: ClientCredentials, token: string): PlainRequest {
  rememberSecret(token);
  rememberSecret(client.clientSecret);
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
    body: new URLSearchParams({ token, client_id: client.clientId, client_secret: client.clientSecret }).toString(),
  };
}

export async function introspectAccessToken(apiBaseUrl: string, client: ClientCredentials, accessToken: string): Promise<AccessTokenInfo> {
  const res = await plainRequest(apiBaseUrl, paths.oauthIntrospect(), tokenForm(client, accessToken));
  if (res.status !== 200) throw endpointError(res, [accessToken]);
  const b = res.body ?? {};
  if (b.active === false) throw new TokenEndpointError(res.status, 'INACTIVE_TOKEN', 'HubSpot says the token it has just issued is not active.');
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
export async function revokeRefreshToken(apiBaseUrl: string, client: ClientCredentials, refreshToken: string): Promise<void> {
  const res = await plainRequest(apiBaseUrl, paths.oauthRevoke(), tokenForm(client, refreshToken));
  if (res.status >= 200 && res.status < 300) return;
  if (res.status === 404 || (res.status === 400 && res.body?.status === 'BAD_REFRESH_TOKEN')) return;
  throw endpointError(res, [refreshToken]);
}

/** HubSpot's `{status, message, correlationId}` as an error; its text is scrubbed of what we sent. */
function endpointError(res: HubSpotResponse, secrets: Array<string | undefined>): TokenEndpointError {
  const b = res.body ?? {};
  const code = typeof b.status === 'string' && b.status !== 'error' ? b.status : typeof b.category === 'string' ? b.category : `HTTP_${res.status}`;
  let text = `HTTP ${res.status} ${code}`;
  if (typeof b.message === 'string' && b.message) text += `: ${b.message}`;
  if (typeof b.correlationId === 'string') text += ` (correlationId ${b.correlationId})`;
  // Every field: a gateway in front of the token endpoint may echo the form into any of them.
  return new TokenEndpointError(res.status, redactText(code, secrets), redactText(text, secrets));
}
