import { AuthRequired } from '../errors.js';
import { OAuthTokenProvider } from './oauth-token-provider.js';
import { StaticTokenProvider } from './static-token.js';
import type { TokenStore } from './token-store.js';
import type { AccessTokenProvider, CredentialSource } from './types.js';

export const DEFAULT_PROFILE = 'default';

export interface ResolveOptions {
  token?: string;
  profile?: string;
  apiBaseUrl: string;
  env: NodeJS.ProcessEnv;
  /** Opened only when no token is given: a run with --token never touches the credentials file. */
  store: () => Promise<TokenStore>;
}

/** Which credential a command would use, without reading any secret out of the store. */
export function credentialSourceInEffect(opts: { token?: string; env: NodeJS.ProcessEnv }): CredentialSource {
  const env = opts.env;
  if (opts.token) return 'flag';
  if (env.HUBSPOT_ACCESS_TOKEN) return 'env';
  return 'store';
}

/** First found wins: --token, HUBSPOT_ACCESS_TOKEN, then the stored profile. */
export async function resolveAccessTokenProvider(opts: ResolveOptions): Promise<AccessTokenProvider> {
  const env = opts.env;
  const source = credentialSourceInEffect({ token: opts.token, env });
  if (source === 'flag') return new StaticTokenProvider(opts.token!.trim(), 'flag');
  if (source === 'env') return new StaticTokenProvider(env.HUBSPOT_ACCESS_TOKEN!.trim(), 'env');

  const profile = opts.profile ?? DEFAULT_PROFILE;
  const store = await opts.store();
  const stored = await store.getProfile(profile);
  if (!stored) {
    const flag = profile === DEFAULT_PROFILE ? '' : ` --profile ${profile}`;
    throw new AuthRequired(
      `No HubSpot credentials found for profile "${profile}".`,
      `Run \`hubspot-actions login${flag}\` (OAuth) or \`hubspot-actions login${flag} --token\` (service key / private app), or set HUBSPOT_ACCESS_TOKEN.`,
    );
  }
  if (stored.kind === 'static') return new StaticTokenProvider(stored.accessToken, 'store');
  return new OAuthTokenProvider(store, profile, stored, opts.apiBaseUrl);
}
