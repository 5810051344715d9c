import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { OpOutcome } from '../model.js';
import { before, replaceFile, type ReadAt } from './event-log-file.js';
import { partOutcome, type EventRecord } from './ledger.js';

/** One mapping of one event that has finished: what a resumed run must not do again. */
export interface JournalEntry {
  input: number;
  line: number;
  mapping: string;
  action: string;
  outcome: OpOutcome;
}

/**
 * The checkpoint's journal: every operation that settles beyond the low-water mark, by event and
 * mapping, written before the ledger counts it. The mark alone would make a resumed run apply again
 * the events after it that had already finished, against a HubSpot that later events have since
 * changed (a deal replayed after its buyer's later identify would be associated with that buyer).
 * A resumed run restores their outcomes instead of running them again. Compacted to the entries at
 * or beyond the mark whenever the checkpoint is saved.
 */
export class OpJournal {
  private fd?: number;
  private entries: JournalEntry[] = [];

  constructor(private readonly path: string, carried: JournalEntry[] = []) {
    this.entries = carried;
    this.compact(undefined);
  }

  /** Entries of an earlier run at or beyond `from`, by event position. */
  static load(path: string, from: ReadAt | undefined): Map<string, JournalEntry[]> {
    const out = new Map<string, JournalEntry[]>();
    if (!from || !existsSync(path)) return out;
    for (const text of readFileSync(path, 'utf8').split('\n')) {
      let e: JournalEntry;
      try {
        e = JSON.parse(text);
      } catch {
        continue; // a line cut by a kill: its op was not finished for sure
      }
      if (typeof e?.line !== 'number' || before(e, from)) continue;
      const k = positionKey(e);
      out.set(k, [...(out.get(k) ?? []), e]);
    }
    return out;
  }

  record(op: { mappingName: string; action: string; outcome?: OpOutcome }, events: readonly EventRecord[]): void {
    events.forEach((rec, i) => {
      const e: JournalEntry = { input: rec.input, line: rec.source.line, mapping: op.mappingName, action: op.action, outcome: partOutcome(op.outcome!, i) };
      this.fd ??= openSync(this.path, 'a', 0o600);
      writeSync(this.fd, JSON.stringify(e) + '\n');
      this.entries.push(e);
    });
  }

  /** Keeps only what a resume from `mark` needs; the checkpoint holding `mark` is already on disk. */
  compact(mark: ReadAt | undefined): void {
    if (mark) this.entries = this.entries.filter((e) => !before(e, mark));
    this.close();
    replaceFile(this.path, this.entries.map((e) => JSON.stringify(e) + '\n').join(''), 'checkpoint journal');
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

export const positionKey = (p: ReadAt) => `${p.input}:${p.line}`;
