import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';

/** Where in the run's inputs an event was read: the order a resume point compares by. */
export interface ReadAt {
  input: number;
  line: number;
}

export const before = (a: ReadAt, b: ReadAt): boolean => a.input < b.input || (a.input === b.input && a.line < b.line);

/**
 * An NDJSON file of one line per finished event (the failed events, the outcomes), holding each
 * event once across resumed runs: a fresh run starts it empty; a resumed run keeps the lines of
 * events before its resume point (final in the earlier run) and drops the others, which it is
 * about to finish again. Lines are written synchronously, so one is on disk before the checkpoint
 * can count its event as finished.
 */
export class EventLogFile {
  private fd?: number;
  count = 0;

  /**
   * `readAtOf` gives back the position a line was written for (undefined: keep it); lines are only
   * read back when resuming.
   */
  constructor(
    readonly path: string,
    private readonly what: string,
    resumeAt: ReadAt | undefined,
    readAtOf: (line: Record<string, unknown>) => ReadAt | undefined,
  ) {
    const kept: string[] = [];
    if (resumeAt && existsSync(this.path) && !isSpecialFile(this.path)) {
      for (const text of readFileSync(this.path, 'utf8').split('\n')) {
        if (!text.trim()) continue;
        let at: ReadAt | undefined;
        try {
          at = readAtOf(JSON.parse(text));
        } catch {
          at = undefined;
        }
        if (!at || before(at, resumeAt)) kept.push(text);
      }
    }
    this.count = kept.length;
    // A device or pipe (--failed /dev/null) is written to as it is, never replaced by a file of ours.
    if (!isSpecialFile(this.path)) replaceFile(this.path, kept.length ? kept.join('\n') + '\n' : '', what);
  }

  write(line: unknown): void {
    let text: string;
    try {
      text = JSON.stringify(line);
    } catch (err) {
      throw new UserError(`cannot write a line of the ${this.what} ${this.path} (${(err as Error).message})`);
    }
    try {
      this.fd ??= openSync(this.path, 'a', 0o600);
      writeSync(this.fd, text + '\n');
    } catch (err) {
      throw writeFailed(this.path, this.what, err);
    }
    this.count++;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

function isSpecialFile(file: string): boolean {
  try {
    return !statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Written beside the file and renamed over it, so a kill leaves the old or the new, and no temporary file. */
export function replaceFile(file: string, text: string, what: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw writeFailed(file, what, err);
  }
}

function writeFailed(file: string, what: string, err: unknown): UserError {
  const code = (err as NodeJS.ErrnoException).code ?? String(err);
  const why = code === 'ENOSPC' ? 'the disk is full' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOENT' ? 'its folder does not exist' : code;
  return new UserError(`cannot write the ${what} ${file} (${why})`, `free space or give a path you can write to, then run the same command again`);
}
