import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { EXIT_CANNOT_RUN, formatError } from './errors.js';
import { registerSend } from './commands/send.js';
import { registerValidate } from './commands/validate.js';
import { registerLogin } from './commands/login.js';
import { registerLogout } from './commands/logout.js';
import { registerAuth } from './commands/auth.js';

/**
 * Command files only declare their flags; each loads its heavy modules (mapping-kit, the HTTP
 * client) inside its action, so `--help` stays fast.
 */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('hubspot-actions')
    .description(
      "Send Segment events (NDJSON) to HubSpot the way Segment's HubSpot Cloud Mode (Actions) destination does, from your own machine.",
    )
    .version(packageVersion())
    .showHelpAfterError('(run with --help for usage)');
  registerSend(program);
  registerValidate(program);
  registerLogin(program);
  registerLogout(program);
  registerAuth(program);
  return program;
}

function packageVersion(): string {
  // dist/src/cli.js → the package root's package.json
  return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  program.exitOverride();
  // Node ends the process when nothing is left to wait for, even if a command's promise never
  // settled: that must not pass for success.
  let settled = false;
  process.once('exit', (code) => {
    if (settled || code !== 0) return;
    process.stderr.write('error: internal error: the command stopped before finishing; nothing after this point was done\n');
    process.exitCode = EXIT_CANNOT_RUN;
  });
  try {
    await program.parseAsync(argv);
    settled = true;
  } catch (err) {
    settled = true;
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : EXIT_CANNOT_RUN;
      return;
    }
    process.stderr.write(`error: ${formatError(err)}\n`);
    process.exitCode = EXIT_CANNOT_RUN;
  }
}
