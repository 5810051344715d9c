import { HubSpotError, rateLimitBody } from './errors.js';
import type { RuntimeConfig } from './options.js';
import type { TokenKind, TokenRecord } from './tokens.js';

const INTERVAL_MS = 10_000;

/** How a route counts against HubSpot's limits (from the specs' x-hubspot-rate-limit-exemptions). */
export type LimitClass = 'standard' | 'search' | 'exempt';

/**
 * HubSpot's limits: a rolling 10 s budget per app (here: per token kind, static vs OAuth), a daily
 * budget for private-app tokens, and a separate 5/s budget for CRM search.
 */
export class RateLimiter {
  private readonly windows: Record<TokenKind, number[]> = { static: [], oauth: [] };
  private searchWindow: number[] = [];
  private dailyUsed = 0;

  constructor(private readonly config: RuntimeConfig) {}

  reset(): void {
    this.windows.static = [];
    this.windows.oauth = [];
    this.searchWindow = [];
    this.dailyUsed = 0;
  }

  /** Counts one call; returns the rate-limit headers or throws the 429 HubSpot would send. */
  take(cls: LimitClass, token: TokenRecord, now = Date.now()): Record<string, string> {
    if (cls === 'search') {
      this.searchWindow = this.searchWindow.filter((t) => t > now - 1000);
      // Search answers carry no rate-limit headers, not even on its 429.
      if (this.searchWindow.length >= this.config.searchPerSecond) throw new HubSpotError(429, rateLimitBody('SECONDLY'));
      this.checkDaily(token, {});
      this.searchWindow.push(now);
      this.countDaily(token);
      return {};
    }
    const window = this.prune(token.kind, now);
    if (cls === 'exempt') return this.headers(token, window.length);
    if (window.length >= this.config.tenSecondlyLimit) {
      const group = `publicapi:${token.kind === 'static' ? 'private_app' : 'oauth_app'}-api-calls-ten-secondly:${token.appId}:${this.config.hubId}`;
      throw new HubSpotError(429, rateLimitBody('TEN_SECONDLY_ROLLING', group), this.headers(token, window.length));
    }
    this.checkDaily(token, this.headers(token, window.length));
    window.push(now);
    this.countDaily(token);
    return this.headers(token, window.length);
  }

  private prune(kind: TokenKind, now: number): number[] {
    const w = this.windows[kind].filter((t) => t > now - INTERVAL_MS);
    this.windows[kind] = w;
    return w;
  }

  private hasDaily(token: TokenRecord): boolean {
    return token.kind === 'static' && this.config.dailyLimit !== undefined;
  }

  private checkDaily(token: TokenRecord, headers: Record<string, string>): void {
    if (this.hasDaily(token) && this.dailyUsed >= this.config.dailyLimit!) throw new HubSpotError(429, rateLimitBody('DAILY'), headers);
  }

  private countDaily(token: TokenRecord): void {
    if (this.hasDaily(token)) this.dailyUsed++;
  }

  private headers(token: TokenRecord, used: number): Record<string, string> {
    const max = this.config.tenSecondlyLimit;
    const h: Record<string, string> = {
      'X-HubSpot-RateLimit-Max': String(max),
      'X-HubSpot-RateLimit-Remaining': String(Math.max(0, max - used)),
      'X-HubSpot-RateLimit-Interval-Milliseconds': String(INTERVAL_MS),
    };
    // Daily headers are not sent for OAuth calls: HubSpot has no daily limit for them.
    if (this.hasDaily(token)) {
      h['X-HubSpot-RateLimit-Daily'] = String(this.config.dailyLimit);
      h['X-HubSpot-RateLimit-Daily-Remaining'] = String(Math.max(0, this.config.dailyLimit! - this.dailyUsed));
    }
    return h;
  }
}
