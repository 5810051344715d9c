import { AuthRequired, HubSpotRunError } from '../errors.js';
import { backoffMs } from '../hubspot/retry-policy.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { rememberSecret } from '../hubspot/redact.js';
import { refreshAccessToken, TokenEndpointError } from './token-endpoint.js';
import type { OAuthProfile, TokenStore } from './token-store.js';
import type { AccessTokenProvider } from './types.js';

const MAX_MARGIN_MS = 30 * 60_000;

/**
 * A token is renewed once less than min(30 min, half its lifetime) remains: for HubSpot's 30-minute
 * tokens that is half-way, and a test's 2-second token still gets one second of use.
 */
export function refreshDueAt(profile: Pick<OAuthProfile, 'expiresAt' | 'lifetimeSeconds'>): number {
  const margin = Math.min(MAX_MARGIN_MS, (profile.lifetimeSeconds * 1000) / 2);
  return Date.parse(profile.expiresAt) - margin;
}

export function needsRefresh(profile: Pick<OAuthProfile, 'expiresAt' | 'lifetimeSeconds'>, now = Date.now()): boolean {
  const due = refreshDueAt(profile);
  return !Number.isFinite(due) || now >= due;
}

export function loginAgainHint(profile: string): string {
  return `Run \`hubspot-actions login${profile === 'default' ? '' : ` --profile ${profile}`}\` to log in again.`;
}

/**
 * HubSpot's token endpoint busy or down (429, 5xx, network): tried again with the client's backoff,
 * about a minute in all, before the run stops. Only a refusal of the login stops it at once.
 */
const REFRESH_TRIES = 8;

class RefreshUnavailable extends HubSpotRunError {}

/** Only a new login helps: the run stops, as for any other run-stopping HubSpot condition. */
function loginNeeded(message: string, profile: string): AuthRequired {
  return new AuthRequired(message, loginAgainHint(profile));
}

export interface RenewOutcome {
  /** The token to use, or undefined when the login can no longer be renewed. */
  token?: string;
  /** 'refreshed' here, 'adopted' from another run that had just refreshed, or 'failed'. */
  how: 'refreshed' | 'adopted' | 'failed';
  failure?: HubSpotRunError;
}

/**
 * The stored OAuth login of one profile. Refreshes ahead of expiry, one refresh at a time in this
 * process (callers share it) and across processes (the store lock; a run that finds a newer token
 * saved by another run takes it instead of refreshing again). Each new token is saved at once.
 */
export class OAuthTokenProvider implements AccessTokenProvider {
  readonly kind = 'oauth' as const;
  readonly source = 'store' as const;
  private inflight?: Promise<RenewOutcome>;

  constructor(
    private readonly store: TokenStore,
    readonly profileName: string,
    private current: OAuthProfile,
    private readonly apiBaseUrl: string,
  ) {
    rememberProfileSecrets(current);
  }

  async getAccessToken(): Promise<string> {
    if (!this.inflight && !needsRefresh(this.current)) return this.current.accessToken;
    // Refreshed ahead of expiry: while the endpoint is backed off from, the current token still serves.
    if (this.inflight && Date.parse(this.current.expiresAt) > Date.now() + 5_000) return this.current.accessToken;
    const outcome = await this.renew(this.current.accessToken);
    if (outcome.token) return outcome.token;
    throw outcome.failure ?? loginNeeded(`The HubSpot login for profile "${this.profileName}" can no longer be renewed.`, this.profileName);
  }

  async renewAfterUnauthorized(rejected: string): Promise<string | undefined> {
    if (!this.inflight && this.current.accessToken !== rejected) return this.current.accessToken;
    return (await this.renew(rejected)).token;
  }

  /** Renews now even if the token is still fresh (`auth refresh`), saying how it got its token. */
  refreshNow(): Promise<RenewOutcome> {
    return this.renew(this.current.accessToken);
  }

  /** Shares one renewal among all callers that arrive while it runs. */
  private renew(replacing: string): Promise<RenewOutcome> {
    if (!this.inflight) {
      this.inflight = this.renewRidingOutages(replacing).finally(() => {
        this.inflight = undefined;
      });
    }
    return this.inflight;
  }

  private async renewRidingOutages(replacing: string): Promise<RenewOutcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.renewUnderLock(replacing);
      } catch (err) {
        if (!(err instanceof RefreshUnavailable) || attempt >= REFRESH_TRIES) throw err;
        await sleep(backoffMs(attempt, Math.random));
      }
    }
  }

  private renewUnderLock(replacing: string): Promise<RenewOutcome> {
    return this.store.update(async (data) => {
      const stored = Object.hasOwn(data.profiles, this.profileName) ? data.profiles[this.profileName] : undefined;
      if (!stored || stored.kind !== 'oauth') {
        throw loginNeeded(`The HubSpot login for profile "${this.profileName}" was removed while this run was using it.`, this.profileName);
      }
      if (stored.accessToken !== replacing && !needsRefresh(stored)) {
        this.current = stored;
        return { value: { token: stored.accessToken, how: 'adopted' as const }, write: false };
      }
      let grant;
      try {
        // The stored refresh token, not ours: another run may have received a rotated one.
        grant = await refreshAccessToken(this.apiBaseUrl, stored, stored.refreshToken);
      } catch (err) {
        return { value: this.failure(err), write: false };
      }
      const next: OAuthProfile = {
        ...stored,
        accessToken: grant.accessToken,
        refreshToken: grant.refreshToken,
        expiresAt: new Date(grant.requestedAt + grant.expiresInSeconds * 1000).toISOString(),
        lifetimeSeconds: grant.expiresInSeconds,
        savedAt: new Date().toISOString(),
      };
      data.profiles[this.profileName] = next;
      this.current = next;
      rememberProfileSecrets(next);
      return { value: { token: next.accessToken, how: 'refreshed' as const }, write: true };
    });
  }

  /** A refusal by HubSpot ends the login; a network problem or HubSpot outage only ends this try. */
  private failure(err: unknown): RenewOutcome {
    if (!(err instanceof TokenEndpointError)) throw err;
    if (err.httpStatus === 429 || err.httpStatus >= 500) {
      throw new RefreshUnavailable(`HubSpot could not refresh the access token (${err.message}), ${REFRESH_TRIES} tries over about a minute.`, 'other', 'Run the same command again in a few minutes.');
    }
    const revoked = err.code === 'BAD_REFRESH_TOKEN';
    return {
      how: 'failed',
      failure: loginNeeded(
        revoked
          ? `HubSpot no longer accepts the saved login for profile "${this.profileName}": its refresh token was revoked or has expired (${err.message}).`
          : `HubSpot refused to refresh the saved login for profile "${this.profileName}" (${err.message}).`,
        this.profileName,
      ),
    };
  }
}

function rememberProfileSecrets(p: OAuthProfile): void {
  rememberSecret(p.accessToken);
  rememberSecret(p.refreshToken);
  rememberSecret(p.clientSecret);
}
