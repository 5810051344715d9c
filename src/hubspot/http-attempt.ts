import type http from 'node:http';
import fetch, { FetchError } from 'node-fetch';
import { HubSpotRunError } from '../errors.js';
import { redactText, redactValue } from './redact.js';
import type { HttpMethod, HubSpotRequest, HubSpotResponse } from './transport.js';

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
  /**
   * False only for the OAuth token endpoint, whose answers carry the new tokens themselves; its
   * caller redacts what it shows.
   */
  redact?: boolean;
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
    const redact = a.redact !== false;
    res.headers.forEach((value, name) => {
      out[name.toLowerCase()] = redact ? redactText(value, [], EXACT) : value;
    });
    // Redacted as it arrives: an answer echoing the request (a proxy, a fake host) must not carry
    // the token into error messages, the failed file or the summary. Only the secrets themselves:
    // the run reads these answers, and a record's "code=A1" must stay as it is.
    return { status: res.status, body: redact ? redactValue(parseBody(text), [], EXACT) : parseBody(text), headers: out };
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

const EXACT = { patterns: false } as const;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Where a redirect points; undefined for any other answer. API calls never follow one. */
export function redirectTarget(res: HubSpotResponse): string | undefined {
  return REDIRECTS.has(res.status) ? (res.headers.location ?? '(no location)') : undefined;
}

/**
 * A redirect would take the bearer token (and, on 307/308, the customer data in the body) to
 * another host or port; HubSpot's API never redirects, so the base URL is wrong.
 */
export function redirectRefused(baseUrl: string, req: Pick<HubSpotRequest, 'method' | 'path'>, res: HubSpotResponse): HubSpotRunError {
  const target = redactText(redirectTarget(res) ?? '');
  return new HubSpotRunError(
    `${baseUrl} answered ${req.method} ${redactText(req.path)} with a redirect (${res.status}) to ${target}; it was not followed, so no token or data went there.`,
    'other',
    "Point --base-url / HUBSPOT_API_BASE_URL at HubSpot's API host (https://api.hubapi.com) or at a proxy that answers itself.",
  );
}
