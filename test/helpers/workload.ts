import { ndjson, portal } from './live.js';
/**
 * A mixed backfill: identifies (batched contacts), groups (companies associated with their users),
 * and tracks (behavioral events), for fault and resume tests that compare final portal states.
 */
export const workloadMapping = `version: 1
settings:
  hubId: "1234567"
mappings:
  - name: contacts
    action: upsertContact
    fields:
      enable_batching: true
  - name: companies
    action: upsertCompany
  - name: clicks
    action: sendCustomBehavioralEvent
    fields:
      eventName: pe1234567_clicked
      email: { "@path": "$.properties.email" }
`;

export const workloadSeed = { eventDefinitions: [{ name: 'clicked', label: 'Clicked', propertyDefinitions: [] }] };

export function workload(users: number): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < users; i++) {
    out.push({ type: 'identify', messageId: `i${i}`, userId: `u${i}`, traits: { email: `user${i}@x.io`, first_name: `F${i}` } });
    out.push({ type: 'track', messageId: `t${i}`, userId: `u${i}`, event: 'Clicked', timestamp: '2026-11-01T00:00:00.000Z', properties: { email: `user${i}@x.io` } });
    if (i % 3 === 0) out.push({ type: 'group', messageId: `g${i}`, userId: `u${i}`, groupId: `co${i % 30}`, traits: { name: `Co ${i % 30}` } });
  }
  return out;
}

/** The portal's state without its ids: contacts by email, companies by group id, associations by those keys. */
export function normalState(dump: any): { contacts: string[]; companies: string[]; associations: string[]; events: string[] } {
  const contacts = new Map<string, string>(dump.records.contacts.map((r: any) => [r.id, r.properties.email]));
  const companies = new Map<string, string>(dump.records.companies.map((r: any) => [r.id, r.properties.segment_group_id]));
  return {
    contacts: dump.records.contacts.map((r: any) => `${r.properties.email}|${r.properties.firstname ?? ''}`).sort(),
    companies: dump.records.companies.map((r: any) => `${r.properties.segment_group_id}|${r.properties.name ?? ''}`).sort(),
    associations: dump.associations
      .filter((a: string[]) => a[0] === 'companies' && a[2] === 'contacts')
      .map((a: string[]) => `${companies.get(a[1])}>${contacts.get(a[3])}`)
      .sort(),
    events: dump.events.map((e: any) => `${e.eventName}|${e.email}|${e.uuid}`).sort(),
  };
}

/** What a fault-free run of the workload mapping over these events leaves in a fresh portal. */
export async function cleanRunState(events: unknown[]): Promise<ReturnType<typeof normalState>> {
  const ref = await portal();
  try {
    await ref.seed(workloadSeed);
    const r = await ref.send([ref.file('e.ndjson', ndjson(events)), '-m', ref.file('m.yaml', workloadMapping)]);
    if (r.code !== 0) throw new Error(`the fault-free reference run failed (exit ${r.code}):\n${r.stderr}`);
    return normalState(await ref.dump());
  } finally {
    await ref.stop();
  }
}
