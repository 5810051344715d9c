import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { IdMemory } from '../actions/types.js';
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

  /**
   * An earlier run's journal: its ops at or beyond `from`, by event position, and the contact ids it
   * learned since its checkpoint was saved (which no search can give back: a userId is not in HubSpot).
   */
  static load(path: string, from: ReadAt | undefined): { done: Map<string, JournalEntry[]>; ids: Array<[string, string]> } {
    const done = new Map<string, JournalEntry[]>();
    const ids: Array<[string, string]> = [];
    if (!from || !existsSync(path)) return { done, ids };
    for (const text of readFileSync(path, 'utf8').split('\n')) {
      let e: JournalEntry & { id?: [string, string] };
      try {
        e = JSON.parse(text);
      } catch {
        continue; // a line cut by a kill: its op was not finished for sure
      }
      if (Array.isArray(e?.id)) ids.push(e.id);
      if (typeof e?.line !== 'number' || before(e, from)) continue;
      const k = positionKey(e);
      done.set(k, [...(done.get(k) ?? []), e]);
    }
    return { done, ids };
  }

  /** A contact id learned: on disk before the op that learned it is journaled as settled. */
  rememberId(key: string, id: string): void {
    this.write({ id: [key, id] });
  }

  record(op: { mappingName: string; action: string; outcome?: OpOutcome }, events: readonly EventRecord[]): void {
    events.forEach((rec, i) => {
      const e: JournalEntry = { input: rec.input, line: rec.source.line, mapping: op.mappingName, action: op.action, outcome: partOutcome(op.outcome!, i) };
      this.write(e);
      this.entries.push(e);
    });
  }

  private write(line: unknown): void {
    this.fd ??= openSync(this.path, 'a', 0o600);
    writeSync(this.fd, JSON.stringify(line) + '\n');
  }

  /**
   * Keeps only what a resume from `mark` needs; the checkpoint holding `mark`, and the ids learned
   * so far, is already on disk.
   */
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

/** The run's contact ids, each new one journaled as it is learned (kept in the run's bounded memory). */
export class JournaledIds implements IdMemory {
  constructor(
    private readonly journal: OpJournal,
    private readonly inner: IdMemory,
  ) {}

  get(key: string): string | undefined {
    return this.inner.get(key);
  }

  set(key: string, id: string): this {
    if (this.inner.get(key) !== id) this.journal.rememberId(key, id);
    this.inner.set(key, id);
    return this;
  }

  [Symbol.iterator](): Iterator<[string, string]> {
    return this.inner[Symbol.iterator]();
  }
}
