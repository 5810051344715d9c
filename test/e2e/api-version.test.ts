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

async function runUnder(flags: string[]): Promise<{ dump: any; paths: string[] }> {
  const p = await portal({ hubId: 1234567 });
  portals.push(p);
  await p.seed(SEED);
  const r = await p.send([EVENTS, '-m', MAPPING, ...flags]);
  expect(r.stderr).toMatch(/failed:\s+0\n/);
  expect(r.code).toBe(0);
  const res = await fetch(`${p.emu.url}/__emulator/requests`);
  const log: Array<{ path: string }> = (await res.json()).log;
  // The token check (OAuth introspection) is versioned apart from the CRM and events APIs.
  return { dump: await p.dump(), paths: log.map((e) => e.path).filter((x) => !x.startsWith('/oauth/')) };
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
    expect(dated.dump).toEqual(legacy.dump);
    // The run did what the example does: two contacts, the company with its contact, the deal, the event.
    expect(legacy.dump.records.contacts).toHaveLength(2);
    expect(legacy.dump.records.companies).toHaveLength(1);
    expect(legacy.dump.records.deals).toHaveLength(1);
    expect(legacy.dump.associations.some((a: string[]) => a[0] === 'companies' && a[2] === 'contacts')).toBe(true);
    expect(legacy.dump.events).toHaveLength(1);
  });
});
