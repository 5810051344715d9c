import { randomUUID } from 'node:crypto';
import type { Ctx } from './context.js';
import { correlationId, errorBody, HubSpotError } from './errors.js';
import { bodyObject, json, noContent, type ApiRequest, type ApiResponse } from './http.js';
import type { Route } from './router.js';
import { EMULATOR_USER, type RefreshRecord, type TokenRecord } from './tokens.js';

const hubDomain = (ctx: Ctx) => `emulator-${ctx.config.hubId}.hubspot.com`;

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** HubSpot shows an error page and does not redirect when the app or redirect URI is wrong. */
function errorPage(message: string): ApiResponse {
  return { status: 400, html: `<!doctype html><html><head><title>Authorization failed</title></head><body><h1>Authorization failed</h1><p id="error">${escapeHtml(message)}</p></body></html>` };
}

function redirect(base: string, params: Record<string, string | undefined>): ApiResponse {
  const url = new URL(base);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return { status: 302, headers: { location: url.toString() }, body: undefined };
}

const scopeList = (s: string | null) => (s ?? '').split(/[\s+]+/).filter(Boolean);

/** The consent screen, answered at once as if the user approved (or denied, when asked to). */
function authorize(req: ApiRequest, ctx: Ctx): ApiResponse {
  const q = req.query;
  const app = ctx.apps.get(q.get('client_id') ?? '');
  if (!app) return errorPage(`Authorization failed because the client_id '${q.get('client_id') ?? ''}' is not valid.`);
  const redirectUri = q.get('redirect_uri') ?? '';
  if (!app.redirectUris.includes(redirectUri)) {
    return errorPage(`Authorization failed as the redirect URL '${redirectUri}' doesn't match the app's registered redirect URL`);
  }
  const scopes = [...new Set([...scopeList(q.get('scope')), ...scopeList(q.get('optional_scope'))])];
  if (scopeList(q.get('scope')).length === 0) return errorPage('Authorization failed because the provided scopes are insufficient');
  const state = q.get('state') ?? undefined;
  if (q.get('__emulator_deny') === '1' || ctx.config.denyNextAuthorize) {
    ctx.config.denyNextAuthorize = false;
    return redirect(redirectUri, { error: 'access_denied', error_description: 'The user denied access to the app.', state });
  }
  const code = randomUUID();
  ctx.authCodes.set(code, { code, clientId: app.clientId, redirectUri, scopes, expiresAt: Date.now() + ctx.config.authCodeLifetimeSeconds * 1000 });
  return redirect(redirectUri, { code, state });
}

/** Token-endpoint errors are flat: {status: CODE, message, correlationId}. */
const tokenError = (status: string, message: string) => new HubSpotError(400, { status, message, correlationId: correlationId() });

function form(req: ApiRequest): URLSearchParams {
  // Form-encoded only, like HubSpot: a JSON body carries no readable parameters.
  const type = String(req.headers['content-type'] ?? '');
  return type.includes('application/x-www-form-urlencoded') ? new URLSearchParams(req.rawBody) : new URLSearchParams();
}

function tokenAnswer(ctx: Ctx, access: TokenRecord, refresh: RefreshRecord): ApiResponse {
  return json(200, {
    token_type: 'bearer',
    access_token: access.token,
    refresh_token: refresh.token,
    expires_in: ctx.config.accessTokenLifetimeSeconds,
    hub_id: ctx.config.hubId,
    user_id: EMULATOR_USER.id,
    scopes: access.scopes,
    token_use: 'access_token',
  });
}

function token(req: ApiRequest, ctx: Ctx): ApiResponse {
  const f = form(req);
  const grant = f.get('grant_type');
  if (grant !== 'authorization_code' && grant !== 'refresh_token') throw tokenError('BAD_GRANT_TYPE', 'missing or invalid grant_type');
  const app = ctx.apps.get(f.get('client_id') ?? '');
  if (!app) throw tokenError('BAD_CLIENT_ID', 'missing or invalid client_id');
  if (f.get('client_secret') !== app.clientSecret) throw tokenError('BAD_CLIENT_SECRET', 'missing or invalid client_secret');
  const lifetime = ctx.config.accessTokenLifetimeSeconds;

  if (grant === 'refresh_token') {
    const refresh = ctx.tokens.refresh.get(f.get('refresh_token') ?? '');
    if (!refresh || refresh.clientId !== app.clientId) throw tokenError('BAD_REFRESH_TOKEN', 'missing or invalid refresh token');
    // HubSpot hands back the same refresh token on refresh.
    return tokenAnswer(ctx, ctx.tokens.issueOAuth(refresh.scopes, lifetime, app.clientId, app.appId), refresh);
  }

  const code = ctx.authCodes.get(f.get('code') ?? '');
  if (!code || code.clientId !== app.clientId) throw tokenError('BAD_AUTH_CODE', 'missing or unknown auth code');
  if (code.expiresAt <= Date.now()) {
    ctx.authCodes.delete(code.code);
    throw tokenError('EXPIRED_AUTH_CODE', 'auth code is expired');
  }
  if (f.get('redirect_uri') !== code.redirectUri) throw tokenError('BAD_REDIRECT_URI', 'redirect_uri does not match the redirect_uri used to obtain the auth code');
  ctx.authCodes.delete(code.code);
  const refresh = ctx.tokens.issueRefresh(code.scopes, app.clientId, app.appId);
  return tokenAnswer(ctx, ctx.tokens.issueOAuth(code.scopes, lifetime, app.clientId, app.appId), refresh);
}

const tokenNotFound = (kind: string) => new HubSpotError(404, errorBody('OBJECT_NOT_FOUND', `${kind} token not found`));

/** Fields both introspection answers share. */
function owner(ctx: Ctx, token: string, scopes: string[]) {
  return { token, user: EMULATOR_USER.email, hub_domain: hubDomain(ctx), scopes, hub_id: ctx.config.hubId, user_id: EMULATOR_USER.id };
}

function accessTokenInfo(ctx: Ctx, rec: TokenRecord) {
  const expiresIn = Math.max(0, Math.floor(((rec.expiresAt ?? Date.now()) - Date.now()) / 1000));
  return { ...owner(ctx, rec.token, rec.scopes), app_id: rec.appId, expires_in: expiresIn, token_type: 'access' };
}

function refreshTokenInfo(ctx: Ctx, rec: RefreshRecord) {
  return { ...owner(ctx, rec.token, rec.scopes), client_id: rec.clientId, token_type: 'refresh' };
}

function introspectAccess(req: ApiRequest, ctx: Ctx) {
  const rec = ctx.tokens.access.get(req.params.token!);
  if (!rec || rec.kind !== 'oauth') throw tokenNotFound('access');
  return json(200, accessTokenInfo(ctx, rec));
}

function introspectRefresh(req: ApiRequest, ctx: Ctx) {
  const rec = ctx.tokens.refresh.get(req.params.token!);
  if (!rec) throw tokenNotFound('refresh');
  return json(200, refreshTokenInfo(ctx, rec));
}

/** Deletes the refresh token only; access tokens already issued keep working (HubSpot docs). */
function revokeRefresh(req: ApiRequest, ctx: Ctx) {
  if (!ctx.tokens.refresh.delete(req.params.token!)) throw tokenNotFound('refresh');
  return noContent();
}

function checkClient(ctx: Ctx, f: URLSearchParams) {
  const app = ctx.apps.get(f.get('client_id') ?? '');
  if (!app) throw tokenError('BAD_CLIENT_ID', 'missing or invalid client_id');
  if (f.get('client_secret') !== app.clientSecret) throw tokenError('BAD_CLIENT_SECRET', 'missing or invalid client_secret');
}

function introspectV3(req: ApiRequest, ctx: Ctx) {
  const f = form(req);
  checkClient(ctx, f);
  const t = f.get('token') ?? '';
  const access = ctx.tokens.access.get(t);
  if (access?.kind === 'oauth' && (access.expiresAt ?? Infinity) > Date.now()) {
    return json(200, { active: true, ...accessTokenInfo(ctx, access), client_id: access.clientId, token_use: 'access_token' });
  }
  const refresh = ctx.tokens.refresh.get(t);
  if (refresh) return json(200, { active: true, ...refreshTokenInfo(ctx, refresh), app_id: refresh.appId, token_use: 'refresh_token' });
  return json(200, { active: false });
}

function revokeV3(req: ApiRequest, ctx: Ctx) {
  const f = form(req);
  checkClient(ctx, f);
  ctx.tokens.refresh.delete(f.get('token') ?? '');
  return noContent();
}

/**
 * A private-app token or service key describes itself (hubspot-api.md §1.5: `POST
 * /oauth/v2/private-apps/get/access-token-info` with `{tokenKey}` → `{userId, hubId, appId, scopes}`).
 * Guessed: the 404 for an unknown or OAuth token.
 */
function privateAppTokenInfo(req: ApiRequest, ctx: Ctx) {
  const body = bodyObject(req);
  const rec = typeof body.tokenKey === 'string' ? ctx.tokens.access.get(body.tokenKey) : undefined;
  if (!rec || rec.kind !== 'static') throw tokenNotFound('access');
  return json(200, { userId: EMULATOR_USER.id, hubId: ctx.config.hubId, appId: rec.appId, scopes: rec.scopes });
}

const pub = (method: string, pattern: string, handler: Route['handler']): Route => ({ method, pattern, limit: 'public', handler });

export const oauthRoutes: Route[] = [
  pub('GET', '/oauth/authorize', authorize),
  pub('GET', '/oauth/:portalId/authorize', authorize),
  pub('POST', '/oauth/v1/token', token),
  pub('POST', '/oauth/v3/token', token),
  pub('POST', '/oauth/v3/token/introspect', introspectV3),
  pub('POST', '/oauth/v3/token/revoke', revokeV3),
  pub('GET', '/oauth/v1/access-tokens/:token', introspectAccess),
  pub('GET', '/oauth/v1/refresh-tokens/:token', introspectRefresh),
  pub('DELETE', '/oauth/v1/refresh-tokens/:token', revokeRefresh),
  pub('POST', '/oauth/v2/private-apps/get/access-token-info', privateAppTokenInfo),
];
