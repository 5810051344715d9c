import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../emulator/index.js';
import { runCli, type CliResult } from './run-cli.js';

export interface Portal {
  emu: RunningEmulator;
  dir: string;
  seed(body: Record<string, unknown>): Promise<any>;
  dump(): Promise<any>;
  requests(): Promise<{ total: number; counts: Record<string, number> }>;
  /** Runs `send` against this portal as a separate process, with the ready token. */
  send(args: string[], opts?: { stdin?: string; env?: Record<string, string | undefined> }): Promise<CliResult>;
  file(name: string, text: string): string;
  stop(): Promise<void>;
}

/** A fresh emulated portal and a scratch folder for one test. */
/** One call to the emulator's test controls (`/__emulator/<name>`): JSON in, JSON out, an error on non-2xx. */
export async function emulatorControl(emu: RunningEmulator, method: string, name: string, body?: unknown): Promise<any> {
  const res = await fetch(`${emu.url}/__emulator/${name}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`emulator ${name}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

export async function portal(opts: EmulatorOptions = {}): Promise<Portal> {
  const emu = await startEmulator({ quiet: true, ...opts });
  const dir = mkdtempSync(path.join(tmpdir(), 'ha-live-'));
  const control = (method: string, name: string, body?: unknown) => emulatorControl(emu, method, name, body);
  return {
    emu,
    dir,
    seed: (body) => control('POST', 'seed', body),
    dump: () => control('GET', 'dump'),
    requests: () => control('GET', 'requests'),
    send: (args, o = {}) =>
      runCli(['send', ...args], {
        cwd: dir,
        stdin: o.stdin,
        env: { HUBSPOT_API_BASE_URL: emu.url, HUBSPOT_ACCESS_TOKEN: emu.accessToken, ...o.env },
      }),
    file: (name, text) => {
      const p = path.join(dir, name);
      writeFileSync(p, text);
      return p;
    },
    stop: () => emu.stop(),
  };
}

export const ndjson = (events: unknown[]) => events.map((e) => JSON.stringify(e)).join('\n') + '\n';

/** Records of a type from a dump, as plain property maps. */
export const recordsOf = (dump: any, type: string): Array<Record<string, string>> => (dump.records[type] ?? []).map((r: any) => ({ id: r.id, ...r.properties }));
