import { apiBaseUrl } from '../hubspot/api.js';
import { UserError } from '../errors.js';
import { configDir } from './config-dir.js';
import { credentialSourceInEffect, DEFAULT_PROFILE } from './credentials.js';
import { loginAgainHint, OAuthTokenProvider } from './oauth-token-provider.js';
import { maskToken } from './mask.js';
import { checkProfileName, TokenStore, type StoredProfile } from './token-store.js';

/** What `auth status` may show of a profile: everything but its secrets. */
interface ProfileView {
  name: string;
  kind: 'oauth' | 'static';
  hubId?: number;
  user?: string;
  scopes?: string[];
  clientId?: string;
  token?: string;
  accessTokenExpiresAt?: string;
  apiBaseUrl?: string;
  savedAt: string;
}

function view(name: string, p: StoredProfile): ProfileView {
  return {
    name,
    kind: p.kind,
    hubId: p.hubId,
    user: p.user,
    scopes: p.scopes,
    ...(p.kind === 'oauth' ? { clientId: p.clientId, accessTokenExpiresAt: p.expiresAt } : { token: maskToken(p.accessToken) }),
    apiBaseUrl: p.apiBaseUrl,
    savedAt: p.savedAt,
  };
}

export async function authStatus(flags: { profile?: string; token?: string; json?: boolean }, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const wanted = flags.profile !== undefined ? checkProfileName(flags.profile) : undefined;
  const store = new TokenStore(configDir(env));
  const data = await store.read();
  const profiles = Object.entries(data.profiles)
    .filter(([name]) => wanted === undefined || name === wanted)
    .map(([name, p]) => view(name, p));
  const source = credentialSourceInEffect({ token: flags.token, env });
  const profileForRun = wanted ?? DEFAULT_PROFILE;
  const inEffect =
    source === 'flag'
      ? { source, description: `the --token flag (${maskToken(flags.token!)})` }
      : source === 'env'
        ? { source, description: `env HUBSPOT_ACCESS_TOKEN (${maskToken(env.HUBSPOT_ACCESS_TOKEN!)})` }
        : Object.hasOwn(data.profiles, profileForRun)
          ? { source, description: `the saved profile "${profileForRun}"` }
          : undefined;

  if (flags.json) {
    process.stdout.write(JSON.stringify({ credentialsFile: store.path, inEffect: inEffect ?? null, profiles }, null, 2) + '\n');
  } else {
    process.stdout.write(render(store.path, profileForRun, inEffect?.description, profiles, wanted));
  }
  // Like `gh auth status`: scripts can test whether a command would have a credential.
  if (!inEffect) process.exitCode = 1;
}

function render(path: string, profileForRun: string, inEffect: string | undefined, profiles: ProfileView[], wanted?: string): string {
  const lines = [`Credentials file: ${path}`];
  lines.push(
    inEffect
      ? `In effect for profile "${profileForRun}": ${inEffect}`
      : `No credential in effect for profile "${profileForRun}": run \`hubspot-actions login${profileForRun === DEFAULT_PROFILE ? '' : ` --profile ${profileForRun}`}\`, or set HUBSPOT_ACCESS_TOKEN.`,
  );
  if (profiles.length === 0) lines.push(wanted ? `No saved profile "${wanted}".` : 'No saved profiles.');
  for (const p of profiles) {
    lines.push('', `${p.name}`);
    lines.push(`  kind:     ${p.kind === 'oauth' ? `OAuth (app client id ${p.clientId})` : `static token ${p.token}`}`);
    lines.push(`  hub id:   ${p.hubId ?? 'unknown'}`);
    if (p.user) lines.push(`  user:     ${p.user}`);
    lines.push(`  scopes:   ${p.scopes?.length ? p.scopes.join(' ') : 'unknown'}`);
    if (p.accessTokenExpiresAt) lines.push(`  expiry:   access token ${describeExpiry(p.accessTokenExpiresAt)}; renewed automatically`);
    if (p.apiBaseUrl) lines.push(`  api:      ${p.apiBaseUrl}`);
    lines.push(`  saved:    ${p.savedAt}`);
  }
  return lines.join('\n') + '\n';
}

function describeExpiry(iso: string): string {
  const ms = Date.parse(iso) - Date.now();
  if (!Number.isFinite(ms)) return 'expiry unknown';
  if (ms <= 0) return `expired at ${iso}`;
  const minutes = Math.floor(ms / 60_000);
  return `expires at ${iso} (in ${minutes > 0 ? `${minutes} min` : `${Math.ceil(ms / 1000)} s`})`;
}

export async function authRefresh(flags: { profile: string; baseUrl?: string }, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const profile = checkProfileName(flags.profile);
  const store = new TokenStore(configDir(env));
  const stored = await store.getProfile(profile);
  if (!stored) throw new UserError(`No saved login for profile "${profile}".`, loginAgainHint(profile).replace('log in again', 'log in'));
  if (stored.kind !== 'oauth') {
    throw new UserError(`Profile "${profile}" holds a static token, which HubSpot does not refresh.`, 'Rotate it in HubSpot and run `hubspot-actions login --token` with the new one.');
  }
  const provider = new OAuthTokenProvider(store, profile, stored, apiBaseUrl(flags.baseUrl, env));
  const outcome = await provider.refreshNow();
  if (outcome.how === 'failed') throw outcome.failure!;
  const saved = await store.getProfile(profile);
  const expiry = saved?.kind === 'oauth' ? `; it ${describeExpiry(saved.expiresAt)}` : '';
  process.stderr.write(
    outcome.how === 'refreshed'
      ? `Refreshed the access token of profile "${profile}"${expiry}.\n`
      : `Another hubspot-actions run had just refreshed profile "${profile}"; using its token${expiry}.\n`,
  );
}
