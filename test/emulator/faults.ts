import { errorBody, rateLimitBody } from './errors.js';
import type { FaultOptions } from './options.js';
import { createRng, type Rng } from './prng.js';

export type FaultDecision =
  | { kind: 'none' }
  | { kind: 'drop' }
  | { kind: 'dropAfterWrite' }
  | { kind: 'answer'; status: number; body: Record<string, unknown> };

const SERVER_ERRORS: Array<[number, string, string]> = [
  [500, 'Internal Server Error', 'INTERNAL_ERROR'],
  [502, 'Bad Gateway', 'BAD_GATEWAY'],
  [503, 'Service Unavailable', 'SERVICE_UNAVAILABLE'],
];

/**
 * Seeded fault injection: one draw per matching request decides its fate, so the same seed and
 * the same request sequence give the same faults.
 */
export class Faults {
  private rng: Rng;
  private opts: FaultOptions = {};
  private routes?: RegExp;

  constructor(private readonly seed: number, opts: FaultOptions = {}) {
    this.rng = createRng(seed);
    this.set(opts);
  }

  set(opts: FaultOptions): void {
    this.opts = { ...opts };
    this.routes = opts.routes ? new RegExp(opts.routes) : undefined;
    this.rng = createRng(this.seed);
  }

  get current(): FaultOptions {
    return { ...this.opts };
  }

  get slowMs(): number {
    return this.opts.slowMs ?? 0;
  }

  decide(routeKey: string): FaultDecision {
    const { errorRate = 0, rate429 = 0, dropRate = 0, dropAfterWriteRate = 0 } = this.opts;
    if (errorRate + rate429 + dropRate + dropAfterWriteRate <= 0) return { kind: 'none' };
    if (this.routes && !this.routes.test(routeKey)) return { kind: 'none' };
    let r = this.rng();
    if ((r -= dropRate) < 0) return { kind: 'drop' };
    if ((r -= dropAfterWriteRate) < 0) return { kind: 'dropAfterWrite' };
    if ((r -= rate429) < 0) return { kind: 'answer', status: 429, body: rateLimitBody('TEN_SECONDLY_ROLLING', 'publicapi:emulator-fault-ten-secondly') };
    if ((r -= errorRate) < 0) {
      const [status, message, category] = SERVER_ERRORS[Math.floor(this.rng() * SERVER_ERRORS.length)]!;
      return { kind: 'answer', status, body: errorBody(category, message) };
    }
    return { kind: 'none' };
  }
}
