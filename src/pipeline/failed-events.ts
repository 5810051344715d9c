import { closeSync, openSync, writeSync } from 'node:fs';
import type { EventRecord } from './account.js';

/** Marks our own failed-events lines, so sending the file again retries them. */
const TOOL = 'hubspot-actions';

/**
 * The failed-events file: one NDJSON line per failed event, holding the original event untouched
 * and, beside it, where it came from and why it failed (HubSpot's status, category, message and
 * correlationId). Sending this file again with the same mapping retries just the failed mappings.
 */
export class FailedEventsFile {
  /**
   * Written synchronously: the checkpoint may count an event as finished as soon as it is written
   * here, so the line must have reached the file before a kill could lose it.
   */
  private fd?: number;
  count = 0;

  constructor(readonly path: string) {}

  write(rec: EventRecord): void {
    this.fd ??= openSync(this.path, 'a', 0o600);
    this.count++;
    const mappings = [...new Set(rec.failures.map((f) => f.mapping).filter((m): m is string => !!m))];
    const line = {
      ...(rec.event ? { event: rec.event } : { raw: rec.raw }),
      failure: {
        tool: TOOL,
        file: rec.source.file,
        line: rec.source.line,
        ...(rec.messageId ? { messageId: rec.messageId } : {}),
        ...(mappings.length ? { mappings } : {}),
        errors: rec.failures,
        failedAt: new Date().toISOString(),
      },
    };
    writeSync(this.fd, JSON.stringify(line) + '\n');
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** A line of a failed-events file gives back its event, and the mappings to retry. */
export function unwrapFailedLine(obj: Record<string, unknown>): { event: Record<string, unknown>; onlyMappings?: string[]; raw?: string } {
  const failure = obj.failure as Record<string, unknown> | undefined;
  if (failure && failure.tool === TOOL && typeof obj.raw === 'string') return { event: {}, raw: obj.raw };
  if (failure && failure.tool === TOOL && obj.event && typeof obj.event === 'object') {
    const mappings = Array.isArray(failure.mappings) ? (failure.mappings as string[]) : undefined;
    return { event: obj.event as Record<string, unknown>, onlyMappings: mappings?.length ? mappings : undefined };
  }
  return { event: obj };
}
