/**
 * One rate budget: at most `limit` requests in any rolling `intervalMs`, the way HubSpot counts its
 * ten-secondly and secondly limits. A token bucket would not do: a full bucket plus its refill lets
 * 2 × limit through in one rolling window, which is exactly a 429 storm.
 *
 * The budget also obeys what the server reports (`X-HubSpot-RateLimit-Remaining`), because other
 * apps and other runs can share the same account's bucket and only the server sees them.
 */
export interface RateLimitHeaders {
  max?: number;
  remaining?: number;
  intervalMs?: number;
  dailyRemaining?: number;
}

/** Never aim at the server's own maximum: answers in flight are counted by HubSpot before we see them. */
export const SERVER_MAX_SHARE = 0.97;

/** What the server said was left, and how that changes as our own requests go out and age out. */
interface ServerCap {
  at: number;
  until: number;
  left: number;
}

export interface BudgetSnapshot {
  limit: number;
  intervalMs: number;
  serverMax?: number;
  pausedForMs: number;
}

export class RollingBudget {
  /**
   * When the answers to our requests in the current window arrived, oldest first (array + head
   * index). The server counts a request when it arrives there, which we never see; its answer's
   * arrival is the earliest time we know it was counted, so a slot is given back only one interval
   * after that. Stamping at send time instead frees slots a few milliseconds before the server
   * does, and a budget run at its edge then collects a 429 per freed slot.
   */
  private answered: number[] = [];
  private head = 0;
  private inFlight = 0;
  private pausedUntil = 0;
  private cap: ServerCap | undefined;
  private serverMax: number | undefined;
  private limit: number;

  /**
   * @param configured requests the user allows per `configuredIntervalMs` (`--rate` per 10 s). When the
   * server announces another interval (an emulator may), the same rate is rescaled to it.
   * @param followServer the rate is only a default (no `--rate` given): once the server announces its
   * maximum, the budget follows it, up as well as down (a private app's 190 or 250 per 10 s).
   * Otherwise the configured rate caps it.
   */
  constructor(
    private readonly configured: number,
    private readonly configuredIntervalMs: number,
    private intervalMs: number = configuredIntervalMs,
    private readonly followServer = false,
  ) {
    this.limit = this.computeLimit();
  }

  /** Milliseconds until one more request may go; 0 means now. */
  waitMs(now: number): number {
    this.prune(now);
    let wait = Math.max(0, this.pausedUntil - now);
    // Infinity when only requests in flight fill the budget: their answers wake the queue.
    const oldestAgesOut = this.head < this.answered.length ? this.answered[this.head] + this.intervalMs : Infinity;
    if (this.count() >= this.limit) wait = Math.max(wait, oldestAgesOut - now);
    if (this.cap && this.cap.left <= 0) wait = Math.max(wait, Math.min(oldestAgesOut, this.cap.until) - now);
    return wait > 0 ? Math.ceil(wait) : 0;
  }

  /** Records a request going out. Pair with `settle` when its answer (or failure) arrives. */
  take(): void {
    this.inFlight++;
    if (this.cap) this.cap.left--;
  }

  /** A failed request may have reached the server too, so it stays counted for a full interval. */
  settle(now: number): void {
    if (this.inFlight === 0) return;
    this.inFlight--;
    this.answered.push(now);
  }

  /** Nothing goes out before `until` (a 429 asked us to back off). Pauses only ever lengthen. */
  pause(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until);
  }

  /** Time until our oldest request in the window ages out: when the server frees its first slot for us. */
  windowRemainderMs(now: number): number {
    this.prune(now);
    return this.head < this.answered.length ? Math.max(0, this.answered[this.head] + this.intervalMs - now) : this.intervalMs;
  }

  /**
   * Takes in the rate-limit headers of an answer to a request still counted in flight (call before
   * `settle`). The requests in flight besides this one may not be in the server's count yet, so they
   * are taken off what it says is left.
   */
  observe(h: RateLimitHeaders, now: number): void {
    if (h.intervalMs && h.intervalMs > 0 && h.intervalMs !== this.intervalMs) this.intervalMs = h.intervalMs;
    if (h.max && h.max > 0) this.serverMax = h.max;
    this.limit = this.computeLimit();
    if (h.remaining === undefined) return;
    this.prune(now);
    this.cap = { at: now, until: now + this.intervalMs, left: h.remaining - Math.max(0, this.inFlight - 1) };
  }

  snapshot(now: number): BudgetSnapshot {
    const s: BudgetSnapshot = {
      limit: this.limit,
      intervalMs: this.intervalMs,
      pausedForMs: Math.max(0, this.pausedUntil - now),
    };
    if (this.serverMax !== undefined) s.serverMax = this.serverMax;
    return s;
  }

  private computeLimit(): number {
    const ours = Math.max(1, Math.floor((this.configured * this.intervalMs) / this.configuredIntervalMs));
    if (this.serverMax === undefined) return ours;
    const server = Math.max(1, Math.floor(this.serverMax * SERVER_MAX_SHARE));
    return this.followServer ? server : Math.min(ours, server);
  }

  private count(): number {
    return this.answered.length - this.head + this.inFlight;
  }

  private prune(now: number): void {
    if (this.cap && now >= this.cap.until) this.cap = undefined;
    while (this.head < this.answered.length && this.answered[this.head] + this.intervalMs <= now) {
      this.head++;
      // One of ours left the server's window too: a slot the server's count has given back.
      if (this.cap) this.cap.left++;
    }
    if (this.head > 1024 && this.head * 2 > this.answered.length) {
      this.answered = this.answered.slice(this.head);
      this.head = 0;
    }
  }
}

/** Reads HubSpot's `X-HubSpot-RateLimit-*` headers (names lower-cased); search answers carry none. */
export function parseRateLimitHeaders(headers: Record<string, string>): RateLimitHeaders {
  const num = (name: string): number | undefined => {
    const v = headers[name];
    if (v === undefined || v.trim() === '') return undefined;
    const n = Number(v);
    return Number.isFinite(n) && n >= 0 ? n : undefined;
  };
  const h: RateLimitHeaders = {};
  const max = num('x-hubspot-ratelimit-max');
  const remaining = num('x-hubspot-ratelimit-remaining');
  const intervalMs = num('x-hubspot-ratelimit-interval-milliseconds');
  const dailyRemaining = num('x-hubspot-ratelimit-daily-remaining');
  if (max !== undefined) h.max = max;
  if (remaining !== undefined) h.remaining = remaining;
  if (intervalMs !== undefined) h.intervalMs = intervalMs;
  if (dailyRemaining !== undefined) h.dailyRemaining = dailyRemaining;
  return h;
}
