/**
 * Buffered line output for stdout: a dry-run over millions of events prints millions of lines,
 * and one write per line would cost more than building them. A reader that goes away (`| head`)
 * ends the output quietly instead of crashing the run.
 */
export class LineWriter {
  /**
   * The lines held, already UTF-8: a list of strings joined at each flush made a copy of the
   * output on the heap (two-byte when one line was), which the write then encoded once more.
   * A fresh buffer after each write: the stream may hold the one it was given until it is sent.
   */
  private buf: Buffer;
  private used = 0;
  private closed = false;
  private blocked?: Promise<void>;
  private unblock?: () => void;

  /** Called once when the reader has gone away: nothing more can be shown, so the run may stop. */
  onClosed?: () => void;

  constructor(private readonly stream: NodeJS.WritableStream, private readonly limit = 64 * 1024) {
    this.buf = Buffer.allocUnsafeSlow(limit);
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      if (!this.closed) this.onClosed?.();
      this.closed = true;
      // A 'drain' will never come: whoever waits for it must go on (or the process would end silently).
      this.unblock?.();
    });
  }

  get readerGone(): boolean {
    return this.closed;
  }

  line(text: string): void {
    if (this.closed) return;
    // No UTF-16 unit takes more than 3 bytes: only a line that may not fit is measured.
    if (text.length * 3 >= this.limit - this.used) {
      const bytes = Buffer.byteLength(text);
      if (bytes >= this.limit - this.used) {
        this.flush();
        if (this.closed) return;
        // Longer than the buffer: written as it is, after what was held.
        if (bytes >= this.limit) {
          this.write(text);
          if (this.closed) return;
          text = '';
        }
      }
    }
    this.used += this.buf.write(text, this.used);
    this.buf[this.used++] = 0x0a;
  }

  flush(): void {
    if (this.closed || this.used === 0) return;
    const held = this.buf.subarray(0, this.used);
    this.buf = Buffer.allocUnsafeSlow(this.limit);
    this.used = 0;
    this.write(held);
  }

  private write(data: Buffer | string): void {
    const ok = this.stream.write(data);
    if (!ok && !this.blocked) {
      this.blocked = new Promise((resolve) => {
        this.unblock = () => {
          this.blocked = this.unblock = undefined;
          resolve();
        };
        this.stream.once('drain', this.unblock);
      });
    }
  }

  /** While the reader of stdout lags, a promise to wait on before reading more input; memory stays flat. */
  backpressure(): Promise<void> | undefined {
    return this.closed ? undefined : this.blocked;
  }

  /** Resolves when everything written has left the process. */
  async end(): Promise<void> {
    this.flush();
    if (this.closed) return;
    await new Promise<void>((resolve) => this.stream.write('', () => resolve()));
  }
}
