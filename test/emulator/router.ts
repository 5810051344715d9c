import type { Ctx } from './context.js';
import type { ApiRequest, ApiResponse } from './http.js';
import type { LimitClass } from './rate-limit.js';

export interface Route {
  method: string;
  /** Segments starting with ':' capture (decoded) path parameters. */
  pattern: string;
  /** 'public' routes take no bearer token and count against no limit (OAuth endpoints). */
  limit: LimitClass | 'public';
  /**
   * A list of alternatives (any one granted scope allows the call), or a list of such lists that
   * must all be met (an association needs the scopes of both record types).
   */
  scopes?: (req: ApiRequest, ctx: Ctx) => string[] | string[][];
  handler: (req: ApiRequest, ctx: Ctx) => ApiResponse | Promise<ApiResponse>;
}

const VERSION = String.raw`\d{4}-\d{2}(?:-beta)?`;

/**
 * Date-versioned paths (hubspot-api.md §0) take the same bodies as v3/v4, so they are rewritten
 * to the v3/v4 form and served by the same handlers. Record associations live under
 * /crm/objects/{version}/... in the new scheme but are v4 handlers.
 */
const REWRITES: Array<[RegExp, string]> = [
  [new RegExp(`^/crm/objects/${VERSION}/([^/]+/[^/]+/associations(?:/.*)?)$`), '/crm/v4/objects/$1'],
  [new RegExp(`^/crm/objects/${VERSION}/`), '/crm/v3/objects/'],
  [new RegExp(`^/crm/associations/${VERSION}/`), '/crm/v4/associations/'],
  [new RegExp(`^/crm/properties/${VERSION}/`), '/crm/v3/properties/'],
  [new RegExp(`^/crm-object-schemas/(?:v3|${VERSION})/schemas`), '/crm/v3/schemas'],
  [new RegExp(`^/crm/schemas/${VERSION}(/|$)`), '/crm/v3/schemas$1'],
  [new RegExp(`^/events/${VERSION}/`), '/events/v3/'],
  [new RegExp(`^/account-info/${VERSION}/`), '/account-info/v3/'],
  [new RegExp(`^/oauth/${VERSION}/`), '/oauth/v3/'],
];

export function canonicalPath(path: string): string {
  let p = path.length > 1 ? path.replace(/\/+$/, '') : path;
  for (const [re, to] of REWRITES) {
    if (re.test(p)) {
      p = p.replace(re, to);
      break;
    }
  }
  return p;
}

export type Match = { route: Route; params: Record<string, string> } | { methodNotAllowed: true } | undefined;

export class Router {
  private readonly compiled: Array<{ route: Route; parts: string[] }>;

  constructor(routes: Route[]) {
    this.compiled = routes.map((route) => ({ route, parts: route.pattern.split('/') }));
  }

  match(method: string, path: string): Match {
    const segs = canonicalPath(path).split('/');
    let pathMatched = false;
    for (const { route, parts } of this.compiled) {
      const params = matchParts(parts, segs);
      if (!params) continue;
      if (route.method === method) return { route, params };
      pathMatched = true;
    }
    return pathMatched ? { methodNotAllowed: true } : undefined;
  }
}

function matchParts(parts: string[], segs: string[]): Record<string, string> | undefined {
  if (parts.length !== segs.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    const s = segs[i]!;
    if (p.startsWith(':')) {
      if (s === '') return undefined;
      try {
        params[p.slice(1)] = decodeURIComponent(s);
      } catch {
        params[p.slice(1)] = s;
      }
    } else if (p !== s) return undefined;
  }
  return params;
}
