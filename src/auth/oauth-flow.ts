import { randomBytes } from 'node:crypto';
import { UserError } from '../errors.js';
import { openBrowser } from './browser.js';
import { redirectUriFor, startLoopbackServer } from './loopback-server.js';
import {
  exchangeAuthorizationCode,
  introspectAccessToken,
  TokenEndpointError,
  type AccessTokenInfo,
  type ClientCredentials,
  type TokenGrant,
} from './token-endpoint.js';

export interface AuthorizeUrlParts {
  appBaseUrl: string;
  clientId: string;
  redirectUri: string;
  scopes: readonly string[];
  optionalScopes: readonly string[];
  state: string;
}

/**
 * The consent-page URL, built like HubSpot's SDK does. Spaces in scope lists are sent as %20 (as
 * HubSpot documents), not the '+' URLSearchParams would write.
 */
export function buildAuthorizeUrl(p: AuthorizeUrlParts): string {
  const params: Array<[string, string]> = [
    ['client_id', p.clientId],
    ['redirect_uri', p.redirectUri],
    ['scope', p.scopes.join(' ')],
  ];
  if (p.optionalScopes.length > 0) params.push(['optional_scope', p.optionalScopes.join(' ')]);
  params.push(['state', p.state]);
  return `${p.appBaseUrl}/oauth/authorize?${params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`;
}

export interface OAuthLoginOptions {
  client: ClientCredentials;
  port: number;
  scopes: readonly string[];
  optionalScopes: readonly string[];
  timeoutSeconds: number;
  launchBrowser: boolean;
  apiBaseUrl: string;
  appBaseUrl: string;
  env: NodeJS.ProcessEnv;
  /** Progress for the person at the terminal. */
  say: (text: string) => void;
}

export interface OAuthLoginResult {
  grant: TokenGrant;
  info: AccessTokenInfo;
}

/** The authorization-code flow with a loopback redirect, up to a token HubSpot has described. */
export async function runOAuthLogin(o: OAuthLoginOptions): Promise<OAuthLoginResult> {
  const state = randomBytes(24).toString('base64url');
  const redirectUri = redirectUriFor(o.port);
  const server = await startLoopbackServer(o.port, state);
  try {
    const url = buildAuthorizeUrl({ ...o, clientId: o.client.clientId, redirectUri, state });
    o.say(`Your HubSpot app must have this exact redirect URL in its Auth settings: ${redirectUri}`);
    if (o.launchBrowser && openBrowser(url, o.env)) {
      o.say(`Opening HubSpot in your browser. If it does not open, visit:\n  ${url}`);
    } else {
      o.say(
        `Open this URL in a browser on this machine (over SSH, first forward the port: ssh -L ${o.port}:localhost:${o.port} <host>):\n  ${url}`,
      );
    }
    o.say(`Waiting up to ${o.timeoutSeconds} s for HubSpot to send the browser back...`);

    const callback = await server.waitForCallback(o.timeoutSeconds * 1000);
    if (!callback.outcome.ok) {
      const err = callback.outcome.error;
      callback.reply(false, `${err.message} ${err.hint ?? ''}`.trim());
      throw err;
    }
    try {
      const grant = await exchangeAuthorizationCode(o.apiBaseUrl, o.client, redirectUri, callback.outcome.code);
      const info = await introspectAccessToken(o.apiBaseUrl, o.client, grant.accessToken).catch((err) => {
        throw err instanceof TokenEndpointError
          ? new UserError(`HubSpot issued a token but would not describe it (${err.message}).`, 'Run `hubspot-actions login` again; if it keeps failing, check HUBSPOT_API_BASE_URL / --base-url.')
          : err;
      });
      callback.reply(true, `hubspot-actions is logged in${info.hubId ? ` to HubSpot account ${info.hubId}` : ''}. You can close this page.`);
      return { grant, info };
    } catch (err) {
      const shown = explainExchangeError(err, redirectUri);
      callback.reply(false, shown instanceof Error ? `${shown.message} Details are in the terminal.` : 'Login failed; details are in the terminal.');
      throw shown;
    }
  } finally {
    await server.close();
  }
}

function explainExchangeError(err: unknown, redirectUri: string): unknown {
  if (!(err instanceof TokenEndpointError)) return err;
  if (err.code === 'BAD_AUTH_CODE' || err.code === 'EXPIRED_AUTH_CODE') {
    return new UserError(`HubSpot did not accept the authorization code (${err.message}).`, 'Run `hubspot-actions login` again; the code is single-use and short-lived.');
  }
  return new UserError(
    `HubSpot refused the login for this app (${err.message}).`,
    `Check the client id and client secret (--client-id/--client-secret or HUBSPOT_CLIENT_ID/HUBSPOT_CLIENT_SECRET) against your app's Auth page, and that ${redirectUri} is one of its redirect URLs.`,
  );
}
