import type { AccessTokenProvider as ClientTokenProvider } from '../hubspot/token-provider.js';

/** Where a credential came from, first found wins: --token, HUBSPOT_ACCESS_TOKEN, the stored profile. */
export type CredentialSource = 'flag' | 'env' | 'store';

/** The client's token provider, plus what commands show about it. */
export interface AccessTokenProvider extends ClientTokenProvider {
  readonly kind: 'oauth' | 'static';
  readonly source: CredentialSource;
}
