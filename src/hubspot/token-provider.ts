/**
 * What the HTTP client needs from whoever holds the credentials: a current token, renewed without
 * the client knowing how. Owned here, by its consumer, so src/hubspot never depends on src/auth.
 */
export interface AccessTokenProvider {
  /** A token good for the next request. An OAuth token is refreshed ahead of expiry, once for all callers. */
  getAccessToken(): Promise<string>;
  /**
   * Called when HubSpot answered 401 to `rejected`. Refreshes once (a refresh already made by another
   * caller since `rejected` was issued counts) and returns the token to retry with, or `undefined`
   * when the credential cannot be renewed (static token, revoked refresh token).
   */
  renewAfterUnauthorized(rejected: string): Promise<string | undefined>;
}
