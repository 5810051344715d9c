import type { RunMemory } from '../types.js';

/**
 * Remembers which contact a user is, so Upsert Company can associate a company with the contact an
 * earlier event of the run upserted for the same userId or anonymousId, or with a known email.
 */
export function rememberContact(run: RunMemory, contactId: string, emailKey: string, identities: string[], properties: Record<string, unknown> = {}): void {
  run.ids.set(`email:${emailKey}`, contactId);
  run.records.remember('contacts', contactId, properties);
  run.records.found('contacts', 'email', emailKey, [contactId]);
  for (const id of identities) run.ids.set(`user:${id}`, contactId);
}

export function contactIdFor(run: RunMemory, ref: { identities: string[]; emailKey?: string }): string | undefined {
  for (const id of ref.identities) {
    const hit = run.ids.get(`user:${id}`);
    if (hit) return hit;
  }
  return ref.emailKey ? run.ids.get(`email:${ref.emailKey}`) : undefined;
}

/** The userId and anonymousId of an event, those it has. */
export function identitiesOf(event: { userId?: string | null; anonymousId?: string | null }): string[] {
  return [event.userId, event.anonymousId].filter((v): v is string => typeof v === 'string' && v !== '');
}
