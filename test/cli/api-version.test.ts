import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli, requestsOf } from '../helpers/run-cli.js';

// The shipped example: contacts, a company associated with its contact, a deal and a custom event.
const MAPPING = 'mappings.example.yaml';
const EVENTS = 'examples/events.ndjson';

const LEGACY = /^\/(crm\/v3\/(objects|properties|schemas)|crm\/v4\/(objects|associations)|events\/v3)\//;
const DATED = /^\/(crm\/objects\/2026-03|crm\/properties\/2026-03|crm\/associations\/2026-03|events\/2026-03)\//;

const pathsOf = (stdout: string) => requestsOf(stdout).map((q) => new URL(q.url).pathname);

/** The example mapping with one more setting, and the line it is on. */
function mappingWith(setting: string): { file: string; line: number } {
  const dir = mkdtempSync(path.join(tmpdir(), 'ha-apiver-'));
  const file = path.join(dir, 'm.yaml');
  const text = readFileSync(MAPPING, 'utf8').replace('\nsettings:\n', `\nsettings:\n  ${setting}\n`);
  writeFileSync(file, text);
  return { file, line: text.split('\n').indexOf(`  ${setting}`) + 1 };
}

describe('send --api-version', () => {
  it('default: every request goes to the v3/v4 family', async () => {
    const r = await runCli(['send', EVENTS, '-m', MAPPING, '--dry-run']);
    expect(r.code).toBe(0);
    const paths = pathsOf(r.stdout);
    expect(paths.length).toBeGreaterThan(4);
    for (const p of paths) expect(p).toMatch(LEGACY);
    expect(paths).toContain('/crm/v4/associations/companies/contacts/batch/associate/default');
    expect(paths).toContain('/events/v3/send');
  });

  it('2026-03: every request goes to the date-versioned family, same bodies', async () => {
    const legacy = requestsOf((await runCli(['send', EVENTS, '-m', MAPPING, '--dry-run'])).stdout);
    const r = await runCli(['send', EVENTS, '-m', MAPPING, '--dry-run', '--api-version', '2026-03']);
    expect(r.code).toBe(0);
    const dated = requestsOf(r.stdout);
    for (const q of dated) expect(new URL(q.url).pathname).toMatch(DATED);
    const paths = dated.map((q) => new URL(q.url).pathname);
    expect(paths).toContain('/crm/associations/2026-03/companies/contacts/batch/associate/default');
    expect(paths).toContain('/crm/objects/2026-03/contacts/batch/create');
    expect(paths).toContain('/crm/objects/2026-03/deals/search');
    expect(paths).toContain('/crm/properties/2026-03/companies');
    expect(paths).toContain('/events/2026-03/send');
    expect(dated.map((q) => [q.method, q.body])).toEqual(legacy.map((q) => [q.method, q.body]));
  });

  it("takes the mapping file's settings.apiVersion, and the flag wins over it", async () => {
    const { file } = mappingWith('apiVersion: "2026-03"');
    for (const p of pathsOf((await runCli(['send', EVENTS, '-m', file, '--dry-run'])).stdout)) expect(p).toMatch(DATED);
    for (const p of pathsOf((await runCli(['send', EVENTS, '-m', file, '--dry-run', '--api-version', 'v3'])).stdout)) expect(p).toMatch(LEGACY);
  });

  it('refuses an unknown --api-version up front, sending nothing', async () => {
    const r = await runCli(['send', EVENTS, '-m', MAPPING, '--dry-run', '--api-version', '2026-13']);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--api-version must be one of v3, 2026-03, not "2026-13"');
  });

  it('refuses an unknown settings.apiVersion, naming file:line', async () => {
    const { file, line } = mappingWith('apiVersion: v4');
    const r = await runCli(['send', EVENTS, '-m', file, '--dry-run']);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}:\\d+: apiVersion must be one of v3, 2026-03, not "v4"`));
    const v = await runCli(['validate', file]);
    expect(v.code).not.toBe(0);
    expect(v.stdout + v.stderr).toContain(`${file}:${line}:`);
  });
});
