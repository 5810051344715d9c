import { UserError } from '../../errors.js';
import type { IOStreams } from '../io.js';

/** Asks yes/no on the terminal (stderr, so stdout stays clean); refuses without one: scripts pass --yes. */
export async function confirm(io: IOStreams, message: string): Promise<void> {
  if (!io.stdinIsTTY || !io.stderrIsTTY) throw new UserError('nothing was created: there is no terminal to confirm on', 'run it in a terminal to be asked, or add --yes');
  const { createPromptModule } = await import('inquirer');
  const prompt = createPromptModule({ input: io.stdin as NodeJS.ReadStream, output: io.stderr as NodeJS.WriteStream });
  const { ok } = (await prompt([{ type: 'confirm', name: 'ok', message, default: false }] as any)) as { ok: boolean };
  if (!ok) throw new UserError('nothing was created: not confirmed');
}
