import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LineWriter } from '../../src/pipeline/output.js';
import { createRng } from '../emulator/prng.js';

/** A stdout that sends later, as a pipe does (it holds the buffers it was given till then); `full` makes write() say wait. */
function sink(opts: { full?: boolean } = {}) {
  const got: Buffer[] = [];
  const stream = new Writable({
    highWaterMark: opts.full ? 1 : 16 * 1024 * 1024,
    write(chunk: Buffer, _enc, done) {
      got.push(chunk);
      // Sent later, as to a pipe: a write finished at once never asks to wait.
      setImmediate(done);
    },
  });
  return { stream, bytes: () => Buffer.concat(got) };
}

describe('the line writer', () => {
  it('writes exactly the UTF-8 of each line and its newline, whatever the lines and the buffer size', async () => {
    const rng = createRng(5);
    const alphabet = ['a', '{"k":"v"}', 'é', '€', '𝄞', '\ud800', '\udc00', '\u0000', ' '];
    for (let round = 0; round < 40; round++) {
      const limit = [16, 64, 1000, 64 * 1024][round % 4]!;
      const lines = Array.from({ length: 1 + Math.floor(rng() * 200) }, () => {
        const n = rng() < 0.1 ? Math.floor(rng() * 3 * limit) : Math.floor(rng() * 20);
        return Array.from({ length: n }, () => alphabet[Math.floor(rng() * alphabet.length)]).join('');
      });
      const { stream, bytes } = sink();
      const out = new LineWriter(stream, limit);
      for (const l of lines) out.line(l);
      await out.end();
      // What the old writer sent: the lines joined, each with its newline, written as one string.
      expect(bytes().equals(Buffer.from(lines.map((l) => l + '\n').join('')))).toBe(true);
    }
  });

  it('holds lines until the buffer is full, and then asks the run to wait until the reader drains', async () => {
    const { stream, bytes } = sink({ full: true });
    const out = new LineWriter(stream, 16);
    out.line('12345');
    out.line('67890');
    expect(bytes().length).toBe(0);
    expect(out.backpressure()).toBeUndefined();
    out.line('abcdef');
    const wait = out.backpressure();
    expect(wait).toBeInstanceOf(Promise);
    await wait;
    expect(out.backpressure()).toBeUndefined();
    await out.end();
    expect(bytes().toString()).toBe('12345\n67890\nabcdef\n');
  });

  it('stops writing quietly once the reader is gone, and lets a waiting run go on', async () => {
    const writes: unknown[] = [];
    const stream = new Writable({ highWaterMark: 1, write: (chunk, _e, done) => (writes.push(chunk), done()) });
    stream.write = ((chunk: unknown) => (writes.push(chunk), false)) as typeof stream.write;
    const out = new LineWriter(stream, 8);
    let closed = 0;
    out.onClosed = () => closed++;
    out.line('0123456789');
    const wait = out.backpressure();
    expect(wait).toBeInstanceOf(Promise);
    stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    await wait;
    expect(out.readerGone).toBe(true);
    const before = writes.length;
    out.line('more');
    await out.end();
    expect(writes.length).toBe(before);
    expect(closed).toBe(1);
  });
});
