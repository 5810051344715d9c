/**
 * The one seam between the pipeline and HubSpot. The live client, the dry-run recorder and the
 * read-only `--plan` transport all implement it, so actions are written once.
 */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/**
 * Which of HubSpot's rate-limit budgets a request draws on. `exempt`: the endpoint is outside the
 * ten-secondly budget (the specs' `x-hubspot-rate-limit-exemptions: ["ten-secondly"]` on the v4 batch
 * association endpoints; it still counts against the daily limit), so it waits for no budget; drawn
 * on the standard one it took slots HubSpot never counted.
 */
export type RateBudget = 'standard' | 'search' | 'events' | 'exempt';

export interface HubSpotRequest {
  method: HttpMethod;
  /** Path under the API base URL, starting with '/', path segments already encoded. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON body; `undefined` sends no body. */
  body?: unknown;
  budget?: RateBudget;
  /**
   * False for a write that must not be repeated blindly (a create with no unique key): when its
   * answer is lost (connection dropped or timed out after sending) the transport does not retry it
   * but resolves with status 0 (ANSWER_LOST), and the caller looks up whether it landed.
   */
  idempotent?: boolean;
  /**
   * When the live run sends this request only after an earlier answer (a search that found
   * nothing, a PATCH that answered 404), the condition in words. The dry-run prints it.
   */
  when?: string;
}

export interface HubSpotResponse<T = any> {
  status: number;
  /** Parsed JSON body, or `undefined` for an empty body (204). */
  body: T;
  headers: Record<string, string>;
}

/** The status a transport resolves with when a non-idempotent write's answer was lost. */
export const ANSWER_LOST = 0;

/** How an ANSWER_LOST failure's message ends, until a look-up tells what happened. */
export const MAY_HAVE_HAPPENED = '; the write may or may not have happened';

export interface Transport {
  /**
   * Sends one request and resolves with HubSpot's final answer after the transport's own retries
   * (429, 5xx, dropped connections). Any HTTP status resolves; only a run-stopping condition
   * (daily limit, authentication that cannot be renewed, retries exhausted on the network) rejects,
   * with a HubSpotRunError from src/errors.ts.
   */
  send<T = any>(req: HubSpotRequest): Promise<HubSpotResponse<T>>;
  /** True when nothing is really written (dry-run, --plan). */
  readonly readOnly: boolean;
  /**
   * Requests already waiting for the rate budget (or a connection) under HubSpot's standard limit,
   * plus one while that budget is spent with requests in flight: another request sent now would
   * wait. Absent when requests never wait (dry-run).
   */
  backlog?(): number;
  /**
   * True when reads and searches answer "none" without asking HubSpot (the dry-run): a lookup's
   * "nothing found" then says nothing about the portal, and a request that depends on its answer
   * is shown as depending on it.
   */
  readonly looksNothingUp?: boolean;
}

/** Builds the full URL the same way for every transport, so the dry-run prints what would be sent. */
export function requestUrl(baseUrl: string, req: Pick<HubSpotRequest, 'path' | 'query'>): string {
  const url = new URL(baseUrl.replace(/\/+$/, '') + req.path);
  for (const [k, v] of Object.entries(req.query ?? {})) {
    if (v !== undefined) url.searchParams.set(k, String(v));
  }
  return url.toString();
}
