import type { Source } from '../model.js';
import { EventLogFile, type ReadAt } from './event-log-file.js';
import type { EventRecord } from './ledger.js';
import { inputName } from './read-lines.js';

/** Marks our own failed-events lines, so sending the file again retries them. */
const TOOL = 'hubspot-actions';

/**
 * The failed-events file: one NDJSON line per failed event, holding the original event untouched
 * and, beside it, where it first came from and why it failed (HubSpot's status, category, message
 * and correlationId). Sending this file again with the same mapping retries just the failed
 * mappings; the event keeps its first file, line and messageId through any number of retries.
 */
export class FailedEventsFile {
  private file: EventLogFile;

  constructor(path: string, inputs: readonly string[], resumeAt: ReadAt | undefined) {
    this.file = new EventLogFile(path, 'failed-events file', resumeAt, (l) => readAtOf(l, inputs));
  }

  get path(): string {
    return this.file.path;
  }

  get count(): number {
    return this.file.count;
  }

  write(rec: EventRecord): void {
    const mappings = [...new Set(rec.failures.map((f) => f.mapping).filter((m): m is string => !!m))];
    const origin = rec.origin ?? { ...rec.source, messageId: rec.messageId };
    this.file.write({
      ...(rec.event ? { event: rec.event } : rec.rawBytes ? { rawBase64: rec.rawBytes.toString('base64') } : { raw: rec.raw }),
      failure: {
        tool: TOOL,
        file: origin.file,
        line: origin.line,
        ...(origin.messageId ? { messageId: origin.messageId } : {}),
        ...(mappings.length ? { mappings } : {}),
        errors: rec.failures,
        failedAt: new Date().toISOString(),
        readFrom: { file: rec.source.file, line: rec.source.line },
      },
    });
  }

  close(): void {
    this.file.close();
  }
}

function readAtOf(line: Record<string, unknown>, inputs: readonly string[]): ReadAt | undefined {
  const from = (line.failure as { readFrom?: { file?: unknown; line?: unknown } } | undefined)?.readFrom;
  const input = inputs.findIndex((name) => inputName(name) === from?.file);
  return input >= 0 && typeof from?.line === 'number' ? { input, line: from.line } : undefined;
}

export interface Unwrapped {
  event: Record<string, unknown>;
  onlyMappings?: string[];
  raw?: string;
  rawBytes?: Buffer;
  /** Where the event was first read, when this line came from a failed-events file. */
  origin?: Source & { messageId?: string };
}

/** A line of a failed-events file gives back its event, the mappings to retry, and its origin. */
export function unwrapFailedLine(obj: Record<string, unknown>): Unwrapped {
  const failure = obj.failure as Record<string, unknown> | undefined;
  if (!failure || failure.tool !== TOOL) return { event: obj };
  const origin =
    typeof failure.file === 'string' && typeof failure.line === 'number'
      ? { file: failure.file, line: failure.line, ...(typeof failure.messageId === 'string' ? { messageId: failure.messageId } : {}) }
      : undefined;
  if (typeof obj.raw === 'string') return { event: {}, raw: obj.raw, origin };
  if (typeof obj.rawBase64 === 'string') return { event: {}, raw: '', rawBytes: Buffer.from(obj.rawBase64, 'base64'), origin };
  if (obj.event && typeof obj.event === 'object') {
    const mappings = Array.isArray(failure.mappings) ? (failure.mappings as string[]) : undefined;
    return { event: obj.event as Record<string, unknown>, onlyMappings: mappings?.length ? mappings : undefined, origin };
  }
  return { event: obj };
}
