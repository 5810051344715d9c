import type http from 'node:http';
import fetch, { FetchError } from 'node-fetch';
import type { HttpMethod, HubSpotResponse } from './transport.js';

/**
 * One HTTP exchange, no retries. A failure that says nothing about the request itself (timeout,
 * dropped or refused connection) becomes a NetworkFailure the retry policy understands; anything
 * else (a bug) is rethrown untouched.
 */
export class NetworkFailure extends Error {
  constructor(
    readonly kind: 'timeout' | 'network',
    /** ECONNRESET, ECONNREFUSED, … or 'timeout'; never a URL or a header, so it is safe to print. */
    readonly code: string,
  ) {
    super(kind === 'timeout' ? 'no answer before the timeout' : `connection failed (${code})`);
    this.name = 'NetworkFailure';
  }
}

export interface Attempt {
  url: string;
  method: HttpMethod;
  /** Sent as they are, besides accept and user-agent. */
  headers?: Record<string, string>;
  body?: string;
  userAgent: string;
  /** Keep-alive agent of the API client; none for one-off calls (login). */
  agent?: http.Agent;
  timeoutMs: number;
}

export async function attempt(a: Attempt): Promise<HubSpotResponse> {
  const controller = new AbortController();
  let timedOut = false;
  // The timer covers reading the body too: a server that stalls mid-body must not hang the run.
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, a.timeoutMs);
  try {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': a.userAgent, ...a.headers };
    const res = await fetch(a.url, { method: a.method, headers, body: a.body, agent: a.agent, signal: controller.signal, redirect: 'manual' });
    const text = await res.text();
    const out: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      out[name.toLowerCase()] = value;
    });
    return { status: res.status, body: parseBody(text), headers: out };
  } catch (err) {
    if (timedOut) throw new NetworkFailure('timeout', 'timeout');
    if (err instanceof FetchError) throw new NetworkFailure('network', err.code ?? 'connection closed');
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** HubSpot answers JSON; a proxy or load balancer in between may not, and its text is still evidence. */
function parseBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return { raw: text };
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
