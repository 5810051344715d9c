import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { associationRoutes } from './associations.js';
import { authenticate, requireScopes } from './auth.js';
import { batchRoutes } from './batch.js';
import { createContext, type Ctx } from './context.js';
import { controlRoutes } from './controls.js';
import { crmObjectRoutes } from './crm-objects.js';
import { correlationId, errorBody, HubSpotError, validationError } from './errors.js';
import { eventRoutes } from './events.js';
import { isObject, type ApiRequest, type ApiResponse } from './http.js';
import { oauthRoutes } from './oauth.js';
import type { EmulatorOptions } from './options.js';
import { propertyRoutes } from './properties.js';
import { Router, type Match, type Route } from './router.js';
import { schemaRoutes } from './schemas.js';
import { searchRoutes } from './search.js';

const MAX_BODY = 10 * 1024 * 1024;

// Order matters only where two patterns of one method match the same path: literal segments first.
const apiRouter = new Router([
  ...oauthRoutes, ...schemaRoutes, ...eventRoutes, ...propertyRoutes, ...searchRoutes, ...batchRoutes, ...associationRoutes, ...crmObjectRoutes,
]);
const controlRouter = new Router(controlRoutes);

export interface ServerHooks {
  /** Called once per API request with a one-line summary (main.ts prints it). */
  onRequest?: (line: string) => void;
}

export interface StartedServer {
  ctx: Ctx;
  server: Server;
  url: string;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** JSON bodies are parsed; a form body (the OAuth token endpoint) is left to its handler. */
function parseJson(raw: string, contentType: string): { body: unknown; bad: boolean } {
  if (raw.trim() === '' || contentType.includes('application/x-www-form-urlencoded')) return { body: undefined, bad: false };
  try {
    return { body: JSON.parse(raw), bad: false };
  } catch {
    return { body: undefined, bad: true };
  }
}

function send(res: ServerResponse, r: ApiResponse, extra: Record<string, string> = {}): void {
  const headers: Record<string, string> = { ...extra, ...r.headers };
  const cid = isObject(r.body) && typeof r.body.correlationId === 'string' ? r.body.correlationId : correlationId();
  headers['x-hubspot-correlation-id'] = cid;
  let payload = '';
  if (r.html !== undefined) {
    headers['content-type'] = 'text/html;charset=utf-8';
    payload = r.html;
  } else {
    headers['content-type'] = 'application/json;charset=utf-8';
    if (r.body !== undefined) payload = JSON.stringify(r.body);
  }
  res.writeHead(r.status, headers);
  res.end(payload);
}

const toResponse = (e: HubSpotError): ApiResponse => ({ status: e.status, body: e.body, headers: e.headers });

/** Auth, limits and scopes, then the handler; every HubSpotError becomes HubSpot's answer. */
async function run(match: Match, req: ApiRequest, ctx: Ctx, badJson: boolean): Promise<{ response: ApiResponse; limitHeaders: Record<string, string> }> {
  let limitHeaders: Record<string, string> = {};
  try {
    if (!match) return { response: { status: 404, body: errorBody('OBJECT_NOT_FOUND', 'resource not found') }, limitHeaders };
    if ('methodNotAllowed' in match) return { response: { status: 405, body: errorBody('METHOD_NOT_ALLOWED', `HTTP method ${req.method} is not supported by this URL`) }, limitHeaders };
    const route: Route = match.route;
    req.params = match.params;
    if (route.limit !== 'public') {
      const token = authenticate(req, ctx.tokens);
      req.token = token;
      limitHeaders = ctx.limiter.take(route.limit, token);
      const scopes = route.scopes?.(req, ctx) ?? [];
      const groups = (Array.isArray(scopes[0]) ? scopes : [scopes]) as string[][];
      for (const g of groups) requireScopes(token, g);
    }
    if (badJson) throw validationError('Invalid input JSON on line 1, column 1: the request body is not valid JSON');
    return { response: await route.handler(req, ctx), limitHeaders };
  } catch (e) {
    if (e instanceof HubSpotError) return { response: toResponse(e), limitHeaders: { ...limitHeaders, ...e.headers } };
    if (!ctx.config.quiet) console.error('[hubspot-emulator] handler crashed:', e);
    return { response: { status: 500, body: errorBody('INTERNAL_ERROR', `Internal error: ${(e as Error).message}`) }, limitHeaders };
  }
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function handle(ctx: Ctx, hooks: ServerHooks, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const rawBody = await readBody(req);
  const url = new URL(req.url ?? '/', 'http://emulator');
  const method = req.method ?? 'GET';
  const { body, bad } = parseJson(rawBody, String(req.headers['content-type'] ?? ''));
  const apiReq: ApiRequest = { method, path: url.pathname, query: url.searchParams, headers: req.headers, rawBody, body, params: {} };

  if (url.pathname.startsWith('/__emulator/')) {
    const { response } = await run(controlRouter.match(method, url.pathname), apiReq, ctx, bad);
    send(res, response);
    return;
  }

  const match = apiRouter.match(method, url.pathname);
  const routeKey = `${method} ${url.pathname}`;
  const route = match && 'route' in match ? `${method} ${match.route.pattern}` : undefined;
  const log = (status: number) => {
    ctx.log.record({ method, path: url.pathname, query: url.search, status, ...(route ? { route } : {}) });
    hooks.onRequest?.(`${status || 'DROP'} ${method} ${url.pathname}${url.search}`);
  };
  if (!match && !ctx.config.quiet) console.error(`[hubspot-emulator] no route for ${routeKey}`);

  const fault = match ? ctx.faults.decide(routeKey) : { kind: 'none' as const };
  if (ctx.faults.slowMs > 0) await delay(ctx.faults.slowMs);
  if (fault.kind === 'drop') {
    log(0);
    req.socket.destroy();
    return;
  }
  if (fault.kind === 'answer') {
    send(res, { status: fault.status, body: fault.body });
    log(fault.status);
    return;
  }
  const { response, limitHeaders } = await run(match, apiReq, ctx, bad);
  if (response.status === 429 && isObject(response.body) && response.body.policyName === 'DAILY') ctx.log.recordDailyRefusal();
  if (fault.kind === 'dropAfterWrite') {
    // The write happened; the client never learns it ("lost answer").
    log(0);
    req.socket.destroy();
    return;
  }
  if (fault.kind === 'errorAfterWrite') {
    // The write happened; a gateway answers 502/504 as if it had not.
    send(res, { status: fault.status, body: fault.body });
    log(fault.status);
    return;
  }
  if (fault.kind === 'slowAfterWrite') {
    // The write happened; the answer comes after the client's timeout, if it is still listening.
    await new Promise((r) => setTimeout(r, fault.ms).unref());
    if (res.destroyed || req.socket.destroyed) {
      log(0);
      return;
    }
  }
  send(res, response, limitHeaders);
  log(response.status);
}

export function startServer(opts: EmulatorOptions, hooks: ServerHooks = {}): Promise<StartedServer> {
  const ctx = createContext(opts);
  const server = createServer((req, res) => {
    handle(ctx, hooks, req, res).catch((e) => {
      if (!ctx.config.quiet) console.error('[hubspot-emulator]', e);
      if (!res.headersSent) send(res, { status: 500, body: errorBody('INTERNAL_ERROR', 'Internal error') });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ ctx, server, url: `http://127.0.0.1:${port}` });
    });
  });
}
