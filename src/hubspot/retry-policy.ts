import type { HubSpotResponse, RateBudget } from './transport.js';
import type { NetworkFailure } from './http-attempt.js';

/**
 * What to do with one answer or failure. Retrying writes is safe only because callers send
 * idempotent requests (upserts keyed by email / unique property, events keyed by uuid): a dropped
 * connection after a write may mean the write happened, and the client retries it anyway.
 */
export type RetryCause =
  | 'ten-secondly-limit'
  | 'secondly-limit'
  | 'rate-limit'
  | 'server-busy'
  | 'timeout'
  | 'network'
  | 'unauthorized';

export type Verdict =
  | { kind: 'done' }
  | { kind: 'daily-limit' }
  | { kind: 'unauthorized' }
  | {
      kind: 'retry';
      cause: RetryCause;
      /** The wait the server asked for or its bucket needs; the backoff never goes below it. */
      minDelayMs: number;
      /** Stop everyone drawing on this budget for `minDelayMs`, not just this request. */
      pause?: RateBudget;
      /** Fewer tries than maxRetries: a refused connection means nobody is listening, so fail soon. */
      maxRetries?: number;
    };

export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 30_000;
/** HubSpot's search limit is per second and sends no headers saying when it frees up. */
export const SECONDLY_PAUSE_MS = 1_000;
/** Never sleep longer than this on a Retry-After; a larger value is more likely a bug than advice. */
export const RETRY_AFTER_CAP_MS = 15 * 60_000;
const BRIEF_RETRIES = 2;

/** 423 locked record, 477 migration in progress, 408 and 5xx (but 501: the call will never work). */
const TRANSIENT = new Set([408, 423, 477]);
const SECONDLY_MESSAGE = 'You have reached your secondly limit.';

/**
 * Exponential backoff with "equal jitter": half the step is fixed so a retry never comes back at
 * once, half is random so parallel callers that failed together do not return together.
 */
export function backoffMs(retry: number, random: () => number): number {
  const step = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, retry - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/** `Retry-After` in seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(headers: Record<string, string>, nowEpochMs = Date.now()): number | undefined {
  const v = headers['retry-after']?.trim();
  if (!v) return undefined;
  const ms = /^\d+(\.\d+)?$/.test(v) ? Number(v) * 1000 : Date.parse(v) - nowEpochMs;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(RETRY_AFTER_CAP_MS, Math.max(0, Math.ceil(ms)));
}

export interface JudgeContext {
  budget: RateBudget;
  /** How long until the ten-secondly window frees its first slot for us. */
  standardRemainderMs: () => number;
}

export function judgeResponse(res: HubSpotResponse, ctx: JudgeContext): Verdict {
  const { status } = res;
  if (status === 401) return { kind: 'unauthorized' };
  const retryAfter = retryAfterMs(res.headers);
  if (status === 429) return judgeRateLimited(res, ctx, retryAfter);
  if (TRANSIENT.has(status) || (status >= 500 && status !== 501)) {
    return { kind: 'retry', cause: 'server-busy', minDelayMs: retryAfter ?? 0 };
  }
  return { kind: 'done' };
}

function judgeRateLimited(res: HubSpotResponse, ctx: JudgeContext, retryAfter: number | undefined): Verdict {
  const body = typeof res.body === 'object' && res.body !== null ? (res.body as Record<string, unknown>) : {};
  const policy = typeof body.policyName === 'string' ? body.policyName : undefined;
  if (policy === 'DAILY') return { kind: 'daily-limit' };
  if (policy === 'TEN_SECONDLY_ROLLING') {
    return {
      kind: 'retry',
      cause: 'ten-secondly-limit',
      minDelayMs: Math.max(retryAfter ?? 0, ctx.standardRemainderMs()),
      pause: 'standard',
    };
  }
  const secondly = policy === 'SECONDLY' || body.message === SECONDLY_MESSAGE || (!policy && ctx.budget === 'search');
  if (secondly) {
    return { kind: 'retry', cause: 'secondly-limit', minDelayMs: Math.max(retryAfter ?? 0, SECONDLY_PAUSE_MS), pause: 'search' };
  }
  return { kind: 'retry', cause: 'rate-limit', minDelayMs: retryAfter ?? 0 };
}

const NOBODY_LISTENING = new Set(['ECONNREFUSED', 'ENOTFOUND']);

/**
 * Whether a retryable answer leaves a write's outcome unknown: a dropped connection or timeout
 * after sending, or a 5xx (a gateway may answer 502/504 after HubSpot committed the write). Such a
 * non-idempotent write must be looked up, never sent again blindly. 429, 423, 477 and 408 say the
 * request was not applied.
 */
export function outcomeUnknown(outcome: HubSpotResponse | NetworkFailure): boolean {
  if ('kind' in outcome) return !neverReached(outcome);
  return outcome.status >= 500;
}

/** True when the request surely never reached HubSpot, so even a non-idempotent write may be sent again. */
export function neverReached(failure: NetworkFailure): boolean {
  return failure.kind === 'network' && NOBODY_LISTENING.has(failure.code);
}

export function judgeNetworkFailure(failure: NetworkFailure): Verdict {
  if (failure.kind === 'timeout') return { kind: 'retry', cause: 'timeout', minDelayMs: 0 };
  const brief = NOBODY_LISTENING.has(failure.code) ? { maxRetries: BRIEF_RETRIES } : {};
  return { kind: 'retry', cause: 'network', minDelayMs: 0, ...brief };
}
