import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { BIN, ROOT } from '../helpers/run-cli.js';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface Running {
  child: ChildProcess;
  done: Promise<Exit>;
}

/** The built CLI as its own process (never an in-process call), with a hard ceiling on its life. */
export function startCli(args: string[], opts: { env: Record<string, string | undefined>; cwd: string; timeoutMs: number }): Running {
  const env: Record<string, string> = {};
  const base = { ...process.env, NO_COLOR: '1', HUBSPOT_ACCESS_TOKEN: undefined, HUBSPOT_API_BASE_URL: undefined, HUBSPOT_APP_BASE_URL: undefined };
  for (const [k, v] of Object.entries({ ...base, ...opts.env })) if (v !== undefined) env[k] = v;
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => {
    stderr += d;
    if (stderr.length > 4_000_000) stderr = stderr.slice(-2_000_000);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
  const done = new Promise<Exit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
  return { child, done };
}

export interface CliSupport {
  oneAtATime: boolean;
  outcomes: boolean;
}

let support: CliSupport | undefined;

/** Which of the switches issue 9 needs the built CLI has (`send --help`). */
export function cliSupport(): CliSupport {
  if (!support) {
    const r = spawnSync(process.execPath, [BIN, 'send', '--help'], { cwd: ROOT, encoding: 'utf8' });
    const help = `${r.stdout}${r.stderr}`;
    support = { oneAtATime: help.includes('--one-at-a-time'), outcomes: help.includes('--outcomes') };
  }
  return support;
}
