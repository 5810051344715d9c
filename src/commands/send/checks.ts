import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { UserError } from '../../errors.js';
import { peekFirstChunk, STDIN } from '../../pipeline/read-lines.js';

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
    const st = statSync(f);
    if (st.isDirectory()) return `a folder: give the files in it, e.g. \`send ${f.replace(/\/+$/, '')}/*.json.gz\``;
    return undefined;
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

/**
 * True when stdin holds no data at all (`< /dev/null`, an exporter that found nothing today). The
 * chunk peeked at is put back, so the run reads stdin whole.
 */
export async function stdinIsEmpty(stdin: Readable): Promise<boolean> {
  return (await peekFirstChunk(stdin)) === null;
}
