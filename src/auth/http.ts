import fetch, { type Response } from 'node-fetch';
import { HubSpotRunError } from '../errors.js';
import { retryAfterMs } from '../hubspot/retry-policy.js';

export interface AuthHttpResponse {
  status: number;
  body: any;
}

const REQUEST_TIMEOUT_MS = 20_000;
const MAX_ATTEMPTS = 3;

/**
 * One auth call to HubSpot: a timeout, a couple of retries on 429/5xx/dropped connections (the token
 * endpoint has its own rate limit), and errors that name the host but never the URL, because the
 * introspection and revocation paths carry tokens.
 */
export async function authRequest(
  baseUrl: string,
  path: string,
  init: { method: 'GET' | 'POST' | 'DELETE'; headers?: Record<string, string>; body?: string },
): Promise<AuthHttpResponse> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    let res: Response;
    try {
      res = await fetch(baseUrl + path, {
        method: init.method,
        headers: { accept: 'application/json', 'user-agent': 'hubspot-actions', ...init.headers },
        body: init.body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        redirect: 'manual',
      });
    } catch (err) {
      lastError = err;
      if (attempt < MAX_ATTEMPTS) {
        await sleep(500 * attempt);
        continue;
      }
      break;
    }
    if ((res.status === 429 || res.status >= 500) && attempt < MAX_ATTEMPTS) {
      await res.arrayBuffer().catch(() => undefined);
      // HubSpot's Retry-After read as the API client reads it, capped lower: a person is waiting.
      await sleep(Math.min(retryAfterMs({ 'retry-after': res.headers.get('retry-after') ?? '' }) ?? 500 * 2 ** (attempt - 1), 10_000));
      continue;
    }
    const text = await res.text();
    let body: any;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.status, body };
  }
  throw new HubSpotRunError(
    `Could not reach HubSpot at ${baseUrl} (${describeNetworkError(lastError)}).`,
    'network',
    'Check your network connection (and HUBSPOT_API_BASE_URL / --base-url if set), then try again.',
  );
}

function describeNetworkError(err: unknown): string {
  const e = err as { code?: string; name?: string };
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  return e?.code ?? e?.name ?? 'network error';
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
