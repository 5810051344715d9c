import { Faults } from './faults.js';
import { DEFAULT_OAUTH_APP, runtimeConfig, type EmulatorOptions, type OAuthApp, type RuntimeConfig } from './options.js';
import { createRng, type Rng } from './prng.js';
import { RateLimiter } from './rate-limit.js';
import { RequestLog } from './request-log.js';
import { Store } from './store.js';
import { TokenStore } from './tokens.js';

export interface AuthCode {
  code: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  expiresAt: number;
}

/** Everything a handler may touch. `store` is replaced on reset; the rest lives as long as the server. */
export interface Ctx {
  config: RuntimeConfig;
  store: Store;
  tokens: TokenStore;
  apps: Map<string, OAuthApp & { appId: number }>;
  authCodes: Map<string, AuthCode>;
  limiter: RateLimiter;
  faults: Faults;
  log: RequestLog;
  shuffleRng: Rng;
  seed: number;
}

export function createContext(opts: EmulatorOptions): Ctx {
  const config = runtimeConfig(opts);
  const seed = opts.seed ?? 1;
  const ctx: Ctx = {
    config,
    store: new Store(config.hubId),
    tokens: new TokenStore(),
    apps: new Map(),
    authCodes: new Map(),
    limiter: new RateLimiter(config),
    faults: new Faults(seed, opts.faults),
    log: new RequestLog(),
    // A stream separate from the fault stream, so shuffles do not shift which requests fail.
    shuffleRng: createRng(seed ^ 0x5bd1e995),
    seed,
  };
  for (const app of opts.oauthApps ?? [DEFAULT_OAUTH_APP]) addApp(ctx, app);
  return ctx;
}

export function addApp(ctx: Ctx, app: OAuthApp): void {
  ctx.apps.set(app.clientId, { ...app, redirectUris: [...app.redirectUris], appId: 456789 + ctx.apps.size });
}

/** Fresh CRM/event state, counters and request log; credentials, apps, config and faults stay. */
export function resetState(ctx: Ctx): void {
  ctx.store = new Store(ctx.config.hubId);
  ctx.limiter.reset();
  ctx.log.clear();
  ctx.authCodes.clear();
  ctx.shuffleRng = createRng(ctx.seed ^ 0x5bd1e995);
}
