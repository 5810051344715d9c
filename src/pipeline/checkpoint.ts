import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { UserError } from '../errors.js';
import { replaceFile, type ReadAt } from './event-log-file.js';
import { STDIN } from './read-lines.js';

export interface Checkpoint {
  version: 1;
  /** The inputs of the run, in order: a resumed run must be given the same ones. */
  inputs: string[];
  mapping: string;
  /** What the run was over, so a resume with another mapping or other data is refused. */
  fingerprint?: Fingerprint;
  /** The first line not yet final: everything before it was delivered, skipped or written to the failed file. */
  resumeAt?: ReadAt;
  complete: boolean;
  /**
   * True when written after every request in flight had finished (end of input, Ctrl-C, the daily
   * limit). False after a kill: writes made since the last save are not known to it, and HubSpot's
   * search may not show them yet, so a resumed run first waits out the index lag.
   */
  clean?: boolean;
  /** What later events need from earlier ones: contact ids by user and email, portal facts. */
  ids: Array<[string, string]>;
  /** Written by earlier versions; no longer read (see resumeFrom in run.ts). */
  records?: Array<[string, string]>;
  flags: string[];
  updatedAt: string;
}

export interface Fingerprint {
  /** sha256 of the mapping file's text. */
  mapping: string;
  /** Per input: its size and a sha256 of its first 64 KiB (stdin: none). */
  inputs: Array<{ size?: number; head?: string }>;
}

export function readCheckpoint(file: string): Checkpoint | undefined {
  if (!existsSync(file)) return undefined;
  let cp: Checkpoint;
  try {
    cp = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError(`the checkpoint ${file} cannot be read (${(err as Error).message})`, 'delete it to start from the beginning, or give another --checkpoint path');
  }
  if (cp.version !== 1 || !Array.isArray(cp.inputs)) throw new UserError(`${file} is not a hubspot-actions checkpoint`, 'give another --checkpoint path');
  return cp;
}

export function fingerprint(mappingPath: string, inputs: readonly string[]): Fingerprint {
  return {
    mapping: sha256(readFileSync(mappingPath)),
    inputs: inputs.map((name) => {
      if (name === STDIN) return {};
      try {
        return { size: statSync(name).size, head: sha256(head(name)) };
      } catch {
        return {};
      }
    }),
  };
}

/**
 * Same inputs, same data, same mapping: otherwise the resume position would point into other data,
 * or the lines before it were never sent through this mapping. `force` accepts other data and
 * another mapping (not other inputs), for a file that was only appended to or a fixed mapping.
 */
export function checkResumable(cp: Checkpoint, inputs: readonly string[], now: Fingerprint, file: string, force: boolean): void {
  const same = cp.inputs.length === inputs.length && cp.inputs.every((p, i) => p === inputs[i]);
  if (!same) {
    throw new UserError(
      `the checkpoint ${file} belongs to a run over other inputs (${cp.inputs.join(', ')})`,
      'run with the same input files in the same order, or give a new --checkpoint path to start over',
    );
  }
  if (!cp.fingerprint || force) return;
  const differs: string[] = [];
  if (cp.fingerprint.mapping !== now.mapping) differs.push(`the mapping file ${cp.mapping} changed`);
  cp.fingerprint.inputs.forEach((was, i) => {
    const is = now.inputs[i];
    if (was.size !== is?.size || was.head !== is?.head) differs.push(`${inputs[i]} is not the file it was (size or first bytes differ)`);
  });
  if (differs.length) {
    throw new UserError(
      `the checkpoint ${file} was written for other data: ${differs.join('; ')}`,
      'give a new --checkpoint path to start over, or --force-resume to resume anyway',
    );
  }
}

/** Written to a temporary file and renamed, so a kill leaves the old checkpoint or the new one, never half of one. */
export function writeCheckpoint(file: string, cp: Checkpoint): void {
  replaceFile(file, JSON.stringify(cp) + '\n', 'checkpoint');
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function head(name: string): Buffer {
  const fd = openSync(name, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    return buf.subarray(0, readSync(fd, buf, 0, buf.length, 0));
  } finally {
    closeSync(fd);
  }
}
