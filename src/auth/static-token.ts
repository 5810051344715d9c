import { paths } from '../hubspot/api.js';
import { UserError } from '../errors.js';
import { plainRequest } from '../hubspot/plain-request.js';
import { rememberSecret } from '../hubspot/redact.js';
import type { AccessTokenProvider, CredentialSource } from './types.js';

/** A service key, private-app token or any token given with --token / HUBSPOT_ACCESS_TOKEN: used as is. */
export class StaticTokenProvider implements AccessTokenProvider {
  readonly kind = 'static' as const;
  constructor(
    private readonly token: string,
    readonly source: CredentialSource,
  ) {
    rememberSecret(token);
  }

  async getAccessToken(): Promise<string> {
    return this.token;
  }

  /** Nothing to renew: the caller tells the user the token was rejected. */
  async renewAfterUnauthorized(): Promise<string | undefined> {
    return undefined;
  }
}

export interface StaticTokenCheck {
  hubId?: number;
}

/**
 * Proves HubSpot accepts `token` before it is saved, with the cheapest calls there are: the account
 * details (which also name the hub), else one contact (all a token scoped for contacts can read).
 */
export async function verifyStaticToken(apiBaseUrl: string, token: string): Promise<StaticTokenCheck> {
  rememberSecret(token);
  const headers = { authorization: `Bearer ${token}` };
  const account = await plainRequest(apiBaseUrl, paths.accountInfo(), { method: 'GET', headers });
  if (account.status === 401) throw rejected(account.body);
  if (account.status === 200) {
    const portalId = account.body?.portalId;
    return { hubId: typeof portalId === 'number' ? portalId : undefined };
  }
  const contacts = await plainRequest(apiBaseUrl, `${paths.objects('contacts')}?limit=1`, { method: 'GET', headers });
  if (contacts.status === 401) throw rejected(contacts.body);
  if (contacts.status === 200) return {};
  throw new UserError(
    `HubSpot answered ${account.status} to the account details and ${contacts.status} to a contacts read with this token; nothing was saved.`,
    'Give the service key or private app at least the crm.objects.contacts.read scope, then run `hubspot-actions login --token` again.',
  );
}

function rejected(body: any): UserError {
  const category = typeof body?.category === 'string' ? ` ${body.category}` : '';
  return new UserError(
    `HubSpot rejected the token (401${category}); nothing was saved.`,
    'Copy the whole token again from HubSpot (Development > Keys > Service keys, or the private app\'s Auth tab) and rerun `hubspot-actions login --token`.',
  );
}
