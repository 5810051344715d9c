import type { FailureDetail, OpOutcome, SegmentEvent, Source } from '../model.js';

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
  /** The original bytes of a line that is not UTF-8. */
  rawBytes?: Buffer;
  /** Where the event was first read, when this line came from a failed-events file. */
  origin?: Source & { messageId?: string };
  /** Mappings to retry only, when the line came from a failed-events file. */
  onlyMappings?: string[];
  pendingOps: number;
  sealed: boolean;
  failures: EventFailure[];
  skips: string[];
  delivered: number;
  outcome?: EventOutcome;
  /** Final, but recording it failed (the failed file could not be written): it stays unfinished. */
  unrecorded?: boolean;
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

export interface LedgerOptions {
  /**
   * Records a final event (failed file, outcomes). Returning false means it could not be recorded
   * (a write failed): the event stays unfinished, so the checkpoint never counts it.
   */
  onFinal(rec: EventRecord): boolean;
}

/** What the ledger needs of an operation: how it ended, for which mapping and action. */
export interface SettledOp {
  mappingName: string;
  action: string;
  outcome?: OpOutcome;
}

/**
 * The event ledger: every event's fate. An event stays open while any of its operations is
 * unsettled and ends as exactly one of delivered, skipped (with a reason) or failed. The low-water
 * mark, the first event not yet final, is where a resumed run starts.
 */
export class EventLedger {
  readonly counts: Counts = { read: 0, delivered: 0, skipped: 0, failed: 0, matchedByMapping: {}, skippedByReason: {}, failedByReason: {} };
  private open = new Map<number, EventRecord>();
  private low = 0;
  private nextSeq = 0;
  /** The input and line of the last event begun (-1: none yet), kept as numbers: an object per line was garbage at once. */
  private lastInput = -1;
  private lastLine = 0;

  constructor(private readonly opts: LedgerOptions) {}

  begin(input: number, source: Source): EventRecord {
    // Every field the run sets later is there from the start: each one added afterwards grew a
    // separate property store per record, and the records of a run had many shapes, not one.
    const rec: EventRecord = {
      seq: this.nextSeq++,
      input,
      source,
      messageId: undefined,
      event: undefined,
      raw: undefined,
      rawBytes: undefined,
      origin: undefined,
      onlyMappings: undefined,
      pendingOps: 0,
      sealed: false,
      failures: [],
      skips: [],
      delivered: 0,
      outcome: undefined,
      unrecorded: undefined,
    };
    this.open.set(rec.seq, rec);
    this.counts.read++;
    this.lastInput = input;
    this.lastLine = source.line;
    return rec;
  }

  matched(mapping: string): void {
    this.counts.matchedByMapping[mapping] = (this.counts.matchedByMapping[mapping] ?? 0) + 1;
  }

  /** The event waits for one more operation; `opSettled(op, [rec, …])` ends the wait. */
  attach(rec: EventRecord): void {
    rec.pendingOps++;
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

  /** A merged op's events take each their own part's outcome when the op has them. */
  opSettled(op: SettledOp, events: readonly EventRecord[]): void {
    events.forEach((rec, i) => {
      const outcome = partOutcome(op.outcome!, i);
      if (outcome.kind === 'delivered') rec.delivered++;
      else if (outcome.kind === 'skipped') rec.skips.push(outcome.reason);
      else rec.failures.push({ ...outcome.error, mapping: op.mappingName, action: op.action });
      rec.pendingOps--;
      this.maybeFinal(rec);
    });
  }

  /** Where a resumed run must start: the first event not final, or just past the last line read. */
  resumePoint(): { input: number; line: number } | undefined {
    const first = this.open.get(this.low);
    if (first) return { input: first.input, line: first.source.line };
    return this.lastInput >= 0 ? { input: this.lastInput, line: this.lastLine + 1 } : undefined;
  }

  get unfinished(): number {
    return this.open.size;
  }

  private maybeFinal(rec: EventRecord): void {
    if (!rec.sealed || rec.pendingOps > 0 || rec.outcome || rec.unrecorded) return;
    rec.outcome = rec.failures.length ? 'failed' : rec.delivered > 0 ? 'delivered' : 'skipped';
    if (!this.opts.onFinal(rec)) {
      rec.outcome = undefined;
      rec.unrecorded = true;
      return;
    }
    const c = this.counts;
    c[rec.outcome]++;
    if (rec.outcome === 'failed') {
      for (const f of rec.failures) bump(c.failedByReason, reasonOf(f));
    } else if (rec.outcome === 'skipped') {
      bump(c.skippedByReason, rec.skips[0] ?? 'no mapping matched');
    }
    this.open.delete(rec.seq);
    if (rec.seq === this.low) {
      while (this.low < this.nextSeq && !this.open.has(this.low)) this.low++;
    }
  }

}

const bump = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);

/** Failures grouped by kind for the summary: no line numbers or positions, which the failed file has. */
function reasonOf(f: EventFailure): string {
  if (f.kind === 'hubspot') return `HubSpot ${f.status ?? ''} ${f.category ?? ''}`.replace(/\s+/g, ' ').trim();
  if (f.kind === 'invalid') return `invalid: ${f.message.replace(/^line \d+ /, '').replace(/ \([^)]*\)$/, '')}`;
  return f.kind;
}

/** The outcome of the i-th event an op carries: its own part's when a merged op was applied again in parts. */
export function partOutcome(outcome: OpOutcome, i: number): OpOutcome {
  return outcome.kind === 'failed' && outcome.parts?.[i] ? outcome.parts[i]! : outcome;
}
