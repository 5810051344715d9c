import { afterEach, beforeEach } from 'vitest';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../emulator/index.js';

export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

/** A thin fetch wrapper: JSON in, status/body/headers out, never throws on HTTP errors. */
export function client(baseUrl: string, token?: string) {
  async function call<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
    const h: Record<string, string> = { ...headers };
    if (token && !('authorization' in h)) h.authorization = `Bearer ${token}`;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      if (!('content-type' in h)) h['content-type'] = 'application/json';
    }
    const res = await fetch(baseUrl + path, { method, headers: h, body: payload, redirect: 'manual' });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed as T, headers: res.headers, text };
  }
  return {
    call,
    get: <T = any>(p: string, h?: Record<string, string>) => call<T>('GET', p, undefined, h),
    post: <T = any>(p: string, b?: unknown, h?: Record<string, string>) => call<T>('POST', p, b, h),
    patch: <T = any>(p: string, b?: unknown) => call<T>('PATCH', p, b),
    put: <T = any>(p: string, b?: unknown) => call<T>('PUT', p, b),
    del: <T = any>(p: string) => call<T>('DELETE', p),
    withToken: (t: string) => client(baseUrl, t),
  };
}

export type Client = ReturnType<typeof client>;

export async function boot(opts: EmulatorOptions = {}): Promise<{ emu: RunningEmulator; api: Client; controls: Client }> {
  const emu = await startEmulator({ quiet: true, ...opts });
  return { emu, api: client(emu.url, emu.accessToken), controls: client(emu.url) };
}

export const CORRELATION = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A fresh emulator per test. The returned objects forward to the current test's emulator, so a
 * test file can destructure them once at the top.
 */
export function useEmulator(opts: EmulatorOptions = {}): { emu: RunningEmulator; api: Client; controls: Client } {
  let current: Awaited<ReturnType<typeof boot>> | undefined;
  beforeEach(async () => {
    current = await boot(opts);
  });
  afterEach(async () => {
    await current?.emu.stop();
    current = undefined;
  });
  const forward = <T extends object>(pick: (b: Awaited<ReturnType<typeof boot>>) => T): T =>
    new Proxy({} as T, {
      get: (_t, key) => {
        if (!current) throw new Error('useEmulator: no emulator outside a test');
        return (pick(current) as Record<string | symbol, unknown>)[key];
      },
    });
  return { emu: forward((b) => b.emu), api: forward((b) => b.api), controls: forward((b) => b.controls) };
}
