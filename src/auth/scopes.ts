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

/** `--scopes "a b"` or `--scopes a,b`: either separator, as people type both. */
export function parseScopeList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

/** Optional scopes never repeat a required one: HubSpot would treat the pair ambiguously. */
export function optionalScopesFor(required: readonly string[]): string[] {
  return DEFAULT_OPTIONAL_SCOPES.filter((s) => !required.includes(s));
}
