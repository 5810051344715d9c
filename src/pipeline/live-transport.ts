import type { Transport } from '../hubspot/transport.js';
import { UserError } from '../errors.js';

export interface LiveTransportOptions {
  baseUrl: string;
  token?: string;
  profile?: string;
  rate?: number;
  concurrency?: number;
}

/** The transport a live run sends through: stored or given credentials over the rate-limited client. */
export async function liveTransport(_opts: LiveTransportOptions): Promise<Transport & { close(): void }> {
  throw new UserError('live sending is not available in this build yet', 'use --dry-run');
}
