import type { TokenStore } from '../auth/token-store.js';
import type { ResolvedCredential } from '../auth/credentials.js';
import type { ClientOptions, HubSpotClient } from '../hubspot/client.js';
import type { IOStreams } from './io.js';

export interface HttpClientOptions {
  /** --base-url, else HUBSPOT_API_BASE_URL; a stored login's own host otherwise. */
  requestedBaseUrl?: string;
  /** `--token`; else HUBSPOT_ACCESS_TOKEN; else the stored login of `profile`. */
  token?: string;
  profile?: string;
  rate?: number;
  concurrency?: number;
  /** HUBSPOT_ACTIONS_TIMEOUT_MS and HUBSPOT_ACTIONS_SEARCH_PER_SECOND: for tests against the emulator. */
  timeoutMs?: number;
  searchPerSecond?: number;
  onRetry?: ClientOptions['onRetry'];
  onExchange?: ClientOptions['onExchange'];
}

/**
 * The services a command runs over, as GitHub's CLI hands them out: built on first use, so
 * `--help` or a dry-run loads no auth module and opens no credentials file.
 */
export interface Factory {
  readonly io: IOStreams;
  /** The credentials file of this machine's config dir; the only place one is made. */
  tokenStore(): Promise<TokenStore>;
  /** The live API client, sending with the credential in effect to its host (`baseUrl`). */
  httpClient(opts: HttpClientOptions): Promise<HubSpotClient>;
  /** The credential in effect and its host, the one httpClient sends with (the preflight asks it for its scopes). */
  credential(opts: HttpClientOptions): Promise<ResolvedCredential>;
}

export function createFactory(io: IOStreams): Factory {
  let store: Promise<TokenStore> | undefined;
  const credentials = new Map<string, Promise<ResolvedCredential>>();
  const factory: Factory = {
    io,
    tokenStore() {
      store ??= (async () => {
        const [{ TokenStore }, { configDir }] = await Promise.all([import('../auth/token-store.js'), import('../auth/config-dir.js')]);
        return new TokenStore(configDir(io.env), { onWait: io.say });
      })();
      return store;
    },
    credential(o) {
      // One provider per credential: an OAuth token is then refreshed once for all its users.
      const key = JSON.stringify([o.requestedBaseUrl, o.token, o.profile]);
      let c = credentials.get(key);
      if (!c) {
        c = import('../auth/credentials.js').then(({ resolveCredential }) => resolveCredential({ ...o, env: io.env, store: () => factory.tokenStore() }));
        credentials.set(key, c);
      }
      return c;
    },
    async httpClient(o) {
      const { createHubSpotClient } = await import('../hubspot/client.js');
      const { tokens, apiBaseUrl } = await factory.credential(o);
      return createHubSpotClient({ baseUrl: apiBaseUrl, tokens, ratePer10s: o.rate, maxConcurrency: o.concurrency, timeoutMs: o.timeoutMs, searchPerSecond: o.searchPerSecond, onRetry: o.onRetry, onExchange: o.onExchange });
    },
  };
  return factory;
}
