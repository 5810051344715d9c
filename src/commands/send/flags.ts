import { UserError } from '../../errors.js';

/** `send`'s flags as commander hands them over: strings, checked by the command body. */
export interface SendFlags {
  mapping: string;
  dryRun?: boolean;
  pretty?: boolean;
  failed?: string;
  checkpoint?: string;
  token?: string;
  profile?: string;
  baseUrl?: string;
  rate?: string;
  concurrency?: string;
  quiet?: boolean;
  json?: boolean;
}

export function positive(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UserError(`${flag} must be a positive number, not "${value}"`);
  return n;
}
