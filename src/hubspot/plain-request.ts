import { HubSpotRunError } from '../errors.js';
import { attempt, NetworkFailure, redirectRefused, redirectTarget } from './http-attempt.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffMs, judgeNetworkFailure, judgeResponse } from './retry-policy.js';
import type { HttpMethod, HubSpotResponse } from './transport.js';
import { defaultUserAgent } from './user-agent.js';

export interface PlainRequest {
  method: HttpMethod;
  headers?: Record<string, string>;
  body?: string;
}

const TIMEOUT_MS = 20_000;
const MAX_ATTEMPTS = 3;
/** A person is waiting (login, logout, a token refresh): a long Retry-After is not worth honouring. */
const MAX_DELAY_MS = 10_000;

/**
 * A call outside a run's budgets (the OAuth token endpoint, a token check at login): the API
 * client's retry verdicts and backoff, fewer tries. Any answer resolves, 401 and 4xx included; only
 * a network that stays down or a redirect rejects, naming the host but never the URL. Answers come
 * back unredacted (a token grant is made of secrets): callers redact what they show.
 */
export async function plainRequest(baseUrl: string, path: string, init: PlainRequest): Promise<HubSpotResponse> {
  let last: HubSpotResponse | NetworkFailure | undefined;
  for (let tries = 1; tries <= MAX_ATTEMPTS; tries++) {
    try {
      last = await attempt({ url: baseUrl + path, ...init, userAgent: defaultUserAgent(), timeoutMs: TIMEOUT_MS, redact: false });
    } catch (err) {
      if (!(err instanceof NetworkFailure)) throw err;
      last = err;
    }
    if (!(last instanceof NetworkFailure) && redirectTarget(last) !== undefined) throw redirectRefused(baseUrl, { method: init.method, path }, last);
    const verdict = last instanceof NetworkFailure ? judgeNetworkFailure(last) : judgeResponse(last, { budget: 'standard', standardRemainderMs: () => 0 });
    if (verdict.kind !== 'retry' || tries === MAX_ATTEMPTS) break;
    await sleep(Math.min(MAX_DELAY_MS, Math.max(backoffMs(tries, Math.random), verdict.minDelayMs)));
  }
  if (last instanceof NetworkFailure) {
    throw new HubSpotRunError(
      `Could not reach HubSpot at ${baseUrl} (${last.kind === 'timeout' ? `no answer within ${TIMEOUT_MS / 1000} s` : last.code}).`,
      'network',
      'Check your network connection (and HUBSPOT_API_BASE_URL / --base-url if set), then try again.',
    );
  }
  return last!;
}
