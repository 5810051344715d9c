/**
 * Scopes asked for at login. Required ones must be available on every HubSpot tier, or the consent
 * page refuses the whole install; Enterprise-only ones go in `optional_scope`, granted where the
 * portal's tier has them (reference §1.1, §1.4).
 */
export const DEFAULT_REQUIRED_SCOPES: readonly string[] = [
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.objects.companies.read',
  'crm.objects.companies.write',
  // Upsert Company creates its segment_group_id property on first use.
  'crm.schemas.companies.write',
  'oauth',
];

export const DEFAULT_OPTIONAL_SCOPES: readonly string[] = [
  'crm.objects.custom.read',
  'crm.objects.custom.write',
  'crm.schemas.custom.read',
  'analytics.behavioral_events.send',
  'crm.objects.deals.read',
  'crm.objects.deals.write',
  'tickets',
];

interface ActionNeed {
  action: string;
  scopes: readonly string[];
  enterprise: boolean;
}

/** What each action's requests need (associations are covered by the scopes of both objects). */
export const ACTION_SCOPES: readonly ActionNeed[] = [
  { action: 'Upsert Contact', scopes: ['crm.objects.contacts.read', 'crm.objects.contacts.write'], enterprise: false },
  {
    action: 'Upsert Company',
    scopes: ['crm.objects.companies.read', 'crm.objects.companies.write', 'crm.schemas.companies.write'],
    enterprise: false,
  },
  {
    action: 'Upsert Custom Object Record',
    scopes: ['crm.objects.custom.read', 'crm.objects.custom.write', 'crm.schemas.custom.read'],
    enterprise: true,
  },
  { action: 'Send Custom Behavioral Event', scopes: ['analytics.behavioral_events.send'], enterprise: true },
];

/** `--scopes "a b"` or `--scopes a,b`: either separator, as people type both. */
export function parseScopeList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

/** Optional scopes never repeat a required one: HubSpot would treat the pair ambiguously. */
export function optionalScopesFor(required: readonly string[]): string[] {
  return DEFAULT_OPTIONAL_SCOPES.filter((s) => !required.includes(s));
}

/** One line per action the granted scopes cannot serve, naming the action and what is missing. */
export function missingScopeWarnings(granted: readonly string[]): string[] {
  const have = new Set(granted);
  const warnings: string[] = [];
  for (const need of ACTION_SCOPES) {
    const missing = need.scopes.filter((s) => !have.has(s));
    if (missing.length === 0) continue;
    const why = need.enterprise
      ? 'it needs an Enterprise portal, and these scopes in the app'
      : "add these scopes to the app's scopes and log in again";
    warnings.push(`${need.action} will be refused: the token lacks ${missing.join(', ')} (${why}).`);
  }
  return warnings;
}
