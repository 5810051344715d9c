import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/run-cli.js';
import { portal, type Portal } from '../helpers/live.js';

// The shipped example run: contacts, a company associated with its contact, a deal and a custom
// event, sent live to the emulator under each API family.
const SEED = JSON.parse(readFileSync(path.join(ROOT, 'examples/emulator-seed.json'), 'utf8'));
const MAPPING = path.join(ROOT, 'mappings.example.yaml');
const EVENTS = path.join(ROOT, 'examples/events.ndjson');

const LEGACY = /^\/(crm\/v3\/(objects|properties|schemas)|crm\/v4\/(objects|associations)|events\/v3|account-info\/v3)\//;
const DATED = /^\/(crm\/(objects|properties|associations)\/2026-03|crm-object-schemas\/2026-03|events\/2026-03|account-info\/2026-03)\//;

let portals: Portal[] = [];
afterEach(async () => {
  await Promise.all(portals.map((p) => p.stop()));
  portals = [];
});

async function runUnder(flags: string[], plan = false): Promise<{ dump: any; paths: string[]; stdout: string }> {
  const p = await portal({ hubId: 1234567 });
  portals.push(p);
  await p.seed(SEED);
  const r = await p.send([EVENTS, '-m', MAPPING, ...flags, ...(plan ? ['--plan', '--json'] : [])]);
  if (!plan) expect(r.stderr).toMatch(/failed:\s+0\n/);
  expect(r.code).toBe(0);
  const res = await fetch(`${p.emu.url}/__emulator/requests`);
  const log: Array<{ path: string }> = (await res.json()).log;
  // The token check (OAuth introspection) is versioned apart from the CRM and events APIs.
  return { dump: await p.dump(), paths: log.map((e) => e.path).filter((x) => !x.startsWith('/oauth/')), stdout: r.stdout };
}

/**
 * The dump with record ids replaced by what the record holds: ids come from one counter in the
 * order writes arrive, which concurrent lanes do not fix.
 */
function normalized(dump: any): any {
  let text = JSON.stringify(dump);
  for (const [type, list] of Object.entries<any[]>(dump.records)) {
    for (const r of list) {
      const { id: _id, ...props } = r;
      const label = `${type}:${props.properties?.email ?? props.properties?.name ?? props.properties?.dealname ?? JSON.stringify(props)}`;
      text = text.split(`"${r.id}"`).join(JSON.stringify(label));
    }
  }
  const out = JSON.parse(text);
  for (const type of Object.keys(out.records)) out.records[type].sort((a: any, b: any) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  out.associations?.sort?.((a: any, b: any) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  return out;
}

describe('send --api-version against the emulator', () => {
  it('ends in the same portal state under both families, each run using only its own paths', async () => {
    const legacy = await runUnder([]);
    const dated = await runUnder(['--api-version', '2026-03']);
    expect(legacy.paths.length).toBeGreaterThan(5);
    for (const p of legacy.paths) expect(p).toMatch(LEGACY);
    for (const p of dated.paths) expect(p).toMatch(DATED);
    expect(dated.paths).toContain('/crm/associations/2026-03/companies/contacts/batch/associate/default');
    expect(dated.paths).toContain('/events/2026-03/send');
    expect(normalized(dated.dump)).toEqual(normalized(legacy.dump));
    // The run did what the example does: two contacts, the company with its contact, the deal, the event.
    expect(legacy.dump.records.contacts).toHaveLength(2);
    expect(legacy.dump.records.companies).toHaveLength(1);
    expect(legacy.dump.records.deals).toHaveLength(1);
    expect(legacy.dump.associations.some((a: string[]) => a[0] === 'companies' && a[2] === 'contacts')).toBe(true);
    expect(legacy.dump.events).toHaveLength(1);
  });

  it('send --plan reads through the chosen family and plans the same writes', async () => {
    const legacy = await runUnder([], true);
    const dated = await runUnder(['--api-version', '2026-03'], true);
    for (const p of legacy.paths) expect(p).toMatch(LEGACY);
    for (const p of dated.paths) expect(p).toMatch(DATED);
    // Made-up ids follow the order answers come back in, which the lanes do not fix: compared without them.
    const planOf = (stdout: string) => {
      const plan = JSON.parse(stdout).plan;
      return {
        records: plan.records.map((r: any) => JSON.stringify([r.kind, r.objectType, r.changes, r.mapping])).sort(),
        associations: plan.associations.map((a: any) => [a.fromType, a.toType, a.types, a.mapping]),
        events: plan.events,
        properties: plan.properties,
      };
    };
    expect(planOf(dated.stdout)).toEqual(planOf(legacy.stdout));
    expect(planOf(dated.stdout).associations).toHaveLength(1);
    expect(planOf(dated.stdout).records).toHaveLength(4);
    expect(JSON.parse(dated.stdout).totals).toMatchObject({ creates: 4, updates: 0, events: 1, associations: 1 });
  });
});
