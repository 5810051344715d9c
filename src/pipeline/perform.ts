import type { PerformContext, RunMemory, RunOrder } from '../actions/types.js';
import type { PerformOutcome } from '../model.js';
import type { Transport } from '../hubspot/transport.js';
import type { ApiPaths } from '../hubspot/api.js';
import { loggedRequest, type LoggedRequest } from './request-log.js';
import type { Lane, Op } from './schedule.js';

export interface RequestCounts {
  total: number;
  byAction: Record<string, number>;
}

/**
 * The send stage: performs a batch with its action over the run's transport, counting every
 * request by action and showing it to `onRequest` (the dry-run prints it) before it goes.
 */
export function performer(opts: {
  memory: RunMemory;
  transport: Transport;
  baseUrl: string;
  paths: ApiPaths;
  onRequest?: (r: LoggedRequest, ops: readonly Op[]) => void;
  searchSettleMs: number;
  /** The scheduler, made after this stage: batches ask it what else is unsettled (RunOrder). */
  order?: () => RunOrder | undefined;
}): { perform(lane: Lane, ops: Op[]): Promise<PerformOutcome[]>; counts: RequestCounts } {
  const counts: RequestCounts = { total: 0, byAction: {} };
  /** One for the run: it holds nothing per batch. */
  const ctx: PerformContext = {
    run: opts.memory,
    paths: opts.paths,
    searchSettleMs: opts.searchSettleMs,
    lookupsUnknown: !!opts.transport.looksNothingUp,
    send: async (req, forOps) => {
      const action = forOps[0]?.action ?? 'unknown';
      counts.byAction[action] = (counts.byAction[action] ?? 0) + 1;
      counts.total++;
      opts.onRequest?.(loggedRequest(opts.baseUrl, req, forOps as Op[]), forOps as Op[]);
      return opts.transport.send(req);
    },
  };
  return {
    counts,
    perform: (lane, ops) => {
      ctx.order ??= opts.order?.();
      return lane.action.perform(ops, ctx);
    },
  };
}
