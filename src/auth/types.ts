/** Where a credential came from, first found wins: --token, HUBSPOT_ACCESS_TOKEN, the stored profile. */
export type CredentialSource = 'flag' | 'env' | 'store';

/** What the HTTP client needs from auth: a current token, renewed without the client knowing how. */
export interface AccessTokenProvider {
  readonly kind: 'oauth' | 'static';
  readonly source: CredentialSource;
  /** A token good for the next request. An OAuth token is refreshed ahead of expiry, once for all callers. */
  getAccessToken(): Promise<string>;
  /**
   * Called when HubSpot answered 401 to `rejected`. Refreshes once (a refresh already made by another
   * caller since `rejected` was issued counts) and returns the token to retry with, or `undefined`
   * when the credential cannot be renewed (static token, revoked refresh token).
   */
  renewAfterUnauthorized(rejected: string): Promise<string | undefined>;
}
