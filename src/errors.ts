/**
 * Errors a person sees. Each carries a next step, and maps to an exit code in one place.
 * 0: every event delivered or skipped; 1: the run could not proceed; 2: some events failed.
 */
export const EXIT_OK = 0;
export const EXIT_CANNOT_RUN = 1;
export const EXIT_SOME_FAILED = 2;

/** A problem the user can fix: bad flags, unreadable files, a mapping file with errors. */
export class UserError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** HubSpot stopped the run as a whole (daily limit, login needed, network gone). */
export class HubSpotRunError extends Error {
  constructor(
    message: string,
    readonly reason: 'daily-limit' | 'auth' | 'network' | 'other',
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'HubSpotRunError';
  }
}

export function formatError(err: unknown): string {
  if (err instanceof UserError || err instanceof HubSpotRunError) {
    return err.hint ? `${err.message}\n  ${err.hint}` : err.message;
  }
  if (err instanceof Error) return err.stack ?? err.message;
  return String(err);
}
