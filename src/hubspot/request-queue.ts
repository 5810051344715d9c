import type { RateBudget } from './transport.js';
import type { RollingBudget } from './rate-limiter.js';

/**
 * Admits requests under the concurrency cap and their rate budget. A backfill queues many thousands
 * of requests, so they wait in plain arrays and one timer wakes the queue when the earliest budget
 * frees up: no request holds its own timer, nothing polls.
 *
 * Each budget has its own line, so a search waiting for its per-second budget never holds back
 * event sends, and a paused ten-secondly budget never holds back searches.
 */
interface Waiter {
  seq: number;
  /** False for a retry: its request kept its concurrency slot while backing off. */
  needsSlot: boolean;
  grant: () => void;
}

const BUDGETS: readonly RateBudget[] = ['standard', 'search', 'events', 'exempt'];

class Line {
  private items: Waiter[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }
  peek(): Waiter | undefined {
    return this.items[this.head];
  }
  shift(): Waiter | undefined {
    const w = this.items[this.head];
    if (w === undefined) return undefined;
    this.items[this.head++] = undefined as unknown as Waiter;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return w;
  }
  push(w: Waiter): void {
    this.items.push(w);
  }
  /** Retries go ahead of fresh requests: they are older and already hold a slot. */
  unshift(w: Waiter): void {
    if (this.head > 0) this.items[--this.head] = w;
    else this.items.unshift(w);
  }
}

export class RequestQueue {
  private readonly lines = new Map<RateBudget, Line>(BUDGETS.map((b) => [b, new Line()]));
  private active = 0;
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private readonly blockedSince = new Map<RateBudget, number>();
  private readonly waitedMs: Record<RateBudget, number> = { standard: 0, search: 0, events: 0, exempt: 0 };

  constructor(
    private readonly maxConcurrency: number,
    private readonly budgets: Partial<Record<RateBudget, RollingBudget>>,
    private readonly now: () => number,
  ) {}

  /** Resolves when the request may go: a concurrency slot is held and one unit of its budget taken. */
  admit(budget: RateBudget): Promise<void> {
    return this.enqueue(budget, true);
  }

  /** For a retry that still holds its slot: waits for the budget only, ahead of fresh requests. */
  readmit(budget: RateBudget): Promise<void> {
    return this.enqueue(budget, false);
  }

  /** Gives back the concurrency slot taken by `admit`, once the request is finished for good. */
  release(): void {
    this.active = Math.max(0, this.active - 1);
    this.pump();
  }

  /** A budget changed under the waiters (a pause, new headers): re-plan the wake-up. */
  poke(): void {
    this.pump();
  }

  /** Wall time each budget's line stood still because the budget (not concurrency) was used up. */
  budgetWaitMs(): Record<RateBudget, number> {
    const now = this.now();
    const out = { ...this.waitedMs };
    for (const [b, since] of this.blockedSince) out[b] += now - since;
    return out;
  }

  /** Requests of one budget not yet admitted. */
  waitingFor(budget: RateBudget): number {
    return this.lines.get(budget)!.size;
  }

  /** Requests admitted and not yet released. */
  get inUse(): number {
    return this.active;
  }

  get waiting(): number {
    let n = 0;
    for (const line of this.lines.values()) n += line.size;
    return n;
  }

  private enqueue(budget: RateBudget, needsSlot: boolean): Promise<void> {
    return new Promise<void>((grant) => {
      const w: Waiter = { seq: this.seq++, needsSlot, grant };
      const line = this.lines.get(budget)!;
      if (needsSlot) line.push(w);
      else line.unshift(w);
      this.pump();
    });
  }

  private pump(): void {
    const now = this.now();
    let wakeIn = Infinity;
    for (;;) {
      let best: { budget: RateBudget; w: Waiter } | undefined;
      wakeIn = Infinity;
      for (const [budget, line] of this.lines) {
        const w = line.peek();
        if (!w) continue;
        if (w.needsSlot && this.active >= this.maxConcurrency) continue; // release() pumps again
        const wait = this.budgets[budget]?.waitMs(now) ?? 0;
        if (wait > 0) {
          if (!this.blockedSince.has(budget)) this.blockedSince.set(budget, now);
          wakeIn = Math.min(wakeIn, wait);
          continue;
        }
        if (!best || w.seq < best.w.seq) best = { budget, w };
      }
      if (!best) break;
      this.lines.get(best.budget)!.shift();
      const since = this.blockedSince.get(best.budget);
      if (since !== undefined) {
        this.waitedMs[best.budget] += now - since;
        this.blockedSince.delete(best.budget);
      }
      if (best.w.needsSlot) this.active++;
      this.budgets[best.budget]?.take();
      best.w.grant();
    }
    this.schedule(now, wakeIn);
  }

  /** Drops the wake-up timer so an idle client never keeps the process alive. */
  stop(): void {
    this.clearTimer();
  }

  private schedule(now: number, wakeIn: number): void {
    const at = now + wakeIn;
    // An earlier timer is harmless: it pumps and re-plans. A later one would oversleep.
    if (wakeIn !== Infinity && this.timer && this.timerAt <= at) return;
    this.clearTimer();
    if (wakeIn === Infinity) return;
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.pump();
    }, wakeIn);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }
}
