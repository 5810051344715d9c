import { afterEach, describe, expect, it } from 'vitest';
import { ndjson, portal, type Portal } from '../helpers/live.js';

let p: Portal | undefined;
afterEach(async () => {
  await p?.stop();
  p = undefined;
});

const mapping = 'version: 1\nmappings:\n  - name: c\n    action: upsertContact\n';
const events = ndjson([{ type: 'identify', messageId: 'v1', traits: { email: 'verbose@x.io' } }]);

describe('send --verbose', () => {
  it('shows every HTTP exchange on stderr, with status and time, and never the token', async () => {
    p = await portal();
    const r = await p.send([p.file('e.ndjson', events), '-m', p.file('m.yaml', mapping), '--verbose', '--failed', 'f.ndjson']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`HTTP PATCH ${p.emu.url}/crm/v3/objects/contacts/verbose%40x\\.io\\?idProperty=email → 404 in \\d+ ms`));
    expect(r.stderr).toMatch(new RegExp(`HTTP POST ${p.emu.url}/crm/v3/objects/contacts → 201 in \\d+ ms`));
    expect(r.stderr).not.toContain('  > {');
    expect(r.stdout + r.stderr).not.toContain(p.emu.accessToken);
  });

  it('--verbose=2 adds the request and answer bodies', async () => {
    p = await portal();
    const r = await p.send([p.file('e.ndjson', events), '-m', p.file('m.yaml', mapping), '--verbose=2', '--failed', 'f.ndjson']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('  > {"properties":{"email":"verbose@x.io"}}');
    expect(r.stderr).toMatch(/ {2}< \{.*"id":"\d+"/);
  });

  it('refuses a level other than 1 or 2 before anything is sent', async () => {
    p = await portal();
    const r = await p.send([p.file('e.ndjson', events), '-m', p.file('m.yaml', mapping), '--verbose=3']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--verbose takes 1 or 2, not "3"');
    expect((await p.requests()).total).toBe(0);
  });
});
