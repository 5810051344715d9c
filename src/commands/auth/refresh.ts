import { loginAgainHint, OAuthTokenProvider } from '../../auth/oauth-token-provider.js';
import { checkProfileName } from '../../auth/token-store.js';
import { UserError } from '../../errors.js';
import { requestedApiBaseUrl } from '../../hubspot/api.js';
import { hostForStoredLogin, profileInEffect } from '../../auth/credentials.js';
import type { Factory } from '../factory.js';
import { describeExpiry } from './expiry.js';

export interface AuthRefreshFlags {
  profile?: string;
}

export interface AuthRefreshOptions {
  flags: AuthRefreshFlags;
  factory: Factory;
}

export async function authRefresh({ flags, factory }: AuthRefreshOptions): Promise<void> {
  const { io } = factory;
  const store = await factory.tokenStore();
  const data = await store.read();
  const profile = checkProfileName(profileInEffect(flags.profile, io.env, data));
  const stored = Object.hasOwn(data.profiles, profile) ? data.profiles[profile] : undefined;
  if (!stored) throw new UserError(`No saved login for profile "${profile}".`, loginAgainHint(profile).replace('log in again', 'log in'));
  if (stored.kind !== 'oauth') {
    throw new UserError(`Profile "${profile}" holds a static token, which HubSpot does not refresh.`, 'Rotate it in HubSpot and run `hubspot-actions login --token` with the new one.');
  }
  const host = hostForStoredLogin(profile, stored, requestedApiBaseUrl(undefined, io.env));
  const provider = new OAuthTokenProvider(store, profile, stored, host);
  const outcome = await provider.refreshNow();
  if (outcome.how === 'failed') throw outcome.failure!;
  const saved = await store.getProfile(profile);
  const expiry = saved?.kind === 'oauth' ? `; it ${describeExpiry(saved.expiresAt)}` : '';
  io.say(
    outcome.how === 'refreshed'
      ? `Refreshed the access token of profile "${profile}"${expiry}.`
      : `Another hubspot-actions run had just refreshed profile "${profile}"; using its token${expiry}.`,
  );
}
