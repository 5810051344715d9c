import { resetState, type Ctx } from './context.js';
import { validationError } from './errors.js';
import { dump } from './dump.js';
import { bodyObject, json, type ApiRequest } from './http.js';
import type { FaultOptions, IssueTokenOptions, RuntimeConfig } from './options.js';
import type { Route } from './router.js';
import { seed } from './seed.js';
import { ALL_SCOPES } from './tokens.js';

/** Issues a credential without the OAuth dance. An OAuth token comes with a refresh token for the first app. */
export function issueToken(ctx: Ctx, opts: IssueTokenOptions = {}): { access_token: string; refresh_token?: string; expires_in?: number } {
  const scopes = opts.scopes ?? ALL_SCOPES;
  if (opts.kind !== 'oauth') {
    const rec = ctx.tokens.issueStatic(scopes, opts.lifetimeSeconds);
    return { access_token: rec.token, ...(opts.lifetimeSeconds !== undefined ? { expires_in: opts.lifetimeSeconds } : {}) };
  }
  const app = [...ctx.apps.values()][0];
  if (!app) throw validationError('No OAuth app is registered');
  const lifetime = opts.lifetimeSeconds ?? ctx.config.accessTokenLifetimeSeconds;
  const access = ctx.tokens.issueOAuth(scopes, lifetime, app.clientId, app.appId);
  const refresh = ctx.tokens.issueRefresh(scopes, app.clientId, app.appId);
  return { access_token: access.token, refresh_token: refresh.token, expires_in: lifetime };
}

const NUMERIC: Array<keyof RuntimeConfig> = ['tenSecondlyLimit', 'searchPerSecond', 'accessTokenLifetimeSeconds', 'searchIndexLagMs', 'searchIndexLagJitterMs', 'authCodeLifetimeSeconds'];
const BOOLEAN: Array<keyof RuntimeConfig> = ['shuffleBatchResults', 'quiet', 'denyNextAuthorize'];

function setConfig(req: ApiRequest, ctx: Ctx) {
  const body = bodyObject(req);
  const c = ctx.config as unknown as Record<string, unknown>;
  for (const k of NUMERIC) if (typeof body[k] === 'number') c[k] = body[k];
  for (const k of BOOLEAN) if (typeof body[k] === 'boolean') c[k] = body[k];
  // null lifts the daily limit again.
  if (typeof body.dailyLimit === 'number' || body.dailyLimit === null) ctx.config.dailyLimit = body.dailyLimit ?? undefined;
  return json(200, ctx.config);
}

function setFaults(req: ApiRequest, ctx: Ctx) {
  ctx.faults.set(bodyObject(req) as FaultOptions);
  return json(200, ctx.faults.current);
}

function tokens(req: ApiRequest, ctx: Ctx) {
  const b = bodyObject(req);
  return json(200, issueToken(ctx, {
    ...(Array.isArray(b.scopes) ? { scopes: b.scopes.map(String) } : {}),
    ...(b.kind === 'oauth' || b.kind === 'static' ? { kind: b.kind } : {}),
    ...(typeof b.lifetimeSeconds === 'number' ? { lifetimeSeconds: b.lifetimeSeconds } : {}),
  }));
}

const c = (method: string, path: string, handler: Route['handler']): Route => ({ method, pattern: `/__emulator/${path}`, limit: 'public', handler });

/** Test controls: no auth, no faults, not in the request log. */
export const controlRoutes: Route[] = [
  c('GET', 'health', () => json(200, { ok: true })),
  c('POST', 'reset', (_req, ctx) => {
    resetState(ctx);
    return json(200, { ok: true });
  }),
  c('POST', 'seed', (req, ctx) => json(200, seed(ctx, bodyObject(req)))),
  c('GET', 'dump', (_req, ctx) => json(200, dump(ctx.store))),
  c('GET', 'requests', (req, ctx) => json(200, ctx.log.snapshot(Number(req.query.get('last') ?? 200) || 200))),
  c('GET', 'faults', (_req, ctx) => json(200, ctx.faults.current)),
  c('GET', 'stats', (_req, ctx) => json(200, { injected: ctx.faults.injected, ...ctx.log.stats() })),
  c('POST', 'faults', setFaults),
  c('POST', 'tokens', tokens),
  c('GET', 'config', (_req, ctx) => json(200, ctx.config)),
  c('POST', 'config', setConfig),
];
