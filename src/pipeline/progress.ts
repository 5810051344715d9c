import type { Writable } from 'node:stream';
import type { Progress } from './run.js';

/** The rate shown is over this window: the average since the start hides a slowdown for hours. */
const RATE_WINDOW_MS = 10_000;

/**
 * One line on a terminal's stderr, rewritten in place while a live run goes. `waiting` says what
 * holds the run back right now (the rate budget, a retry), if anything.
 */
export class ProgressLine {
  private readonly started: number;
  private shown = false;
  private samples: Array<{ at: number; requests: number }> = [];

  constructor(
    private readonly stream: Writable & { columns?: number },
    private readonly waiting: () => string | undefined = () => undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  update(p: Progress): void {
    const c = p.counts;
    const parts = [`read ${c.read}`, `delivered ${c.delivered}`, `skipped ${c.skipped}`, `failed ${c.failed}`, `requests ${p.requests} (${this.rate(p.requests).toFixed(1)}/s)`];
    const wait = this.waiting();
    if (wait) parts.push(wait);
    const eta = this.eta(p);
    if (eta) parts.push(eta);
    this.stream.write(`\r${fit(parts, this.stream.columns)}\x1b[K`);
    this.shown = true;
  }

  clear(): void {
    if (this.shown) this.stream.write('\r\x1b[K');
  }

  /** Requests a second over the last ten seconds (or since the start, when younger). */
  private rate(requests: number): number {
    const at = this.now();
    this.samples.push({ at, requests });
    while (this.samples.length > 1 && at - this.samples[0]!.at > RATE_WINDOW_MS) this.samples.shift();
    const first = this.samples[0]!;
    const since = first.at === at ? this.started : first.at;
    const base = first.at === at ? 0 : first.requests;
    return (requests - base) / Math.max(0.001, (at - since) / 1000);
  }

  private eta(p: Progress): string | undefined {
    const { bytesRead, bytesTotal } = p.input;
    const share = bytesTotal ? bytesRead / bytesTotal : undefined;
    if (!share || share <= 0.001 || share >= 1) return undefined;
    const secs = Math.max(0.001, (this.now() - this.started) / 1000);
    return `${Math.round(share * 100)}%, ETA ${clock((secs * (1 - share)) / share)}`;
  }
}

/**
 * As many whole parts as fit in one terminal row, leaving its last column free (writing there
 * wraps on some terminals). A width of 0 or unknown (not a real terminal) cuts nothing.
 */
export function fit(parts: string[], columns: number | undefined): string {
  const room = columns && columns > 1 ? columns - 1 : Infinity;
  let text = parts[0] ?? '';
  for (const part of parts.slice(1)) {
    const next = `${text} · ${part}`;
    if (next.length > room) break;
    text = next;
  }
  return text;
}

function clock(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}h${String(m).padStart(2, '0')}m` : m ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
