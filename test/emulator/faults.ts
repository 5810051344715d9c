import { errorBody, rateLimitBody } from './errors.js';
import type { FaultOptions } from './options.js';
import { createRng, type Rng } from './prng.js';

export type FaultDecision =
  | { kind: 'none' }
  | { kind: 'drop' }
  | { kind: 'dropAfterWrite' }
  | { kind: 'errorAfterWrite'; status: number; body: Record<string, unknown> }
  | { kind: 'slowAfterWrite'; ms: number }
  | { kind: 'answer'; status: number; body: Record<string, unknown> };

const SERVER_ERRORS: Array<[number, string, string]> = [
  [500, 'Internal Server Error', 'INTERNAL_ERROR'],
  [502, 'Bad Gateway', 'BAD_GATEWAY'],
  [503, 'Service Unavailable', 'SERVICE_UNAVAILABLE'],
];

/** What a gateway in front of HubSpot answers when the backend committed but the answer did not come back in time. */
const AFTER_WRITE_ERRORS: Array<[number, string, string]> = [
  [502, 'Bad Gateway', 'BAD_GATEWAY'],
  [504, 'Gateway Timeout', 'GATEWAY_TIMEOUT'],
];

/**
 * Seeded fault injection: one draw per matching request decides its fate, so the same seed and
 * the same request sequence give the same faults.
 */
export class Faults {
  private rng: Rng;
  private opts: FaultOptions = {};
  private routes?: RegExp;
  private burstUntil = 0;
  /** How many requests each kind of fault hit since the options were last set. */
  private counts: Record<string, number> = {};

  constructor(private readonly seed: number, opts: FaultOptions = {}) {
    this.rng = createRng(seed);
    this.set(opts);
  }

  set(opts: FaultOptions): void {
    this.opts = { ...opts };
    this.routes = opts.routes ? new RegExp(opts.routes) : undefined;
    this.rng = createRng(this.seed);
    this.burstUntil = 0;
    this.counts = {};
  }

  get current(): FaultOptions {
    return { ...this.opts };
  }

  /** Faults injected per kind (drop, dropAfterWrite, error, errorAfterWrite, slowAfterWrite, 429, burst429). */
  get injected(): Record<string, number> {
    return { ...this.counts };
  }

  private hit<T>(kind: string, d: T): T {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
    return d;
  }

  get slowMs(): number {
    return this.opts.slowMs ?? 0;
  }

  decide(routeKey: string, now = Date.now()): FaultDecision {
    const { errorRate = 0, rate429 = 0, dropRate = 0, dropAfterWriteRate = 0, errorAfterWriteRate = 0, slowAfterWriteRate = 0, burst429Rate = 0 } = this.opts;
    if (errorRate + rate429 + dropRate + dropAfterWriteRate + errorAfterWriteRate + slowAfterWriteRate + burst429Rate <= 0) return { kind: 'none' };
    if (this.routes && !this.routes.test(routeKey)) return { kind: 'none' };
    const tooMany = () => ({ kind: 'answer' as const, status: 429, body: rateLimitBody('TEN_SECONDLY_ROLLING', 'publicapi:emulator-fault-ten-secondly') });
    if (now < this.burstUntil) return this.hit('burst429', tooMany());
    let r = this.rng();
    if ((r -= dropRate) < 0) return this.hit('drop', { kind: 'drop' });
    if ((r -= dropAfterWriteRate) < 0) return this.hit('dropAfterWrite', { kind: 'dropAfterWrite' });
    if ((r -= rate429) < 0) return this.hit('429', tooMany());
    if ((r -= errorRate) < 0) {
      const [status, message, category] = SERVER_ERRORS[Math.floor(this.rng() * SERVER_ERRORS.length)]!;
      return this.hit('error', { kind: 'answer', status, body: errorBody(category, message) });
    }
    if ((r -= errorAfterWriteRate) < 0) {
      const [status, message, category] = AFTER_WRITE_ERRORS[Math.floor(this.rng() * AFTER_WRITE_ERRORS.length)]!;
      return this.hit('errorAfterWrite', { kind: 'errorAfterWrite', status, body: errorBody(category, message) });
    }
    if ((r -= slowAfterWriteRate) < 0) return this.hit('slowAfterWrite', { kind: 'slowAfterWrite', ms: this.opts.slowAfterWriteMs ?? 35_000 });
    if ((r -= burst429Rate) < 0) {
      this.burstUntil = now + (this.opts.burst429Ms ?? 1500);
      return this.hit('burst429', tooMany());
    }
    return { kind: 'none' };
  }
}
