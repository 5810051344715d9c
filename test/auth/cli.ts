import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'hubspot-actions');

/** Everything any CLI run printed, so one test can check no secret ever reached the terminal. */
export const transcript: string[] = [];

/**
 * The tests run the built CLI, as a user would. tsc may report errors in files other engineers
 * are still writing; it emits all the same, so what matters is that our entry point exists.
 */
export function buildCli(): void {
  const res = spawnSync('npx', ['tsc', '-p', '.'], { cwd: ROOT, encoding: 'utf8' });
  if (!existsSync(join(ROOT, 'dist', 'src', 'cli.js'))) {
    throw new Error(`build failed:\n${res.stdout}\n${res.stderr}`);
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  /** Resolves with the first authorize URL the CLI prints. */
  authorizeUrl: Promise<string>;
  done: Promise<CliResult>;
}

export function startCli(args: string[], env: NodeJS.ProcessEnv, input?: string): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, BROWSER: 'none', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let foundUrl: (url: string) => void = () => undefined;
  const authorizeUrl = new Promise<string>((resolve) => (foundUrl = resolve));
  const look = () => {
    const m = /(https?:\/\/\S+\/oauth\/authorize\?\S+)/.exec(stdout + stderr);
    if (m) foundUrl(m[1]!);
  };
  child.stdout.on('data', (d) => {
    stdout += d;
    look();
  });
  child.stderr.on('data', (d) => {
    stderr += d;
    look();
  });
  child.stdin.end(input ?? '');
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code) => {
      transcript.push(stdout, stderr);
      resolve({ code, stdout, stderr });
    }),
  );
  const url = Promise.race([authorizeUrl, done.then((r) => Promise.reject(new Error(`CLI ended before printing a URL:\n${r.stderr}`)))]);
  url.catch(() => undefined); // runs that print no URL are not an unhandled rejection
  return { authorizeUrl: url, done };
}

export function runCli(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<CliResult> {
  return startCli(args, env, input).done;
}

export interface BrowserVisit {
  /** Where HubSpot (the emulator) sent the browser. */
  callbackUrl: string;
  status: number;
  page: string;
}

/**
 * Plays the browser: opens the authorize URL at the emulator without following its redirect, then
 * follows it by hand to the CLI's loopback callback, after `edit` had a chance to tamper with it.
 */
export async function playBrowser(authorizeUrl: string, edit: (callback: URL) => void = () => undefined): Promise<BrowserVisit> {
  const consent = await fetch(authorizeUrl, { redirect: 'manual' });
  const location = consent.headers.get('location');
  if (consent.status !== 302 || !location) throw new Error(`authorize answered ${consent.status}: ${await consent.text()}`);
  const callback = new URL(location);
  edit(callback);
  const res = await fetch(callback);
  return { callbackUrl: callback.toString(), status: res.status, page: await res.text() };
}
