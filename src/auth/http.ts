import { HubSpotRunError } from '../errors.js';

export interface AuthHttpResponse {
  status: number;
  body: any;
  headers: Headers;
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
      await sleep(retryDelayMs(res.headers.get('retry-after'), attempt));
      continue;
    }
    const text = await res.text();
    let body: any;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.status, body, headers: res.headers };
  }
  throw new HubSpotRunError(
    `Could not reach HubSpot at ${baseUrl} (${describeNetworkError(lastError)}).`,
    'network',
    'Check your network connection (and HUBSPOT_API_BASE_URL / --base-url if set), then try again.',
  );
}

function retryDelayMs(retryAfter: string | null, attempt: number): number {
  const seconds = retryAfter ? Number(retryAfter) : NaN;
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, 10) * 1000;
  return 500 * 2 ** (attempt - 1);
}

function describeNetworkError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return cause.code;
  if (cause?.message) return cause.message;
  if ((err as Error)?.name === 'TimeoutError') return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  return (err as Error)?.name ?? 'network error';
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
