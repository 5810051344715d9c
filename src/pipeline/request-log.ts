import type { HubSpotRequest } from '../hubspot/transport.js';
import { requestUrl } from '../hubspot/transport.js';
import type { Op } from './schedule.js';
import type { EventRecord } from './ledger.js';

/** One request as the dry-run prints it: what would be sent, for which input lines. */
export interface LoggedRequest {
  sources: Array<{ file: string; line: number; messageId?: string }>;
  mapping: string;
  action: string;
  method: string;
  url: string;
  body?: unknown;
  dependsOn?: string;
}

/** The input lines these ops serve, each once, in the order the ops hold them. */
export function sourcesOf(ops: ReadonlyArray<Op & { events?: EventRecord[] }>): LoggedRequest['sources'] {
  const seen = new Set<number>();
  const sources: LoggedRequest['sources'] = [];
  for (const op of ops) {
    for (const rec of op.events ?? []) {
      if (seen.has(rec.seq)) continue;
      seen.add(rec.seq);
      sources.push({ file: rec.source.file, line: rec.source.line, ...(rec.messageId ? { messageId: rec.messageId } : {}) });
    }
  }
  return sources;
}

export function loggedRequest(baseUrl: string, req: HubSpotRequest, ops: Array<Op & { events?: EventRecord[] }>): LoggedRequest {
  const out: LoggedRequest = {
    sources: sourcesOf(ops),
    mapping: ops[0]?.mappingName ?? '',
    action: ops[0]?.action ?? '',
    method: req.method,
    url: requestUrl(baseUrl, req),
  };
  if (req.body !== undefined) out.body = req.body;
  if (req.when) out.dependsOn = req.when;
  return out;
}
