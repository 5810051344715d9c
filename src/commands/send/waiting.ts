import type { ClientStats, RetryInfo } from '../../hubspot/client.js';

const CAUSES: Record<RetryInfo['cause'], string> = {
  'ten-secondly-limit': "HubSpot's 10-second limit",
  'secondly-limit': "HubSpot's search limit",
  'rate-limit': 'a HubSpot 429',
  'server-busy': 'a HubSpot server error',
  timeout: 'a timeout',
  network: 'a network error',
  unauthorized: 'a token renewal',
};

/**
 * What holds a live run back right now, for the progress line: a retry's backoff, else the rate
 * budget (its wait time grew since the last look).
 */
export class WaitWatch {
  private retryUntil = 0;
  private retryCause = '';
  private lastBudgetWait = 0;

  constructor(private readonly stats: () => ClientStats, private readonly now: () => number = Date.now) {}

  onRetry = (info: RetryInfo): void => {
    const until = this.now() + info.delayMs;
    if (until < this.retryUntil) return;
    this.retryUntil = until;
    this.retryCause = CAUSES[info.cause];
  };

  describe = (): string | undefined => {
    const budgetWait = Object.values(this.stats().budgetWaitMs).reduce((a, b) => a + b, 0);
    const budgetBlocked = budgetWait > this.lastBudgetWait;
    this.lastBudgetWait = budgetWait;
    const left = this.retryUntil - this.now();
    if (left > 0) return `retrying in ${Math.ceil(left / 1000)} s after ${this.retryCause}`;
    return budgetBlocked ? 'waiting for the rate budget' : undefined;
  };
}
