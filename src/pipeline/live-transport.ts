import { resolveAccessTokenProvider } from '../auth/credentials.js';
import { createHubSpotClient, type HubSpotClient } from '../hubspot/client.js';

export interface LiveTransportOptions {
  baseUrl: string;
  token?: string;
  profile?: string;
  rate?: number;
  concurrency?: number;
  onRetry?: Parameters<typeof createHubSpotClient>[0]['onRetry'];
}

/** The transport a live run sends through: the credential in effect over the rate-limited client. */
export async function liveTransport(opts: LiveTransportOptions): Promise<HubSpotClient> {
  const tokens = await resolveAccessTokenProvider({ token: opts.token, profile: opts.profile, apiBaseUrl: opts.baseUrl });
  return createHubSpotClient({ baseUrl: opts.baseUrl, tokens, ratePer10s: opts.rate, maxConcurrency: opts.concurrency, onRetry: opts.onRetry });
}
