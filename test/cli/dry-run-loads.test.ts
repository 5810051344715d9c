import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/run-cli.js';

const RECORD = path.join(ROOT, 'test/fixtures/loads/record.mjs');

/** What a dry-run of the shipped example loads: every module is start-up time and resident memory. */
async function dryRunLoads(): Promise<string[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ha-loads-'));
  const file = path.join(dir, 'loads.txt');
  try {
    const r = await runCli(['send', 'examples/events.ndjson', '-m', 'mappings.example.yaml', '--dry-run', '--quiet'], {
      env: { NODE_OPTIONS: `--import ${RECORD}`, LOADS_FILE: file },
    });
    expect(r.code, r.stderr).toBe(0);
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('a dry-run loads only what it uses', () => {
  it('not the HTTP stack, and not actions-core\'s index (its destination kit and request client)', async () => {
    const loads = await dryRunLoads();
    // What it does use is seen, so an empty record cannot pass.
    expect(loads.some((m) => m.includes('/@segment/actions-core/dist/cjs/mapping-kit/'))).toBe(true);
    expect(loads.some((m) => m.includes('/dist/src/pipeline/run.js'))).toBe(true);
    expect(loads.filter((m) => m.includes('/node_modules/node-fetch/'))).toEqual([]);
    expect(loads.filter((m) => m.includes('/dist/src/hubspot/http-attempt.js'))).toEqual([]);
    expect(loads.filter((m) => /\/@segment\/actions-core\/dist\/cjs\/(index|destination-kit\/index|create-request-client)\.js$/.test(m))).toEqual([]);
  });
});
