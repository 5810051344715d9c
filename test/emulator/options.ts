/** The public contract other engineers code against; index.ts re-exports these unchanged. */
export interface EmulatorOptions {
  port?: number;
  hubId?: number;
  tenSecondlyLimit?: number;
  searchPerSecond?: number;
  dailyLimit?: number;
  accessTokenLifetimeSeconds?: number;
  faults?: FaultOptions;
  seed?: number;
  shuffleBatchResults?: boolean;
  searchIndexLagMs?: number;
  /** Each write becomes searchable after searchIndexLagMs plus a seeded 0..jitter ms of its own. */
  searchIndexLagJitterMs?: number;
  oauthApps?: OAuthApp[];
  quiet?: boolean;
}

export interface FaultOptions {
  /** 500/502/503 answered before the handler runs: nothing was written. */
  errorRate?: number;
  /** A lone TEN_SECONDLY_ROLLING 429, before the handler runs. */
  rate429?: number;
  /** The connection is reset before the handler runs: nothing was written. */
  dropRate?: number;
  /** The handler runs (the write is committed), then the connection is reset: the answer is lost. */
  dropAfterWriteRate?: number;
  /** The handler runs (the write is committed), then 502 or 504 is answered instead of its result. */
  errorAfterWriteRate?: number;
  /** The handler runs (committed), then the answer is held `slowAfterWriteMs` (default 35 000) before it is sent. */
  slowAfterWriteRate?: number;
  slowAfterWriteMs?: number;
  /** Chance that a request starts a 429 burst: it and every matching request for `burst429Ms` (default 1500) answer 429. */
  burst429Rate?: number;
  burst429Ms?: number;
  /** Every request waits this long before anything else happens (whatever `routes` says). */
  slowMs?: number;
  /** Only requests whose "METHOD /path" matches this regex are faulted. */
  routes?: string;
}

export interface OAuthApp {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

export interface RunningEmulator {
  url: string;
  hubId: number;
  accessToken: string;
  issueToken(opts?: IssueTokenOptions): string;
  setFaults(f: FaultOptions): void;
  stop(): Promise<void>;
}

export interface IssueTokenOptions {
  scopes?: string[];
  kind?: 'static' | 'oauth';
  lifetimeSeconds?: number;
}

/** What can change while the emulator runs (POST /__emulator/config). */
export interface RuntimeConfig {
  hubId: number;
  tenSecondlyLimit: number;
  searchPerSecond: number;
  dailyLimit: number | undefined;
  accessTokenLifetimeSeconds: number;
  shuffleBatchResults: boolean;
  searchIndexLagMs: number;
  searchIndexLagJitterMs: number;
  quiet: boolean;
  /** The next /oauth/authorize answers as if the user clicked "deny". */
  denyNextAuthorize: boolean;
  /** HubSpot gives "a short window" to exchange a code; settable so EXPIRED_AUTH_CODE can be tested. */
  authCodeLifetimeSeconds: number;
}

export const DEFAULT_OAUTH_APP: OAuthApp = {
  clientId: 'test-client-id',
  clientSecret: 'test-client-secret',
  redirectUris: ['http://localhost:3000/oauth-callback'],
};

export function runtimeConfig(o: EmulatorOptions): RuntimeConfig {
  return {
    hubId: o.hubId ?? 1234567,
    tenSecondlyLimit: o.tenSecondlyLimit ?? 110,
    searchPerSecond: o.searchPerSecond ?? 5,
    dailyLimit: o.dailyLimit,
    accessTokenLifetimeSeconds: o.accessTokenLifetimeSeconds ?? 1800,
    shuffleBatchResults: o.shuffleBatchResults ?? true,
    searchIndexLagMs: o.searchIndexLagMs ?? 0,
    searchIndexLagJitterMs: o.searchIndexLagJitterMs ?? 0,
    quiet: o.quiet ?? false,
    denyNextAuthorize: false,
    authCodeLifetimeSeconds: 300,
  };
}
