import { createHash } from 'node:crypto';
import type { SegmentEvent } from '../model.js';
import { unwrapFailedLine, type Unwrapped } from './failed-events.js';
import type { InputLine } from './read-lines.js';
import { guardJson } from './json-guard.js';

/** A line read as an event, or the reason it cannot be one (kept with its text for the failed file). */
export type ParsedLine =
  | {
      ok: true;
      event: SegmentEvent;
      /** The event's messageId, when it has one. */
      messageId?: string;
      /** A stable stand-in when it has none: derived from the line's text. */
      stableId: string;
      /** Mappings to retry only, when the line came from a failed-events file. */
      onlyMappings?: string[];
      /** Where it was first read, when the line came from a failed-events file. */
      origin?: Unwrapped['origin'];
    }
  | { ok: false; raw: string; reason: string; origin?: Unwrapped['origin']; rawBytes?: Buffer };

const NOT_BLANK = /\S/;

export const isBlank = (line: InputLine): boolean => !line.unreadable && !NOT_BLANK.test(line.text);

/** The read stage's last step: one line of NDJSON becomes one Segment event, or a stated rejection. */
export function parseEvent(line: InputLine): ParsedLine {
  if (line.unreadable?.kind === 'too-long') {
    return { ok: false, raw: '', reason: `line ${line.line} is longer than the line limit (${line.unreadable.bytes} bytes); it was skipped unread — raise --max-line-bytes if it is a real event` };
  }
  if (line.unreadable?.kind === 'not-utf8') {
    return { ok: false, raw: '', rawBytes: line.unreadable.bytes, reason: `line ${line.line} is not valid UTF-8; the failed-events file keeps its bytes exactly (rawBase64)` };
  }
  const guarded = guardJson(line.text);
  if (!guarded.ok) return { ok: false, raw: line.text, reason: `line ${line.line} ${guarded.reason}` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(guarded.text);
  } catch (err) {
    return { ok: false, raw: line.text, reason: `line ${line.line} is not valid JSON (${(err as Error).message})` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, raw: line.text, reason: `line ${line.line} is JSON but not an object; each line must be one Segment event` };
  }
  const unwrapped = unwrapFailedLine(parsed as Record<string, unknown>);
  if (unwrapped.raw !== undefined) {
    return { ok: false, raw: unwrapped.raw, rawBytes: unwrapped.rawBytes, origin: unwrapped.origin, reason: `line ${line.line} holds a line that was not a JSON object when first read; fix it at its origin` };
  }
  const event = unwrapped.event as SegmentEvent;
  const messageId = typeof event.messageId === 'string' && event.messageId ? event.messageId : undefined;
  return {
    ok: true,
    event,
    messageId,
    stableId: messageId ?? createHash('sha1').update(line.text).digest('hex'),
    onlyMappings: unwrapped.onlyMappings,
    origin: unwrapped.origin,
  };
}
