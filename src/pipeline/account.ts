import type { FailureDetail } from '../actions/types.js';
import type { SegmentEvent, Source } from '../model.js';
import type { Op } from './schedule.js';

export type EventOutcome = 'delivered' | 'skipped' | 'failed';

export interface EventFailure extends FailureDetail {
  mapping?: string;
  action?: string;
}

/** One input line on its way through the run. */
export interface EventRecord {
  seq: number;
  input: number;
  source: Source;
  messageId?: string;
  /** The parsed event, or the raw text of a line that is not a JSON object: the failed file keeps it. */
  event?: SegmentEvent;
  raw?: string;
  /** Mappings to retry only, when the line came from a failed-events file. */
  onlyMappings?: string[];
  pendingOps: number;
  sealed: boolean;
  failures: EventFailure[];
  skips: string[];
  delivered: number;
  outcome?: EventOutcome;
}

export interface Counts {
  read: number;
  delivered: number;
  skipped: number;
  failed: number;
  matchedByMapping: Record<string, number>;
  skippedByReason: Record<string, number>;
  failedByReason: Record<string, number>;
}

export interface AccountOptions {
  onFinal(rec: EventRecord): void;
}

/**
 * Every event's fate: it stays open while any of its operations is unsettled and ends as exactly
 * one of delivered, skipped (with a reason) or failed. The low-water mark, the first event not yet
 * final, is where a resumed run starts.
 */
export class Accounts {
  readonly counts: Counts = { read: 0, delivered: 0, skipped: 0, failed: 0, matchedByMapping: {}, skippedByReason: {}, failedByReason: {} };
  private open = new Map<number, EventRecord>();
  private low = 0;
  private nextSeq = 0;
  private lastSource?: { input: number; line: number };

  constructor(private readonly opts: AccountOptions) {}

  begin(input: number, source: Source): EventRecord {
    const rec: EventRecord = { seq: this.nextSeq++, input, source, pendingOps: 0, sealed: false, failures: [], skips: [], delivered: 0 };
    this.open.set(rec.seq, rec);
    this.counts.read++;
    this.lastSource = { input, line: source.line };
    return rec;
  }

  matched(mapping: string): void {
    this.counts.matchedByMapping[mapping] = (this.counts.matchedByMapping[mapping] ?? 0) + 1;
  }

  attach(rec: EventRecord, op: Op & { events?: EventRecord[] }): void {
    rec.pendingOps++;
    (op.events ??= []).push(rec);
  }

  fail(rec: EventRecord, failure: EventFailure): void {
    rec.failures.push(failure);
  }

  skip(rec: EventRecord, reason: string): void {
    rec.skips.push(reason);
  }

  /** Routing of this event is done: it may become final once its operations settle. */
  seal(rec: EventRecord): void {
    rec.sealed = true;
    this.maybeFinal(rec);
  }

  opSettled(op: Op & { events?: EventRecord[] }): void {
    const outcome = op.outcome!;
    for (const rec of op.events ?? []) {
      if (outcome.kind === 'delivered') rec.delivered++;
      else if (outcome.kind === 'skipped') rec.skips.push(outcome.reason);
      else rec.failures.push({ ...outcome.error, mapping: op.mappingName, action: op.action });
      rec.pendingOps--;
      this.maybeFinal(rec);
    }
    op.events = undefined;
  }

  /** Where a resumed run must start: the first event not final, or just past the last line read. */
  resumePoint(): { input: number; line: number } | undefined {
    const first = this.open.get(this.low);
    if (first) return { input: first.input, line: first.source.line };
    return this.lastSource ? { input: this.lastSource.input, line: this.lastSource.line + 1 } : undefined;
  }

  get unfinished(): number {
    return this.open.size;
  }

  private maybeFinal(rec: EventRecord): void {
    if (!rec.sealed || rec.pendingOps > 0 || rec.outcome) return;
    const c = this.counts;
    if (rec.failures.length) {
      rec.outcome = 'failed';
      c.failed++;
      for (const f of rec.failures) {
        const reason = f.kind === 'hubspot' ? `HubSpot ${f.status ?? ''} ${f.category ?? ''}`.replace(/\s+/g, ' ').trim() : f.kind === 'invalid' ? `invalid: ${f.message}` : f.kind;
        c.failedByReason[reason] = (c.failedByReason[reason] ?? 0) + 1;
      }
    } else if (rec.delivered > 0) {
      rec.outcome = 'delivered';
      c.delivered++;
    } else {
      rec.outcome = 'skipped';
      c.skipped++;
      const reason = rec.skips[0] ?? 'no mapping matched';
      c.skippedByReason[reason] = (c.skippedByReason[reason] ?? 0) + 1;
    }
    this.opts.onFinal(rec);
    this.open.delete(rec.seq);
    if (rec.seq === this.low) {
      while (this.low < this.nextSeq && !this.open.has(this.low)) this.low++;
    }
  }
}
