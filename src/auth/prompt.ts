import { UserError } from '../errors.js';

/**
 * Questions for the person at the terminal. Prompts write to stderr so stdout stays clean for
 * scripts; inquirer is loaded only when a question is really asked, keeping `--help` fast.
 */
async function ask(question: { type: 'input' | 'password'; message: string }): Promise<string> {
  const { createPromptModule } = await import('inquirer');
  const prompt = createPromptModule({ output: process.stderr });
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

export function canPrompt(): boolean {
  return !!process.stdin.isTTY && !!process.stderr.isTTY;
}

export const promptText = (message: string) => ask({ type: 'input', message });
export const promptSecret = (message: string) => ask({ type: 'password', message });

/** A token piped in (`echo $T | hubspot-actions login --token`): the whole of stdin, trimmed. */
export async function readSecretFromStdin(what: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const value = Buffer.concat(chunks).toString('utf8').trim();
  if (!value) {
    throw new UserError(`No ${what} was given on standard input.`, `Pipe it in (\`echo "$TOKEN" | hubspot-actions login --token\`) or run the command in a terminal to be asked for it.`);
  }
  return value;
}
