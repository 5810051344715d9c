import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { client } from './helpers.js';

// `npm test` builds before running vitest; this checks the built `npm run emulator` entry point.
const MAIN = fileURLToPath(new URL('../../dist/test/emulator/main.js', import.meta.url));

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill('SIGTERM');
  child = undefined;
});

function startMain(args: string[]): Promise<{ output: string; ms: number }> {
  const t0 = Date.now();
  child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    child!.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      if (output.includes('Ctrl-C')) resolve({ output, ms: Date.now() - t0 });
    });
    child!.once('exit', (code) => reject(new Error(`emulator exited with ${code}: ${output}`)));
  });
}

describe('npm run emulator', () => {
  it('starts quickly and prints the URL, a working token and how to point the CLI at it', async () => {
    expect(existsSync(MAIN), 'run `npm run build` first').toBe(true);
    const { output, ms } = await startMain(['--port', '0', '--hub-id', '99', '--ten-secondly', '7', '--quiet']);
    expect(ms).toBeLessThan(3000);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!;
    const token = /Access token \(every scope\): (\S+)/.exec(output)![1]!;
    expect(output).toContain(`HUBSPOT_API_BASE_URL=${url} HUBSPOT_APP_BASE_URL=${url} HUBSPOT_ACCESS_TOKEN=${token} hubspot-actions send`);
    const r = await client(url, token).get('/account-info/v3/details');
    expect(r.body.portalId).toBe(99);
    expect(r.headers.get('x-hubspot-ratelimit-max')).toBe('7');
  });
});
