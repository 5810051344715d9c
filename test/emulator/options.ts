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
  oauthApps?: OAuthApp[];
  quiet?: boolean;
}

export interface FaultOptions {
  errorRate?: number;
  rate429?: number;
  dropRate?: number;
  dropAfterWriteRate?: number;
  slowMs?: number;
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
    quiet: o.quiet ?? false,
    denyNextAuthorize: false,
    authCodeLifetimeSeconds: 300,
  };
}
