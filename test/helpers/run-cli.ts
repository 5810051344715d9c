import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin', 'hubspot-actions');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as its own process, as a user would. */
export function runCli(args: string[], opts: { stdin?: string | Buffer; env?: Record<string, string | undefined>; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, NO_COLOR: '1', HUBSPOT_ACCESS_TOKEN: undefined, HUBSPOT_API_BASE_URL: undefined, ...opts.env })) {
      if (v !== undefined) env[k] = v;
    }
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (opts.stdin !== undefined) child.stdin.end(opts.stdin);
    else child.stdin.end();
  });
}

/** A mapping file and an events file (one JSON line each) in a new temporary folder: their paths. */
export function inputFiles(mapping: string, events: object[]): { m: string; e: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'ha-cli-'));
  writeFileSync(path.join(dir, 'm.yaml'), mapping);
  writeFileSync(path.join(dir, 'e.ndjson'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  return { m: path.join(dir, 'm.yaml'), e: path.join(dir, 'e.ndjson') };
}

/** The dry-run's JSON lines. */
export function requestsOf(stdout: string): any[] {
  return stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}
