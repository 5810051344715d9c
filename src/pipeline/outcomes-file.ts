import { EventLogFile, type ReadAt } from './event-log-file.js';
import type { EventRecord } from './ledger.js';
import { inputName } from './read-lines.js';

/**
 * `--outcomes`: one NDJSON line per input event as it becomes final — where it was read, its
 * messageId, delivered / skipped / failed and why — each event exactly once across resumed runs.
 * For scripts that reconcile a backfill, and the proof that nothing is lost or done twice.
 */
export class OutcomesFile {
  private file: EventLogFile;

  constructor(path: string, inputs: readonly string[], resumeAt: ReadAt | undefined) {
    this.file = new EventLogFile(path, 'outcomes file', resumeAt, (l) => {
      const input = inputs.findIndex((name) => inputName(name) === l.file);
      return input >= 0 && typeof l.line === 'number' ? { input, line: l.line } : undefined;
    });
  }

  write(rec: EventRecord): void {
    const reasons = rec.outcome === 'failed' ? rec.failures.map((f) => (f.mapping ? `${f.mapping}: ${f.message}` : f.message)) : rec.outcome === 'skipped' ? rec.skips : [];
    this.file.write({
      file: rec.source.file,
      line: rec.source.line,
      ...(rec.messageId ? { messageId: rec.messageId } : {}),
      outcome: rec.outcome,
      ...(reasons.length ? { reasons } : {}),
      ...(rec.origin ? { origin: rec.origin } : {}),
    });
  }

  close(): void {
    this.file.close();
  }
}
