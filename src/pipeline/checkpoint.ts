import { readFileSync, writeFileSync, renameSync, existsSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';

export interface Checkpoint {
  version: 1;
  /** The inputs of the run, in order: a resumed run must be given the same ones. */
  inputs: string[];
  mapping: string;
  /** The first line not yet final: everything before it was delivered, skipped or written to the failed file. */
  resumeAt?: { input: number; line: number };
  complete: boolean;
  /** What later events need from earlier ones: contact ids by user and email, portal facts. */
  ids: Array<[string, string]>;
  /** Records recently found or created, so a resumed run does not create one HubSpot's search has not indexed yet. */
  records?: Array<[string, string]>;
  flags: string[];
  updatedAt: string;
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

/** Same inputs, or the resume position would point into other data. */
export function checkResumable(cp: Checkpoint, inputs: string[], file: string): void {
  const same = cp.inputs.length === inputs.length && cp.inputs.every((p, i) => p === inputs[i]);
  if (!same) {
    throw new UserError(
      `the checkpoint ${file} belongs to a run over other inputs (${cp.inputs.join(', ')})`,
      'run with the same input files in the same order, or give a new --checkpoint path to start over',
    );
  }
}

/** Written to a temporary file and renamed, so a kill leaves the old checkpoint or the new one, never half of one. */
export function writeCheckpoint(file: string, cp: Checkpoint): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, JSON.stringify(cp) + '\n', { mode: 0o600 });
    renameSync(tmp, file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new UserError(`cannot write the checkpoint ${file} (${code})`, 'give --checkpoint a path in a folder that exists and that you can write to');
  }
}
