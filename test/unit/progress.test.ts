import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { fit, ProgressLine } from '../../src/pipeline/progress.js';
import type { Progress } from '../../src/pipeline/run.js';

class Screen extends Writable {
  text = '';
  constructor(readonly columns?: number) {
    super();
  }
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
  /** What the line shows now: after the last carriage return, without the clear-to-end code. */
  get line(): string {
    return this.text.slice(this.text.lastIndexOf('\r') + 1).replace('\x1b[K', '');
  }
}

const progress = (requests: number): Progress => ({
  counts: { read: 10, delivered: 8, skipped: 1, failed: 1 } as Progress['counts'],
  requests,
  input: { bytesRead: 0 },
});

describe('the progress line', () => {
  it('shows the rate over the last 10 s, not the average since the start', () => {
    let now = 0;
    const screen = new Screen(200);
    const line = new ProgressLine(screen, () => undefined, () => now);
    for (let s = 1; s <= 60; s++) {
      now = s * 1000;
      line.update(progress(s <= 50 ? s * 10 : 500)); // 10/s for 50 s, then nothing
    }
    expect(screen.line).toContain('requests 500 (0.0/s)');
  });

  it('says when the run is waiting, and for what', () => {
    const screen = new Screen(200);
    new ProgressLine(screen, () => 'waiting for the rate budget').update(progress(3));
    expect(screen.line).toContain(' · waiting for the rate budget');
  });

  it('drops whole parts that do not fit, keeping the last column free', () => {
    const parts = ['read 10', 'delivered 8', 'skipped 1'];
    expect(fit(parts, 30)).toBe('read 10 · delivered 8');
    expect(fit(parts, 30).length).toBeLessThan(30);
  });

  it('cuts nothing on a zero-width or unknown terminal', () => {
    for (const columns of [0, undefined]) {
      const screen = new Screen(columns);
      new ProgressLine(screen).update(progress(3));
      expect(screen.line).toMatch(/^read 10 · delivered 8 · skipped 1 · failed 1 · requests 3 \(\d+\.\d\/s\)$/);
    }
  });
});
