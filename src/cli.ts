import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { EXIT, exitCodeFor, formatError, Interrupted, Reported } from './errors.js';
import { forPeople } from './for-people.js';
import { redactText } from './hubspot/redact.js';
import { registerAuth, registerLogin, registerLogout } from './commands/auth/register.js';
import { createFactory, type Factory } from './commands/factory.js';
import { systemIO, type IOStreams } from './commands/io.js';
import { registerSend } from './commands/send/register.js';
import { registerImportSegment } from './commands/import-segment/register.js';
import { registerPortal } from './commands/portal/register.js';
import { registerInit } from './commands/init/register.js';
import { registerValidate } from './commands/validate.js';
import { tuneHeap } from './heap-tuning.js';

/**
 * Command files only declare their flags; each loads its heavy modules (mapping-kit, the HTTP
 * client) inside its action, so `--help` stays fast.
 */
export function buildProgram(factory: Factory): Command {
  const program = new Command();
  program
    .name('hubspot-actions')
    .description(
      "Send Segment events (NDJSON) to HubSpot the way Segment's HubSpot Cloud Mode (Actions) destination does, from your own machine.",
    )
    .version(packageVersion())
    .showHelpAfterError('(run with --help for usage)')
    // Before the commands are added, which copy it: commander would otherwise process.exit() on
    // their --help, and the run would look unfinished.
    .exitOverride()
    .addHelpText(
      'after',
      `\nExit status: ${EXIT.ok} done · ${EXIT.cannotRun} could not run · ${EXIT.someFailed} some events failed · ${EXIT.loginNeeded} log in again · ${EXIT.dailyLimit} HubSpot's daily limit · ${EXIT.interrupted} interrupted (run again to resume)`,
    )
    .configureOutput({
      writeOut: (s) => void factory.io.stdout.write(s),
      writeErr: (s) => void factory.io.stderr.write(s),
    });
  registerSend(program, factory);
  registerValidate(program, factory);
  registerLogin(program, factory);
  registerLogout(program, factory);
  registerAuth(program, factory);
  registerImportSegment(program, factory);
  registerPortal(program, factory);
  registerInit(program, factory);
  return program;
}

function packageVersion(): string {
  // dist/src/cli.js → the package root's package.json
  return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
}

/** The one place an outcome becomes an exit status and a message. */
function finish(io: IOStreams, err: unknown): number {
  if (err instanceof CommanderError) {
    // Help and --version end in a CommanderError too; commander has printed what was needed.
    return err.exitCode === 0 || err.code === 'commander.help' || err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? EXIT.ok : EXIT.cannotRun;
  }
  const message = formatError(err);
  // Once more here, whatever the message came from: a secret or an escape sequence never reaches the terminal.
  if (message !== undefined) io.stderr.write(`error: ${forPeople(redactText(message))}\n`);
  return exitCodeFor(err);
}

export async function main(argv: string[]): Promise<void> {
  tuneHeap();
  const io = systemIO(process, () => process.exit(finish(io, new Reported(new Interrupted(true)))));
  const program = buildProgram(createFactory(io));
  // Node ends the process when nothing is left to wait for, even if a command's promise never
  // settled: that must not pass for success.
  let settled = false;
  process.once('exit', (code) => {
    if (settled || code !== 0) return;
    io.stderr.write('error: internal error: the command stopped before finishing; nothing after this point was done\n');
    process.exitCode = EXIT.cannotRun;
  });
  try {
    await program.parseAsync(argv);
    process.exitCode = EXIT.ok;
  } catch (err) {
    process.exitCode = finish(io, err);
  } finally {
    settled = true;
  }
}
