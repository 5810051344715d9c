import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../errors.js';
import { STDIN } from '../../pipeline/read-lines.js';

/** Every input is there before anything is sent: a missing second file must not stop a run halfway. */
export function checkInputs(inputs: string[]): void {
  const problems = inputs.filter((f) => f !== STDIN).map((f) => [f, unreadable(f)] as const).filter(([, why]) => why);
  if (problems.length) {
    throw new UserError(`cannot read input file ${problems.map(([f, why]) => `${f} (${why})`).join(', ')}`, 'check the file names given to `send`; nothing was sent');
  }
}

function unreadable(f: string): string | undefined {
  try {
    accessSync(f, constants.R_OK);
    return statSync(f).isFile() ? undefined : 'not a file';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code ?? String(err);
  }
}

export function checkWritableFolder(file: string, flag: string): void {
  const dir = path.dirname(path.resolve(file));
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UserError(`cannot write ${file}: its folder ${dir} does not exist or is not writable`, `give ${flag} a path in a folder you can write to; nothing was sent`);
  }
}
