import { actions } from '../actions/index.js';
import type { PortalFacts } from './facts.js';
import type { Touches } from './writes.js';

/** The read and write scopes of a CRM object type (hubspot-api.md §1.4). */
function objectScopes(typeId: string, custom: boolean): string[] {
  if (custom) return ['crm.objects.custom.read', 'crm.objects.custom.write'];
  const name: Record<string, string> = { '0-1': 'contacts', '0-2': 'companies', '0-3': 'deals' };
  if (typeId === '0-5') return ['tickets'];
  const n = name[typeId];
  return n ? [`crm.objects.${n}.read`, `crm.objects.${n}.write`] : [];
}

/**
 * The scopes a mapping's requests need. Each action declares its own; Upsert Custom Object Record's
 * depend on the object type (deals need the deals scopes, not the custom-object ones), and Upsert
 * Company needs to create its segment_group_id property only where the portal lacks it.
 */
export async function neededScopes(t: Touches, facts: PortalFacts): Promise<string[]> {
  const def = actions[t.action];
  if (t.action === 'upsertCompany') {
    const props = await facts.properties('companies');
    const hasKey = props?.has('segment_group_id') ?? false;
    return def.scopes.filter((s) => !(hasKey && s === 'crm.schemas.companies.write'));
  }
  if (t.action !== 'upsertCustomObjectRecord') return [...def.scopes];
  const out = new Set<string>();
  for (const [i, o] of t.objectTypes.entries()) {
    const known = await facts.objectType(o.name);
    if (!known.ok) continue;
    // The record's type is written; the associated one only read.
    for (const s of objectScopes(known.id, known.custom)) if (i === 0 || s.endsWith('.read') || s === 'tickets') out.add(s);
  }
  return [...out];
}
