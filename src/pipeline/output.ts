/**
 * Buffered line output for stdout: a dry-run over millions of events prints millions of lines,
 * and one write per line would cost more than building them. A reader that goes away (`| head`)
 * ends the output quietly instead of crashing the run.
 */
export class LineWriter {
  private chunks: string[] = [];
  private size = 0;
  private closed = false;
  private blocked?: Promise<void>;
  private unblock?: () => void;

  /** Called once when the reader has gone away: nothing more can be shown, so the run may stop. */
  onClosed?: () => void;

  constructor(private readonly stream: NodeJS.WritableStream, private readonly limit = 64 * 1024) {
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
    this.chunks.push(text, '\n');
    this.size += text.length + 1;
    if (this.size >= this.limit) this.flush();
  }

  flush(): void {
    if (this.closed || this.chunks.length === 0) return;
    const ok = this.stream.write(this.chunks.join(''));
    this.chunks = [];
    this.size = 0;
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
