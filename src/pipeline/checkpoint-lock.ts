import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { UserError } from '../errors.js';
import { processAlive } from '../process-alive.js';

/**
 * One run per checkpoint: two runs resuming from one checkpoint would both send the same events.
 * The lock file names its holder; one left by a process that no longer runs (a kill) is taken over.
 */
export class CheckpointLock {
  private constructor(private readonly file: string) {}

  static take(checkpoint: string): CheckpointLock {
    const file = `${checkpoint}.lock`;
    for (let tries = 0; tries < 2; tries++) {
      try {
        const fd = openSync(file, 'wx', 0o600);
        writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString() }));
        closeSync(fd);
        return new CheckpointLock(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new UserError(`cannot write the checkpoint ${checkpoint} (${(err as NodeJS.ErrnoException).code})`, 'give --checkpoint a path in a folder you can write to');
        }
      }
      const holder = readHolder(file);
      if (holder && holder.host === hostname() && processAlive(holder.pid)) {
        throw new UserError(
          `the checkpoint ${checkpoint} is in use by another run (process ${holder.pid}, started ${holder.startedAt})`,
          'wait for that run to finish or stop it; two runs on one checkpoint would send the same events twice',
        );
      }
      if (holder && holder.host !== hostname()) {
        throw new UserError(
          `the checkpoint ${checkpoint} is locked by a run on ${holder.host} (process ${holder.pid})`,
          `if no run is going on there, delete ${file}`,
        );
      }
      rmSync(file, { force: true });
    }
    throw new UserError(`cannot lock the checkpoint ${checkpoint}: another run keeps taking it`);
  }

  release(): void {
    rmSync(this.file, { force: true });
  }
}

function readHolder(file: string): { pid: number; host: string; startedAt: string } | undefined {
  try {
    const h = JSON.parse(readFileSync(file, 'utf8'));
    return typeof h?.pid === 'number' ? h : undefined;
  } catch {
    return undefined;
  }
}
