import { HubSpotRunError, UserError } from '../../errors.js';
import type { HubSpotRequest, HubSpotResponse, Transport } from '../../hubspot/transport.js';

/**
 * A live run's transport with the preflight checks before its first request: the run's own checks
 * of its files and flags come first (nothing is read from HubSpot for a run that cannot start), and
 * a problem that would fail every event of a mapping stops the run as a run-stopping error does.
 */
export class PreflightGate implements Transport {
  readonly readOnly = false;
  private ready: Promise<void> | undefined;

  constructor(
    private readonly live: Transport & { close?(): void },
    private readonly check: () => Promise<void>,
  ) {}

  async send<T = any>(req: HubSpotRequest): Promise<HubSpotResponse<T>> {
    this.ready ??= this.check().catch((err: unknown) => {
      if (err instanceof UserError) throw new HubSpotRunError(err.message, 'other', err.hint);
      throw err;
    });
    await this.ready;
    return this.live.send<T>(req);
  }

  backlog(): number {
    return this.live.backlog?.() ?? 0;
  }

  close(): void {
    this.live.close?.();
  }
}
