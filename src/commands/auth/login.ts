import { profileInEffect } from '../../auth/credentials.js';
import { runOAuthLogin } from '../../auth/oauth-flow.js';
import { canPrompt, promptSecret, promptText, readSecretFromStdin } from '../../auth/prompt.js';
import { DEFAULT_REQUIRED_SCOPES, optionalScopesFor, parseScopeList } from '../../auth/scopes.js';
import { missingScopeWarnings } from './scope-warnings.js';
import { verifyStaticToken } from '../../auth/static-token.js';
import { checkProfileName, type StoredProfile, type TokenStore } from '../../auth/token-store.js';
import { UserError } from '../../errors.js';
import { apiBaseUrl, appBaseUrl } from '../../hubspot/api.js';
import type { Factory } from '../factory.js';
import type { IOStreams } from '../io.js';

export interface LoginFlags {
  profile?: string;
  clientId?: string;
  clientSecret?: string;
  port: number;
  scopes?: string;
  browser: boolean;
  timeout: number;
  baseUrl?: string;
  appUrl?: string;
  insecureHttp?: boolean;
  /** Save a static token instead of OAuth. */
  token?: boolean;
  tokenValue?: string;
}

export interface LoginOptions {
  flags: LoginFlags;
  factory: Factory;
}

export async function login(o: LoginOptions): Promise<void> {
  const store = await o.factory.tokenStore();
  // Read first: an unsafe credentials file is refused before the user goes through the browser.
  const profile = checkProfileName(profileInEffect(o.flags.profile, o.factory.io.env, await store.read()));
  if (o.flags.token || o.flags.tokenValue !== undefined) await loginWithStaticToken(o, profile, store);
  else await loginWithOAuth(o, profile, store);
}

async function loginWithOAuth({ flags, factory: { io } }: LoginOptions, profile: string, store: TokenStore): Promise<void> {
  const env = io.env;
  const clientId = flags.clientId || env.HUBSPOT_CLIENT_ID || (await ask(io, 'client id', 'HubSpot app client id:', false));
  const clientSecret = flags.clientSecret || env.HUBSPOT_CLIENT_SECRET || (await ask(io, 'client secret', 'HubSpot app client secret:', true));
  const scopes = flags.scopes !== undefined ? parseScopeList(flags.scopes) : [...DEFAULT_REQUIRED_SCOPES];
  if (scopes.length === 0) throw new UserError('--scopes names no scope.', 'Give at least one, e.g. --scopes "oauth crm.objects.contacts.write".');
  const api = apiBaseUrl(flags.baseUrl, env, { insecureHttp: flags.insecureHttp });
  const app = appBaseUrl(flags.appUrl, env, { insecureHttp: flags.insecureHttp });

  const { grant, info } = await runOAuthLogin({
    client: { clientId, clientSecret },
    port: flags.port,
    scopes,
    optionalScopes: optionalScopesFor(scopes),
    timeoutSeconds: flags.timeout,
    launchBrowser: flags.browser,
    apiBaseUrl: api,
    appBaseUrl: app,
    env,
    say: io.say,
  });

  await store.saveProfile(profile, {
    kind: 'oauth',
    accessToken: grant.accessToken,
    refreshToken: grant.refreshToken,
    expiresAt: new Date(grant.requestedAt + grant.expiresInSeconds * 1000).toISOString(),
    lifetimeSeconds: grant.expiresInSeconds,
    clientId,
    clientSecret,
    hubId: info.hubId,
    user: info.user,
    userId: info.userId,
    scopes: info.scopes,
    apiBaseUrl: api,
    appBaseUrl: app,
    savedAt: new Date().toISOString(),
  });
  io.say(loggedInLine(profile, info.hubId, info.user, store.path));
  for (const w of missingScopeWarnings(info.scopes)) io.say(`warning: ${w}`);
}

async function loginWithStaticToken({ flags, factory: { io } }: LoginOptions, profile: string, store: TokenStore): Promise<void> {
  const given = flags.tokenValue ?? (io.stdinIsTTY ? await promptSecret(io, 'HubSpot service key or private app token:') : await readSecretFromStdin(io.stdin, 'token'));
  const token = given.trim();
  if (!token) throw new UserError('The token is empty.', 'Copy the service key or private app token from HubSpot and try again.');
  if (/\s/.test(token)) throw new UserError('The token contains spaces or line breaks, so it cannot be a HubSpot token.', 'Give the token alone, on one line.');

  const api = apiBaseUrl(flags.baseUrl, io.env, { insecureHttp: flags.insecureHttp });
  const check = await verifyStaticToken(api, token);
  const saved: StoredProfile = { kind: 'static', accessToken: token, hubId: check.hubId, apiBaseUrl: api, savedAt: new Date().toISOString() };
  await store.saveProfile(profile, saved);
  io.say(loggedInLine(profile, check.hubId, undefined, store.path));
}

function loggedInLine(profile: string, hubId: number | undefined, user: string | undefined, path: string): string {
  const account = hubId !== undefined ? `HubSpot account ${hubId}` : 'HubSpot';
  return `Logged in to ${account}${user ? ` as ${user}` : ''}; saved as profile "${profile}" in ${path}.`;
}

async function ask(io: IOStreams, what: string, message: string, secret: boolean): Promise<string> {
  if (!canPrompt(io)) {
    const flag = what === 'client id' ? '--client-id' : '--client-secret';
    const envName = what === 'client id' ? 'HUBSPOT_CLIENT_ID' : 'HUBSPOT_CLIENT_SECRET';
    throw new UserError(`The HubSpot app's ${what} is needed, and there is no terminal to ask it in.`, `Set ${envName} or pass ${flag}.`);
  }
  return secret ? promptSecret(io, message) : promptText(io, message);
}
