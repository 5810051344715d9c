import type { Progress } from './run.js';

/** One line on a terminal's stderr, rewritten in place while a live run goes. */
export class ProgressLine {
  private started = Date.now();
  private shown = false;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  update(p: Progress): void {
    const secs = Math.max(0.001, (Date.now() - this.started) / 1000);
    const c = p.counts;
    const text = `read ${c.read} · delivered ${c.delivered} · skipped ${c.skipped} · failed ${c.failed} · requests ${p.requests} (${(p.requests / secs).toFixed(1)}/s)`;
    this.stream.write(`\r${text.slice(0, (this.stream.columns ?? 120) - 1)}\x1b[K`);
    this.shown = true;
  }

  clear(): void {
    if (this.shown) this.stream.write('\r\x1b[K');
  }
}
