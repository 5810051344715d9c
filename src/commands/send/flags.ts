import { UserError } from '../../errors.js';
import { API_VERSIONS, isApiVersion, type ApiVersion } from '../../hubspot/api.js';

/** `send`'s flags as commander hands them over: strings, checked by the command body. */
export interface SendFlags {
  mapping: string;
  dryRun?: boolean;
  /** `--plan`: reads only; prints the writes a live run would make. */
  plan?: boolean;
  /** False with `--no-preflight`. */
  preflight?: boolean;
  pretty?: boolean;
  failed?: string;
  checkpoint?: string;
  forceResume?: boolean;
  outcomes?: string;
  oneAtATime?: boolean;
  maxLineBytes?: string;
  limit?: string;
  onlyMapping?: string[];
  token?: string;
  profile?: string;
  baseUrl?: string;
  rate?: string;
  concurrency?: string;
  quiet?: boolean;
  json?: boolean;
  summaryFile?: string;
  insecureHttp?: boolean;
  tokenFile?: string;
  /** `--api-version`: HubSpot's API family (v3 or 2026-03); wins over the mapping file's settings.apiVersion. */
  apiVersion?: string;
  /** `--verbose` alone is true; `--verbose=2` is "2". */
  verbose?: boolean | string;
}

export function positive(value: string | undefined, flag: string, opts: { whole?: boolean } = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (opts.whole && !Number.isInteger(n)) || value.trim() === '') {
    throw new UserError(`${flag} must be a positive ${opts.whole ? 'whole ' : ''}number, not "${value}"`, `e.g. ${flag} ${opts.whole ? 4 : 50}; see \`hubspot-actions send --help\` for the default`);
  }
  return n;
}

/** `--api-version`, refused up front when HubSpot has no such family here. */
export function apiVersionFlag(value: string | undefined): ApiVersion | undefined {
  if (value === undefined) return undefined;
  if (isApiVersion(value)) return value;
  throw new UserError(`--api-version must be one of ${API_VERSIONS.join(', ')}, not "${value}"`, 'v3 (the default) sends to /crm/v3, /crm/v4 and /events/v3; 2026-03 to HubSpot\'s date-versioned paths');
}
