import type { Readable, Writable } from 'node:stream';
import { UserError } from '../errors.js';

/** The terminal a question is asked on: the command's stdin and stderr. */
export interface PromptStreams {
  stdin: Readable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
}

/**
 * Questions for the person at the terminal. Prompts write to stderr so stdout stays clean for
 * scripts; inquirer is loaded only when a question is really asked, keeping `--help` fast.
 */
async function ask(io: PromptStreams, question: { type: 'input' | 'password'; message: string }): Promise<string> {
  const { createPromptModule } = await import('inquirer');
  const prompt = createPromptModule({ input: io.stdin as NodeJS.ReadStream, output: io.stderr as NodeJS.WriteStream });
  const answers = (await prompt([
    {
      ...question,
      name: 'value',
      ...(question.type === 'password' ? { mask: '*' } : {}),
      validate: (v: string) => (v.trim() ? true : 'Please enter a value.'),
    },
  ] as any)) as { value: string };
  return answers.value.trim();
}

export function canPrompt(io: PromptStreams): boolean {
  return !!io.stdin.isTTY && !!io.stderr.isTTY;
}

export const promptText = (io: PromptStreams, message: string) => ask(io, { type: 'input', message });
export const promptSecret = (io: PromptStreams, message: string) => ask(io, { type: 'password', message });

/** A secret piped in (`echo $T | hubspot-actions login --token`): the whole of stdin, trimmed. */
export async function readSecretFromStdin(stdin: Readable, what: string, example = 'echo "$TOKEN" | hubspot-actions login --token'): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(chunk as Buffer);
  const value = Buffer.concat(chunks).toString('utf8').trim();
  if (!value) {
    throw new UserError(`No ${what} was given on standard input.`, `Pipe it in (\`${example}\`) or run the command in a terminal to be asked for it.`);
  }
  return value;
}
