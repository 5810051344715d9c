import type { Writable } from 'node:stream';
import type { Progress } from './run.js';

/** One line on a terminal's stderr, rewritten in place while a live run goes. */
export class ProgressLine {
  private started = Date.now();
  private shown = false;

  constructor(private readonly stream: Writable & { columns?: number }) {}

  update(p: Progress): void {
    const secs = Math.max(0.001, (Date.now() - this.started) / 1000);
    const c = p.counts;
    const { bytesRead, bytesTotal } = p.input;
    const share = bytesTotal ? bytesRead / bytesTotal : undefined;
    const eta = share && share > 0.001 && share < 1 ? ` · ${Math.round(share * 100)}%, ETA ${clock((secs * (1 - share)) / share)}` : '';
    const text = `read ${c.read} · delivered ${c.delivered} · skipped ${c.skipped} · failed ${c.failed} · requests ${p.requests} (${(p.requests / secs).toFixed(1)}/s)${eta}`;
    this.stream.write(`\r${text.slice(0, (this.stream.columns ?? 120) - 1)}\x1b[K`);
    this.shown = true;
  }

  clear(): void {
    if (this.shown) this.stream.write('\r\x1b[K');
  }
}

function clock(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}h${String(m).padStart(2, '0')}m` : m ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
