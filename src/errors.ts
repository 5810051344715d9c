/**
 * Errors a person sees. Each carries a next step. Command bodies throw them (or return); only
 * src/cli.ts turns them into an exit code and a message, through `exitCodeFor` and `formatError`.
 */
export const EXIT = {
  /** Every event delivered or skipped; any other command did what it was asked. */
  ok: 0,
  /** The command could not run or was stopped by something a retry will not fix by itself. */
  cannotRun: 1,
  /** The run finished, but some events failed (they are in the failed-events file). */
  someFailed: 2,
  /** No usable login: log in again (or give a token), then run the same command. */
  loginNeeded: 3,
  /** HubSpot's daily API limit: run the same command again after midnight in the portal's time zone. */
  dailyLimit: 4,
  /** Stopped by Ctrl-C or SIGTERM (once or twice): run the same command again to resume. */
  interrupted: 130,
} as const;

/** A problem the user can fix: bad flags, unreadable files, a mapping file with errors. */
export class UserError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'UserError';
  }
}

export type RunStopReason = 'daily-limit' | 'auth' | 'network' | 'other';

/**
 * HubSpot stopped the run as a whole (daily limit, login needed, network gone). The base class of
 * every run-stopping error: the pipeline stops on `instanceof HubSpotRunError`.
 */
export class HubSpotRunError extends Error {
  constructor(
    message: string,
    readonly reason: RunStopReason,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'HubSpotRunError';
  }
}

/** The login in effect cannot be used or renewed: only logging in again (or another token) helps. */
export class AuthRequired extends HubSpotRunError {
  constructor(message: string, hint?: string) {
    super(message, 'auth', hint);
    this.name = 'AuthRequired';
  }
}

/** HubSpot's daily request limit is used up. */
export class DailyLimit extends HubSpotRunError {
  constructor(message: string, hint?: string) {
    super(message, 'daily-limit', hint);
    this.name = 'DailyLimit';
  }
}

/**
 * The outcome of a command that has already told the person what happened (a run summary, a
 * status listing): cli.ts prints nothing more, it only sets the exit code.
 */
export class Reported extends Error {
  constructor(readonly outcome: Error) {
    super(outcome.message);
    this.name = 'Reported';
  }
}

/** The run finished, and this many events failed. */
export class SomeEventsFailed extends Error {
  constructor(readonly failed: number) {
    super(`${failed} event${failed === 1 ? '' : 's'} failed`);
    this.name = 'SomeEventsFailed';
  }
}

/** Ctrl-C or SIGTERM stopped the command. `atOnce`: the second one, without waiting for requests in flight. */
export class Interrupted extends Error {
  constructor(readonly atOnce = false) {
    super(atOnce ? 'stopped at once' : 'interrupted');
    this.name = 'Interrupted';
  }
}

/** `auth status` found no credential a command could use (as `gh auth status` does, for scripts). */
export class NoCredential extends Error {
  constructor(message = 'no credential in effect') {
    super(message);
    this.name = 'NoCredential';
  }
}

export function exitCodeFor(err: unknown): number {
  const e = err instanceof Reported ? err.outcome : err;
  if (e instanceof SomeEventsFailed) return EXIT.someFailed;
  if (e instanceof Interrupted) return EXIT.interrupted;
  if (e instanceof NoCredential) return EXIT.loginNeeded;
  if (e instanceof HubSpotRunError) {
    if (e.reason === 'auth') return EXIT.loginNeeded;
    if (e.reason === 'daily-limit') return EXIT.dailyLimit;
  }
  return EXIT.cannotRun;
}

/** The message cli.ts prints, or undefined when the command already said everything. */
export function formatError(err: unknown): string | undefined {
  if (err instanceof Reported) return undefined;
  if (err instanceof UserError || err instanceof HubSpotRunError) {
    return err.hint ? `${err.message}\n  ${err.hint}` : err.message;
  }
  if (err instanceof Interrupted) return err.message;
  if (err instanceof Error) return err.stack ?? err.message;
  return String(err);
}
