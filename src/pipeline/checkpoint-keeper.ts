import type { ReadAt } from './event-log-file.js';
import { writeCheckpoint, type Checkpoint, type Fingerprint } from './checkpoint.js';
import type { PipelineMemory } from './run-memory.js';

export interface KeeperOptions {
  path: string;
  inputs: string[];
  mapping: string;
  fingerprint: Fingerprint;
  memory: PipelineMemory;
  /** The run's low-water mark now; undefined before anything was read. */
  resumePoint(): ReadAt | undefined;
  /** Where the run started: kept while nothing has been read yet. */
  startedAt?: ReadAt;
  /** A save that failed mid-run: the run must stop, since its progress can no longer be kept. */
  onFailure(err: unknown): void;
  /** After each save, with the mark it wrote (the journal is compacted to it). */
  afterSave?(mark: ReadAt | undefined): void;
}

/**
 * Keeps the checkpoint current while a run goes: the low-water mark advances as events finish, so
 * a kill loses little work. Saved about once a second, but never more than a tenth of the time: the
 * id map of a long backfill grows, and writing it must not slow the run down.
 */
export class CheckpointKeeper {
  private lastSave = 0;
  private saveCost = 0;
  private timer?: NodeJS.Timeout;
  private failed = false;

  constructor(private readonly opts: KeeperOptions) {}

  /** Written once before anything is sent, so a checkpoint that cannot be written stops the run before it starts. */
  start(complete: boolean): void {
    this.save({ complete, clean: false });
    this.timer = setInterval(() => this.tick(), 1000);
    this.timer.unref();
  }

  /** The last save: `clean` when nothing was in flight any more (see Checkpoint.clean). */
  finish(state: { complete: boolean; clean: boolean }): void {
    this.stop();
    if (!this.failed) this.save(state);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    if (this.failed || Date.now() - this.lastSave < this.saveCost * 10) return;
    try {
      this.save({ complete: false, clean: false });
    } catch (err) {
      this.failed = true;
      this.stop();
      this.opts.onFailure(err);
    }
  }

  private save(state: { complete: boolean; clean: boolean }): void {
    const began = Date.now();
    const { memory } = this.opts;
    const cp: Checkpoint = {
      version: 1,
      inputs: this.opts.inputs,
      mapping: this.opts.mapping,
      fingerprint: this.opts.fingerprint,
      resumeAt: this.opts.resumePoint() ?? this.opts.startedAt,
      ...state,
      ids: [...memory.ids],
      flags: [...memory.flags],
      updatedAt: new Date().toISOString(),
    };
    writeCheckpoint(this.opts.path, cp);
    this.opts.afterSave?.(cp.resumeAt);
    this.lastSave = Date.now();
    this.saveCost = this.lastSave - began;
  }
}
