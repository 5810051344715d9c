import { randomBytes, randomUUID } from 'node:crypto';

export type TokenKind = 'static' | 'oauth';

export interface TokenRecord {
  token: string;
  kind: TokenKind;
  scopes: string[];
  /** Epoch ms; undefined = never expires (private-app tokens). */
  expiresAt?: number;
  appId: number;
  clientId?: string;
}

export interface RefreshRecord {
  token: string;
  clientId: string;
  scopes: string[];
  appId: number;
}

/** Every scope the emulator knows; the ready token and scope-less issueToken() get all of them. */
export const ALL_SCOPES = [
  'oauth',
  'crm.objects.contacts.read', 'crm.objects.contacts.write',
  'crm.objects.companies.read', 'crm.objects.companies.write',
  'crm.objects.deals.read', 'crm.objects.deals.write',
  'crm.objects.custom.read', 'crm.objects.custom.write',
  'tickets',
  'crm.schemas.contacts.read', 'crm.schemas.contacts.write',
  'crm.schemas.companies.read', 'crm.schemas.companies.write',
  'crm.schemas.deals.read', 'crm.schemas.deals.write',
  'crm.schemas.tickets.read', 'crm.schemas.tickets.write',
  'crm.schemas.custom.read', 'crm.schemas.custom.write',
  'crm.lists.read', 'crm.lists.write', 'crm.import',
  'analytics.behavioral_events.send',
  'behavioral_events.event_definitions.read_write',
];

export const EMULATOR_USER = { id: 7654321, email: 'emulator-user@example.com' };
const PRIVATE_APP_ID = 1512050;

/** Issued credentials. Kept across /__emulator/reset so a test's ready token stays valid. */
export class TokenStore {
  readonly access = new Map<string, TokenRecord>();
  readonly refresh = new Map<string, RefreshRecord>();

  issueStatic(scopes: string[] = ALL_SCOPES, lifetimeSeconds?: number): TokenRecord {
    // Same shape as a private-app / service-key token so prefix-sniffing clients see the real thing.
    const rec: TokenRecord = {
      token: `pat-na1-${randomUUID()}`,
      kind: 'static',
      scopes: [...scopes],
      appId: PRIVATE_APP_ID,
      ...(lifetimeSeconds !== undefined ? { expiresAt: Date.now() + lifetimeSeconds * 1000 } : {}),
    };
    this.access.set(rec.token, rec);
    return rec;
  }

  issueOAuth(scopes: string[], lifetimeSeconds: number, clientId: string, appId: number): TokenRecord {
    const rec: TokenRecord = {
      token: `CO${randomBytes(48).toString('base64url')}`,
      kind: 'oauth',
      scopes: [...scopes],
      expiresAt: Date.now() + lifetimeSeconds * 1000,
      appId,
      clientId,
    };
    this.access.set(rec.token, rec);
    return rec;
  }

  issueRefresh(scopes: string[], clientId: string, appId: number): RefreshRecord {
    const rec: RefreshRecord = { token: `na1-${randomUUID()}`, clientId, scopes: [...scopes], appId };
    this.refresh.set(rec.token, rec);
    return rec;
  }
}
