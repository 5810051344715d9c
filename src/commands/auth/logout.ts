import { revokeRefreshToken } from '../../auth/token-endpoint.js';
import { checkProfileName } from '../../auth/token-store.js';
import { UserError } from '../../errors.js';
import { requestedApiBaseUrl } from '../../hubspot/api.js';
import { hostForStoredLogin, profileInEffect } from '../../auth/credentials.js';
import type { Factory } from '../factory.js';

export interface LogoutFlags {
  profile?: string;
  localOnly?: boolean;
}

export interface LogoutOptions {
  flags: LogoutFlags;
  factory: Factory;
}

/**
 * Revokes first, forgets second: if HubSpot cannot be reached the profile stays, so the user can
 * retry rather than be left with a live refresh token and no record of it.
 */
export async function logout({ flags, factory }: LogoutOptions): Promise<void> {
  const store = await factory.tokenStore();
  const data = await store.read();
  const profile = checkProfileName(profileInEffect(flags.profile, factory.io.env, data));
  const stored = Object.hasOwn(data.profiles, profile) ? data.profiles[profile] : undefined;
  if (!stored) {
    throw new UserError(`No saved login for profile "${profile}".`, 'Run `hubspot-actions auth status` to see the saved profiles.');
  }
  const revoke = stored.kind === 'oauth' && !flags.localOnly;
  if (revoke) {
    const host = hostForStoredLogin(profile, stored, requestedApiBaseUrl(undefined, factory.io.env));
    try {
      await revokeRefreshToken(host, stored, stored.refreshToken);
    } catch (err) {
      throw new UserError(
        `Could not revoke the login for profile "${profile}" at HubSpot (${(err as Error).message}); it was kept.`,
        `Try again later, or run \`hubspot-actions logout --profile ${profile} --local-only\` and uninstall the app in HubSpot (Settings > Integrations > Connected apps).`,
      );
    }
  }
  await store.removeProfile(profile);
  factory.io.say(
    revoke
      ? `Revoked the refresh token at HubSpot and removed profile "${profile}".`
      : `Removed profile "${profile}". ${stored.kind === 'oauth' ? 'Its refresh token was not revoked' : 'The token itself still works until you rotate or delete it in HubSpot'}.`,
  );
}
