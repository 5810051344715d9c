import { AuthRequired, UserError } from '../errors.js';
import { DEFAULT_API_BASE_URL, normalizeBaseUrl } from '../hubspot/api.js';
import { OAuthTokenProvider } from './oauth-token-provider.js';
import { StaticTokenProvider } from './static-token.js';
import type { StoreData, StoredProfile, TokenStore } from './token-store.js';
import type { AccessTokenProvider, CredentialSource } from './types.js';

export const DEFAULT_PROFILE = 'default';

/**
 * The profile a command means: --profile, else HUBSPOT_ACTIONS_PROFILE, else the one `auth switch`
 * chose, else "default".
 */
export function profileInEffect(flag: string | undefined, env: NodeJS.ProcessEnv, data?: StoreData): string {
  return flag || env.HUBSPOT_ACTIONS_PROFILE || data?.defaultProfile || DEFAULT_PROFILE;
}

/** `login` or `login --profile eu`: what to type to log (back) in to `profile`. */
export function loginCommand(profile: string, extra = ''): string {
  return `hubspot-actions login${profile === DEFAULT_PROFILE ? '' : ` --profile ${profile}`}${extra}`;
}

/** Where a stored login's tokens may go: the API host it was issued by (HubSpot's for old logins). */
export function issuedBy(p: StoredProfile): string {
  return normalizeBaseUrl(p.apiBaseUrl ?? DEFAULT_API_BASE_URL);
}

/**
 * A stored token goes only to the host that issued it: a --base-url or HUBSPOT_API_BASE_URL naming
 * another host is refused rather than handed the token (or, for OAuth, the refresh token and secret).
 */
export function hostForStoredLogin(profileName: string, p: StoredProfile, requested: string | undefined): string {
  const own = issuedBy(p);
  if (requested !== undefined && normalizeBaseUrl(requested) !== own) {
    throw new UserError(
      `The saved login "${profileName}" was issued by ${own}, but the API base URL given (--base-url or HUBSPOT_API_BASE_URL) is ${normalizeBaseUrl(requested)}; its token is not sent anywhere else.`,
      `Drop --base-url / HUBSPOT_API_BASE_URL to use ${own}, or log in at the other host: \`${loginCommand(profileName, ` --base-url ${normalizeBaseUrl(requested)}`)}\`.`,
    );
  }
  return own;
}

export interface ResolveOptions {
  token?: string;
  /** --profile as given; HUBSPOT_ACTIONS_PROFILE and the store's default apply when it is not. */
  profile?: string;
  /** --base-url, else HUBSPOT_API_BASE_URL; undefined when neither is set. */
  requestedBaseUrl?: string;
  env: NodeJS.ProcessEnv;
  /** Opened only when no token is given: a run with --token never touches the credentials file. */
  store: () => Promise<TokenStore>;
}

export interface ResolvedCredential {
  tokens: AccessTokenProvider;
  /** The API host requests go to. */
  apiBaseUrl: string;
  /**
   * The Hub ID and scopes HubSpot gave at login (token introspection), when the stored login has
   * them: the preflight then asks nothing about the token (HubSpot's v1 endpoint for that takes the
   * token in its path).
   */
  known?: { hubId?: number; scopes: string[] };
}

/** Which credential a command would use, without reading any secret out of the store. */
export function credentialSourceInEffect(opts: { token?: string; env: NodeJS.ProcessEnv }): CredentialSource {
  if (opts.token) return 'flag';
  if (opts.env.HUBSPOT_ACCESS_TOKEN) return 'env';
  return 'store';
}

/** First found wins: --token, HUBSPOT_ACCESS_TOKEN, then the stored profile (and its host). */
export async function resolveCredential(opts: ResolveOptions): Promise<ResolvedCredential> {
  const source = credentialSourceInEffect(opts);
  const given = normalizeBaseUrl(opts.requestedBaseUrl ?? DEFAULT_API_BASE_URL);
  if (source === 'flag') return { tokens: new StaticTokenProvider(opts.token!.trim(), 'flag'), apiBaseUrl: given };
  if (source === 'env') return { tokens: new StaticTokenProvider(opts.env.HUBSPOT_ACCESS_TOKEN!.trim(), 'env'), apiBaseUrl: given };

  const store = await opts.store();
  const data = await store.read();
  const profile = profileInEffect(opts.profile, opts.env, data);
  const stored = Object.hasOwn(data.profiles, profile) ? data.profiles[profile] : undefined;
  if (!stored) {
    throw new AuthRequired(
      `No HubSpot credentials found for profile "${profile}".`,
      `Run \`${loginCommand(profile)}\` (OAuth) or \`${loginCommand(profile, ' --token')}\` (service key / private app), or set HUBSPOT_ACCESS_TOKEN.`,
    );
  }
  const apiBaseUrl = hostForStoredLogin(profile, stored, opts.requestedBaseUrl);
  const known = stored.scopes ? { known: { hubId: stored.hubId, scopes: stored.scopes } } : {};
  if (stored.kind === 'static') return { tokens: new StaticTokenProvider(stored.accessToken, 'store'), apiBaseUrl, ...known };
  return { tokens: new OAuthTokenProvider(store, profile, stored, apiBaseUrl), apiBaseUrl, ...known };
}
