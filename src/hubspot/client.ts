import type http from 'node:http';
import type { AccessTokenProvider } from './token-provider.js';
import { AuthRequired, DailyLimit, HubSpotRunError } from '../errors.js';
import { describeHubSpotError } from './hubspot-error.js';
import { attempt, NetworkFailure, redirectRefused, redirectTarget, type Attempt } from './http-attempt.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { createKeepAliveAgents, type KeepAliveAgents } from './keep-alive.js';
import { parseRateLimitHeaders, RollingBudget, type BudgetSnapshot } from './rate-limiter.js';
import { describeRequest, redactRequest, redactText, redactValue, rememberSecret } from './redact.js';
import { RequestQueue } from './request-queue.js';
import { backoffMs, judgeNetworkFailure, judgeResponse, outcomeUnknown, type RetryCause, type Verdict } from './retry-policy.js';
import { ANSWER_LOST, MAY_HAVE_HAPPENED, requestUrl, type HubSpotRequest, type HubSpotResponse, type RateBudget, type Transport } from './transport.js';
import { defaultUserAgent } from './user-agent.js';
import { DEFAULTS } from './client-defaults.js';

/**
 * The live transport: every request of a run goes through here. It keeps a run under HubSpot's
 * limits instead of bouncing off them (one queue, a rolling ten-secondly budget fed by HubSpot's
 * headers, a separate search budget), retries what is worth retrying, and stops the run only for
 * what no retry fixes (daily limit, credentials that cannot be renewed, the network gone).
 *
 * Writes are retried after dropped connections and timeouts even though HubSpot may have applied
 * them: callers send only idempotent requests (upserts on a unique key, events with a uuid).
 */
export interface ClientOptions {
  baseUrl: string;
  tokens: AccessTokenProvider;
  /** Standard requests per 10 s at most (`--rate`); when absent, 100 until HubSpot's headers announce its limit, then that. */
  ratePer10s?: number;
  /** CRM search is limited to 5 per second per account, separately from everything else. */
  searchPerSecond?: number;
  maxConcurrency?: number;
  maxRetries?: number;
  /** Per attempt, including reading the body. */
  timeoutMs?: number;
  userAgent?: string;
  /** `attempt` is the number of the retry about to be made (1 for the first retry). */
  onRetry?: (info: RetryInfo) => void;
  /** Every attempt as it ends (`--verbose`), with the token already taken out of every field. */
  onExchange?: (x: Exchange) => void;
  random?: () => number;
}

export interface Exchange {
  method: string;
  url: string;
  /** HTTP status; absent when the attempt got no answer (`failure` says why). */
  status?: number;
  failure?: string;
  ms: number;
  correlationId?: string;
  requestBody?: unknown;
  responseBody?: unknown;
}

export interface RetryInfo {
  /** The request with any secret in its path or query redacted. */
  req: HubSpotRequest;
  attempt: number;
  cause: RetryCause;
  delayMs: number;
  status?: number;
}

export interface ClientStats {
  /** Attempts sent, retries included, by budget. */
  requests: Record<RateBudget, number>;
  retries: Partial<Record<RetryCause, number>>;
  /** 429 answers seen, whatever their policy. */
  rateLimited: number;
  limits: { standard: BudgetSnapshot; search: BudgetSnapshot };
  /** Wall time each budget held requests back (not time waiting for a concurrency slot). */
  budgetWaitMs: Record<RateBudget, number>;
  /** From `X-HubSpot-RateLimit-Daily-Remaining`; absent for OAuth apps, which have no daily limit. */
  dailyRemaining?: number;
}

export interface HubSpotClient extends Transport {
  readonly readOnly: false;
  /** Where every request goes. */
  readonly baseUrl: string;
  stats(): ClientStats;
  /**
   * Destroys the keep-alive sockets and the queue's timer so the process can exit. Call it once no
   * request is pending: a request still queued would wait for a wake-up that no longer comes.
   */
  close(): void;
}

export { DEFAULTS };

const TEN_SECONDS = 10_000;

/** A write that may or may not have happened: the caller checks rather than repeating it. */
function answerLost(outcome: HubSpotResponse | NetworkFailure): HubSpotResponse {
  const what = outcome instanceof NetworkFailure ? `the answer was lost (${outcome.message})` : `HubSpot answered ${outcome.status}`;
  return {
    status: ANSWER_LOST,
    headers: {},
    body: { status: 'error', category: 'ANSWER_LOST', message: `${what}${MAY_HAVE_HAPPENED}` },
  };
}

export function createHubSpotClient(opts: ClientOptions): HubSpotClient {
  return new LiveClient(opts);
}

class LiveClient implements HubSpotClient {
  readonly readOnly = false as const;
  readonly baseUrl: string;
  private readonly now = () => performance.now();
  private readonly standard: RollingBudget;
  private readonly search: RollingBudget;
  private readonly queue: RequestQueue;
  private readonly agents: KeepAliveAgents;
  private readonly maxRetries: number;
  private readonly timeoutMs: number;
  private readonly userAgent: string;
  private readonly random: () => number;
  private readonly counts = {
    requests: { standard: 0, search: 0, events: 0, exempt: 0 } as Record<RateBudget, number>,
    retries: {} as Partial<Record<RetryCause, number>>,
    rateLimited: 0,
    dailyRemaining: undefined as number | undefined,
  };

  constructor(private readonly opts: ClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    const maxConcurrency = positive(opts.maxConcurrency, DEFAULTS.maxConcurrency);
    // No --rate: the default holds until HubSpot announces its own maximum, which the budget then follows.
    this.standard = new RollingBudget(positive(opts.ratePer10s, DEFAULTS.ratePer10s), TEN_SECONDS, TEN_SECONDS, opts.ratePer10s === undefined);
    this.search = new RollingBudget(positive(opts.searchPerSecond, DEFAULTS.searchPerSecond), 1_000);
    this.queue = new RequestQueue(maxConcurrency, { standard: this.standard, search: this.search }, this.now);
    this.agents = createKeepAliveAgents(maxConcurrency);
    this.maxRetries = Math.max(0, opts.maxRetries ?? DEFAULTS.maxRetries);
    this.timeoutMs = positive(opts.timeoutMs, DEFAULTS.timeoutMs);
    this.userAgent = opts.userAgent ?? defaultUserAgent();
    this.random = opts.random ?? Math.random;
  }

  async send<T = any>(req: HubSpotRequest): Promise<HubSpotResponse<T>> {
    const budget = req.budget ?? 'standard';
    await this.queue.admit(budget);
    try {
      return await this.sendAdmitted(req, budget);
    } finally {
      this.queue.release();
    }
  }

  backlog(): number {
    // A budget used up while requests are in flight counts as one more: a request sent now would
    // wait all the same, and their answers pump the scheduler again. With none in flight nothing
    // would wake it, so then the partial batch goes and waits in the queue, whose timer wakes it.
    return this.queue.waitingFor('standard') + (this.queue.inUse > 0 && this.standard.waitMs(this.now()) > 0 ? 1 : 0);
  }

  stats(): ClientStats {
    const now = this.now();
    const s: ClientStats = {
      requests: { ...this.counts.requests },
      retries: { ...this.counts.retries },
      rateLimited: this.counts.rateLimited,
      limits: { standard: this.standard.snapshot(now), search: this.search.snapshot(now) },
      budgetWaitMs: this.queue.budgetWaitMs(),
    };
    if (this.counts.dailyRemaining !== undefined) s.dailyRemaining = this.counts.dailyRemaining;
    return s;
  }

  close(): void {
    this.queue.stop();
    this.agents.destroy();
  }

  /** Holds a concurrency slot throughout, retries included, so an outage stalls the queue rather than flooding it. */
  private async sendAdmitted(req: HubSpotRequest, budget: RateBudget): Promise<HubSpotResponse> {
    const url = requestUrl(this.opts.baseUrl, req);
    const agent = this.agents.forUrl(new URL(url));
    /** Every token this request used, so none can leak into a message. */
    const used: string[] = [];
    let retries = 0;
    let renewedOnce = false;
    let renewed: string | undefined;
    for (;;) {
      const { token, outcome } = await this.exchange(req, budget, url, agent, renewed);
      renewed = undefined;
      used.push(token);
      const verdict: Verdict =
        outcome instanceof NetworkFailure
          ? judgeNetworkFailure(outcome)
          : judgeResponse(outcome, { budget, standardRemainderMs: () => this.standard.windowRemainderMs(this.now()) });

      if (!(outcome instanceof NetworkFailure) && redirectTarget(outcome) !== undefined) throw redirectRefused(this.baseUrl, req, outcome);
      if (verdict.kind === 'done') return outcome as HubSpotResponse;
      if (req.idempotent === false && outcomeUnknown(outcome)) return answerLost(outcome);
      const res = outcome as HubSpotResponse;
      if (verdict.kind === 'daily-limit') throw dailyLimitError(res);
      if (verdict.kind === 'unauthorized') {
        // One renewal per request: a second 401 means the renewed token is no good either.
        const fresh = renewedOnce ? undefined : await this.opts.tokens.renewAfterUnauthorized(token);
        if (fresh === undefined) throw authError(res, used);
        used.push(fresh);
        renewedOnce = true;
        renewed = fresh;
        this.noteRetry(req, used, { attempt: retries + 1, cause: 'unauthorized', delayMs: 0, status: 401 });
        await this.queue.readmit(budget);
        continue;
      }

      const limit = verdict.maxRetries ?? this.maxRetries;
      if (retries >= limit) {
        if (outcome instanceof NetworkFailure) throw networkError(outcome, req, retries + 1, used);
        return res;
      }
      retries++;
      const delayMs = Math.max(backoffMs(retries, this.random), verdict.minDelayMs);
      if (verdict.pause) {
        (verdict.pause === 'search' ? this.search : this.standard).pause(this.now() + verdict.minDelayMs);
        this.queue.poke();
      }
      const status = outcome instanceof NetworkFailure ? undefined : outcome.status;
      this.noteRetry(req, used, { attempt: retries, cause: verdict.cause, delayMs, status });
      await sleep(delayMs);
      await this.queue.readmit(budget);
    }
  }

  /**
   * One attempt under a budget unit already taken by admit/readmit; the unit is settled whatever
   * happens, the provider failing included, or the budget would count the request in flight forever.
   */
  private async exchange(
    req: HubSpotRequest,
    budget: RateBudget,
    url: string,
    agent: http.Agent,
    /** The renewed token after a 401; otherwise the provider's current one. */
    renewed: string | undefined,
  ): Promise<{ token: string; outcome: HubSpotResponse | NetworkFailure }> {
    const limiter = budget === 'standard' ? this.standard : budget === 'search' ? this.search : undefined;
    try {
      const token = renewed ?? (await this.opts.tokens.getAccessToken());
      // Whatever answers may echo it; from now on no message, file or summary can show it.
      rememberSecret(token);
      this.counts.requests[budget]++;
      let outcome: HubSpotResponse | NetworkFailure;
      const began = this.now();
      try {
        outcome = await attempt({ url, ...jsonRequest(req, token), userAgent: this.userAgent, agent, timeoutMs: this.timeoutMs });
      } catch (err) {
        if (!(err instanceof NetworkFailure)) throw err;
        outcome = err;
      }
      this.noteExchange(req, url, outcome, this.now() - began, token);
      if (!(outcome instanceof NetworkFailure)) this.takeInHeaders(outcome, budget);
      return { token, outcome };
    } finally {
      limiter?.settle(this.now());
      this.queue.poke();
    }
  }

  private takeInHeaders(res: HubSpotResponse, budget: RateBudget): void {
    if (res.status === 429) this.counts.rateLimited++;
    const h = parseRateLimitHeaders(res.headers);
    if (h.dailyRemaining !== undefined) this.counts.dailyRemaining = h.dailyRemaining;
    // Only a standard answer's Remaining counts our standard requests; on a 429 the pause governs instead.
    if (budget !== 'standard' || res.status === 429) delete h.remaining;
    this.standard.observe(h, this.now());
  }

  private noteExchange(req: HubSpotRequest, url: string, outcome: HubSpotResponse | NetworkFailure, ms: number, token: string): void {
    if (!this.opts.onExchange) return;
    const secrets = [token];
    const x: Exchange = { method: req.method, url: redactText(url, secrets), ms: Math.round(ms) };
    if (req.body !== undefined) x.requestBody = redactValue(req.body, secrets);
    if (outcome instanceof NetworkFailure) x.failure = outcome.message;
    else {
      x.status = outcome.status;
      const correlationId = describeHubSpotError(outcome).correlationId;
      if (correlationId) x.correlationId = redactText(correlationId, secrets);
      if (outcome.body !== undefined) x.responseBody = redactValue(outcome.body, secrets);
    }
    this.opts.onExchange(x);
  }

  private noteRetry(req: HubSpotRequest, secrets: string[], info: Omit<RetryInfo, 'req'>): void {
    this.counts.retries[info.cause] = (this.counts.retries[info.cause] ?? 0) + 1;
    this.opts.onRetry?.({ ...info, req: redactRequest(req, secrets) });
  }
}

/** The wire form of a request: a JSON body and the bearer token. */
function jsonRequest(req: HubSpotRequest, token: string): Pick<Attempt, 'method' | 'headers' | 'body'> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (req.body === undefined) return { method: req.method, headers };
  headers['content-type'] = 'application/json';
  return { method: req.method, headers, body: JSON.stringify(req.body) };
}

function dailyLimitError(res: HubSpotResponse): DailyLimit {
  const d = describeHubSpotError(res);
  const ref = d.correlationId ? `, correlationId ${d.correlationId}` : '';
  return new DailyLimit(
    `HubSpot's daily API limit is reached (429 DAILY${ref}).`,
    "The limit resets at midnight in the HubSpot account's time zone; run the same command again after the reset.",
  );
}

function authError(res: HubSpotResponse, secrets: (string | undefined)[]): AuthRequired {
  const d = describeHubSpotError(res);
  const what = [d.category ?? 'no category', redactText(d.message, secrets)].join(': ');
  const ref = d.correlationId ? `, correlationId ${d.correlationId}` : '';
  return new AuthRequired(
    `HubSpot rejected the credentials (401 ${what}${ref})`,
    'Run `hubspot-actions login` to sign in again, or check HUBSPOT_ACCESS_TOKEN / --token.',
  );
}

function networkError(f: NetworkFailure, req: HubSpotRequest, attempts: number, secrets: string[]): HubSpotRunError {
  const what = f.kind === 'timeout' ? 'HubSpot did not answer in time' : `Could not reach HubSpot (${f.code})`;
  return new HubSpotRunError(
    `${what} for ${describeRequest(req, secrets)} after ${attempts} attempt${attempts === 1 ? '' : 's'}.`,
    'network',
    'Check the network connection and the API base URL (--base-url, HUBSPOT_API_BASE_URL), then run the same command again.',
  );
}

function positive(v: number | undefined, fallback: number): number {
  return v !== undefined && Number.isFinite(v) && v > 0 ? v : fallback;
}
