import { isUtf8 } from 'node:buffer';
import type { Readable } from 'node:stream';

/** One line of bytes as read: its text, or why it has none. */
export type RawLine =
  | { kind: 'text'; text: string }
  /** Longer than the cap: its bytes were skipped, not kept, so memory stays bounded. */
  | { kind: 'too-long'; bytes: number }
  /** Not valid UTF-8: the original bytes, so the failed file can keep them exactly. */
  | { kind: 'not-utf8'; bytes: Buffer };

export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

/**
 * Splits a byte stream at '\n' (a '\r' before it goes too), holding at most `maxBytes` of one line:
 * `readline` holds any line whole, so one endless line (`< /dev/zero`) exhausts memory, and it
 * turns invalid UTF-8 into U+FFFD silently. The lines of each chunk read come together: a step of
 * an async generator per line (two, with the reader above) cost more than splitting the line.
 */
export async function* splitLineChunks(stream: Readable, maxBytes = DEFAULT_MAX_LINE_BYTES): AsyncGenerator<RawLine[]> {
  let parts: Buffer[] = [];
  let size = 0;
  let overflow = 0;
  const finish = (): RawLine => {
    const skipped = overflow;
    const buf = parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
    parts = [];
    size = 0;
    overflow = 0;
    if (skipped) return { kind: 'too-long', bytes: skipped };
    const end = buf.length && buf[buf.length - 1] === 0x0d ? buf.length - 1 : buf.length;
    const line = buf.subarray(0, end);
    return isUtf8(line) ? { kind: 'text', text: line.toString('utf8') } : { kind: 'not-utf8', bytes: Buffer.from(line) };
  };
  const take = (piece: Buffer) => {
    if (overflow || size + piece.length > maxBytes) {
      overflow = (overflow || size) + piece.length;
      parts = [];
      size = 0;
    } else if (piece.length) {
      parts.push(piece);
      size += piece.length;
    }
  };
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const lines: RawLine[] = [];
    let start = 0;
    for (let nl = buf.indexOf(0x0a, start); nl !== -1; nl = buf.indexOf(0x0a, start)) {
      take(buf.subarray(start, nl));
      lines.push(finish());
      start = nl + 1;
    }
    // The rest belongs to a line not yet ended; its bytes are copied, as the stream may reuse them.
    if (start < buf.length) take(Buffer.from(buf.subarray(start)));
    if (lines.length) yield lines;
  }
  if (size || overflow) yield [finish()];
}
