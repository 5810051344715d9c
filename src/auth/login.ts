import { apiBaseUrl, appBaseUrl } from '../hubspot/api.js';
import { UserError } from '../errors.js';
import { configDir } from './config-dir.js';
import { runOAuthLogin } from './oauth-flow.js';
import { canPrompt, promptSecret, promptText, readSecretFromStdin } from './prompt.js';
import { DEFAULT_REQUIRED_SCOPES, missingScopeWarnings, optionalScopesFor, parseScopeList } from './scopes.js';
import { verifyStaticToken } from './static-token.js';
import { checkProfileName, TokenStore, type StoredProfile } from './token-store.js';

export interface OAuthLoginFlags {
  profile: string;
  clientId?: string;
  clientSecret?: string;
  port: number;
  scopes?: string;
  browser: boolean;
  timeout: number;
  baseUrl?: string;
}

export interface StaticLoginFlags {
  profile: string;
  tokenValue?: string;
  baseUrl?: string;
}

const say = (text: string) => process.stderr.write(`${text}\n`);

export async function loginWithOAuth(flags: OAuthLoginFlags, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const profile = checkProfileName(flags.profile);
  const store = new TokenStore(configDir(env));
  await store.read(); // refuse an unsafe credentials file before the user goes through the browser
  const clientId = flags.clientId || env.HUBSPOT_CLIENT_ID || (await ask('client id', 'HubSpot app client id:', false));
  const clientSecret = flags.clientSecret || env.HUBSPOT_CLIENT_SECRET || (await ask('client secret', 'HubSpot app client secret:', true));
  const scopes = flags.scopes !== undefined ? parseScopeList(flags.scopes) : [...DEFAULT_REQUIRED_SCOPES];
  if (scopes.length === 0) throw new UserError('--scopes names no scope.', 'Give at least one, e.g. --scopes "oauth crm.objects.contacts.write".');
  const api = apiBaseUrl(flags.baseUrl, env);

  const { grant, info } = await runOAuthLogin({
    client: { clientId, clientSecret },
    port: flags.port,
    scopes,
    optionalScopes: optionalScopesFor(scopes),
    timeoutSeconds: flags.timeout,
    launchBrowser: flags.browser,
    apiBaseUrl: api,
    appBaseUrl: appBaseUrl(env),
    env,
    say,
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
    savedAt: new Date().toISOString(),
  });
  say(loggedInLine(profile, info.hubId, info.user, store.path));
  for (const w of missingScopeWarnings(info.scopes)) say(`warning: ${w}`);
}

export async function loginWithStaticToken(flags: StaticLoginFlags, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const profile = checkProfileName(flags.profile);
  const store = new TokenStore(configDir(env));
  await store.read();
  const token = (flags.tokenValue ?? (process.stdin.isTTY ? await promptSecret('HubSpot service key or private app token:') : await readSecretFromStdin('token'))).trim();
  if (!token) throw new UserError('The token is empty.', 'Copy the service key or private app token from HubSpot and try again.');
  if (/\s/.test(token)) throw new UserError('The token contains spaces or line breaks, so it cannot be a HubSpot token.', 'Give the token alone, on one line.');

  const api = apiBaseUrl(flags.baseUrl, env);
  const check = await verifyStaticToken(api, token);
  const saved: StoredProfile = { kind: 'static', accessToken: token, hubId: check.hubId, apiBaseUrl: api, savedAt: new Date().toISOString() };
  await store.saveProfile(profile, saved);
  say(loggedInLine(profile, check.hubId, undefined, store.path));
}

function loggedInLine(profile: string, hubId: number | undefined, user: string | undefined, path: string): string {
  const account = hubId !== undefined ? `HubSpot account ${hubId}` : 'HubSpot';
  return `Logged in to ${account}${user ? ` as ${user}` : ''}; saved as profile "${profile}" in ${path}.`;
}

async function ask(what: string, message: string, secret: boolean): Promise<string> {
  if (!canPrompt()) {
    const flag = what === 'client id' ? '--client-id' : '--client-secret';
    const envName = what === 'client id' ? 'HUBSPOT_CLIENT_ID' : 'HUBSPOT_CLIENT_SECRET';
    throw new UserError(`The HubSpot app's ${what} is needed, and there is no terminal to ask it in.`, `Set ${envName} or pass ${flag}.`);
  }
  return secret ? promptSecret(message) : promptText(message);
}
