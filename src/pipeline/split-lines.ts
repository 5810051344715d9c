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
  const eachLine = (buf: Buffer, lines: RawLine[], start: number, end: number): void => {
    for (let nl = buf.indexOf(0x0a, start); nl !== -1 && nl < end; nl = buf.indexOf(0x0a, start)) {
      take(buf.subarray(start, nl));
      lines.push(finish());
      start = nl + 1;
    }
  };
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const lines: RawLine[] = [];
    let start = 0;
    const first = buf.indexOf(0x0a);
    if (first !== -1) {
      // The first line may have begun in an earlier chunk: it goes through the parts.
      eachLine(buf, lines, 0, first + 1);
      const last = buf.lastIndexOf(0x0a);
      // The lines between the first and last '\n' are decoded a stretch at a time and the string
      // split: a Buffer view, a UTF-8 check and a decode per line cost more. No line of it can be
      // over the cap when the whole is not; and 0x0a is never part of a multibyte character, so it
      // is valid UTF-8 exactly when each of its lines is. When it is not, line by line as before.
      if (last > first) {
        if (last - (first + 1) > maxBytes || !isUtf8(buf.subarray(first + 1, last))) eachLine(buf, lines, first + 1, last + 1);
        else splitDecoded(buf, first + 1, last, lines);
      }
      start = last + 1;
    }
    // The rest belongs to a line not yet ended; its bytes are copied, as the stream may reuse them.
    if (start < buf.length) take(Buffer.from(buf.subarray(start)));
    if (lines.length) yield lines;
  }
  if (size || overflow) yield [finish()];
}

/**
 * A decoded string of 128 KiB or more is allocated apart from the young objects, page by page,
 * which made decoding a 256 KiB chunk at once slower than line by line: stretches of about 32 KiB
 * of bytes (at most 64 KiB as UTF-16), each ending at a '\n', stay below that.
 */
const STRETCH = 32 * 1024;

/** Pushes the lines of buf[from, to), where buf[to] is a '\n' and every line is valid UTF-8. */
function splitDecoded(buf: Buffer, from: number, to: number, lines: RawLine[]): void {
  while (from <= to) {
    let end = to;
    if (to - from > STRETCH) {
      end = buf.lastIndexOf(0x0a, from + STRETCH);
      // One line longer than a stretch is decoded alone.
      if (end < from) end = buf.indexOf(0x0a, from + STRETCH);
    }
    splitText(buf.toString('utf8', from, end), lines);
    from = end + 1;
  }
}

/** Pushes each line of `text` (which ends without a '\n'), its '\r' before the '\n' dropped. */
function splitText(text: string, lines: RawLine[]): void {
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    lines.push({ kind: 'text', text: text.slice(start, end > start && text.charCodeAt(end - 1) === 0x0d ? end - 1 : end) });
    if (nl === -1) return;
    start = nl + 1;
  }
}
