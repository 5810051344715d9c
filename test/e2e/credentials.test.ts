import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ndjson, portal, recordsOf, type Portal } from '../helpers/live.js';

let p: Portal;
afterEach(async () => p?.stop());

const mapping = 'version: 1\nmappings:\n  - name: c\n    action: upsertContact\n';
const events = ndjson([{ type: 'identify', messageId: '1', traits: { email: 'a@x.io' } }]);

it('takes --token before HUBSPOT_ACCESS_TOKEN', async () => {
  p = await portal();
  const r = await p.send([p.file('e.ndjson', events), '-m', p.file('m.yaml', mapping), '--token', p.emu.accessToken], { env: { HUBSPOT_ACCESS_TOKEN: 'pat-na1-not-a-real-token' } });
  expect(r.code).toBe(0);
  expect(recordsOf(await p.dump(), 'contacts')).toHaveLength(1);
});

it('stops with the login hint when HubSpot refuses the token, printing no token', async () => {
  p = await portal();
  const bad = 'pat-na1-00000000-0000-0000-0000-000000000000';
  const r = await p.send([p.file('e.ndjson', events), '-m', p.file('m.yaml', mapping), '--failed', 'f.ndjson'], { env: { HUBSPOT_ACCESS_TOKEN: bad } });
  expect(r.code).toBe(3);
  expect(r.stderr).toMatch(/HubSpot rejected the credentials \(401/);
  expect(r.stderr).toContain('hubspot-actions login');
  expect(r.stderr).toMatch(/Events from .*e\.ndjson:1 on are not finished/);
  expect(r.stdout + r.stderr).not.toContain(bad);
});

it('says how to log in when there is no credential at all', async () => {
  p = await portal();
  const config = mkdtempSync(path.join(tmpdir(), 'ha-nocreds-'));
  const r = await p.send([p.file('e.ndjson', events), '-m', p.file('m.yaml', mapping)], { env: { HUBSPOT_ACCESS_TOKEN: undefined, HUBSPOT_ACTIONS_CONFIG_DIR: config } });
  expect(r.code).toBe(3);
  expect(r.stderr).toContain('No HubSpot credentials found for profile "default".');
  expect(r.stderr).toContain('hubspot-actions login');
});

describe('paths checked before anything is sent', () => {
  it('a checkpoint that cannot be written', async () => {
    p = await portal();
    const r = await p.send([p.file('e.ndjson', events), '-m', p.file('m.yaml', mapping), '--checkpoint', '/nonexistent-dir/ck.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot write the checkpoint /nonexistent-dir/ck.json (ENOENT)');
    expect((await p.requests()).total).toBe(0);
  });

  it('a failed-events file in a folder that does not exist', async () => {
    p = await portal();
    const r = await p.send([p.file('e.ndjson', events), '-m', p.file('m.yaml', mapping), '--failed', '/nonexistent-dir/f.ndjson']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot write /nonexistent-dir/f.ndjson: its folder /nonexistent-dir does not exist or is not writable');
    expect((await p.requests()).total).toBe(0);
  });

  it('a missing input file after a good one: nothing of the good one is sent', async () => {
    p = await portal();
    const r = await p.send([p.file('e.ndjson', events), 'missing.ndjson', '-m', p.file('m.yaml', mapping)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot read input file missing.ndjson (no such file)');
    expect((await p.requests()).total).toBe(0);
  });
});
