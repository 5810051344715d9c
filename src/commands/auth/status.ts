import { credentialSourceInEffect, issuedBy, loginCommand, profileInEffect } from '../../auth/credentials.js';
import { maskToken } from '../../auth/mask.js';
import { checkProfileName, type StoredProfile } from '../../auth/token-store.js';
import { NoCredential, Reported } from '../../errors.js';
import type { Factory } from '../factory.js';
import { describeExpiry } from './expiry.js';

export interface AuthStatusFlags {
  profile?: string;
  token?: string;
  json?: boolean;
}

export interface AuthStatusOptions {
  flags: AuthStatusFlags;
  factory: Factory;
}

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
  apiBaseUrl: string;
  appBaseUrl?: string;
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
    apiBaseUrl: issuedBy(p),
    ...(p.appBaseUrl ? { appBaseUrl: p.appBaseUrl } : {}),
    savedAt: p.savedAt,
  };
}

interface InEffect {
  source: string;
  description: string;
}

export async function authStatus({ flags, factory }: AuthStatusOptions): Promise<void> {
  const { io } = factory;
  const wanted = flags.profile !== undefined ? checkProfileName(flags.profile) : undefined;
  const store = await factory.tokenStore();
  const data = await store.read();
  const profiles = Object.entries(data.profiles)
    .filter(([name]) => wanted === undefined || name === wanted)
    .map(([name, p]) => view(name, p));
  const profileForRun = profileInEffect(wanted, io.env, data);
  const inEffect = credentialInEffect(flags.token, io.env, Object.hasOwn(data.profiles, profileForRun) ? profileForRun : undefined);

  if (flags.json) {
    io.stdout.write(JSON.stringify({ credentialsFile: store.path, profileInEffect: profileForRun, inEffect: inEffect ?? null, profiles }, null, 2) + '\n');
  } else {
    io.stdout.write(render(store.path, profileForRun, inEffect?.description, profiles, wanted));
  }
  // Like `gh auth status`: scripts can test whether a command would have a credential.
  if (!inEffect) throw new Reported(new NoCredential());
}

function credentialInEffect(token: string | undefined, env: NodeJS.ProcessEnv, savedProfile: string | undefined): InEffect | undefined {
  const source = credentialSourceInEffect({ token, env });
  if (source === 'flag') return { source, description: `the --token flag (${maskToken(token!)})` };
  if (source === 'env') return { source, description: `env HUBSPOT_ACCESS_TOKEN (${maskToken(env.HUBSPOT_ACCESS_TOKEN!)})` };
  return savedProfile !== undefined ? { source, description: `the saved profile "${savedProfile}"` } : undefined;
}

function render(path: string, profileForRun: string, inEffect: string | undefined, profiles: ProfileView[], wanted?: string): string {
  const lines = [`Credentials file: ${path}`];
  lines.push(
    inEffect
      ? `In effect for profile "${profileForRun}": ${inEffect}`
      : `No credential in effect for profile "${profileForRun}": run \`${loginCommand(profileForRun)}\`, or set HUBSPOT_ACCESS_TOKEN.`,
  );
  if (profiles.length === 0) lines.push(wanted ? `No saved profile "${wanted}".` : 'No saved profiles.');
  for (const p of profiles) lines.push('', ...renderProfile(p));
  return lines.join('\n') + '\n';
}

function renderProfile(p: ProfileView): string[] {
  const lines = [`${p.name}`];
  lines.push(`  kind:     ${p.kind === 'oauth' ? `OAuth (app client id ${p.clientId})` : `static token ${p.token}`}`);
  lines.push(`  hub id:   ${p.hubId ?? 'unknown'}`);
  if (p.user) lines.push(`  user:     ${p.user}`);
  lines.push(`  scopes:   ${p.scopes?.length ? p.scopes.join(' ') : 'unknown'}`);
  if (p.accessTokenExpiresAt) lines.push(`  expiry:   access token ${describeExpiry(p.accessTokenExpiresAt)}; renewed automatically`);
  lines.push(`  api:      ${p.apiBaseUrl}`);
  if (p.appBaseUrl) lines.push(`  app:      ${p.appBaseUrl}`);
  lines.push(`  saved:    ${p.savedAt}`);
  return lines;
}
