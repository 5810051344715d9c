import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AccessTokenProvider } from '../../src/auth/types.js';

/**
 * A real HTTP server on 127.0.0.1 for the client's tests: each request is answered by the next
 * step of a script (the last step repeats), so tests exercise real sockets, keep-alive and timeouts.
 */
export interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

export type Step = (req: http.IncomingMessage, res: http.ServerResponse, seen: Seen) => void;

export interface ScriptedServer {
  url: string;
  seen: Seen[];
  /** TCP connections accepted, to prove keep-alive reuse. */
  connections: number;
  close(): Promise<void>;
}

export async function startServer(script: Step[] | Step): Promise<ScriptedServer> {
  const steps = Array.isArray(script) ? script : [script];
  const state = { seen: [] as Seen[], connections: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen: Seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: performance.now(),
      };
      state.seen.push(seen);
      const step = steps[Math.min(state.seen.length - 1, steps.length - 1)];
      step(req, res, seen);
    });
  });
  server.on('connection', () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get seen() {
      return state.seen;
    },
    get connections() {
      return state.connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Step {
  return (_req, res) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', ...headers });
    res.end(text);
  };
}

export const ok = (body: unknown = { ok: true }, headers: Record<string, string> = {}): Step => json(200, body, headers);

/** Drops the connection without an answer: what a proxy or a crashed backend does. */
export const dropConnection: Step = (req) => req.socket.destroy();

export const answerAfter = (ms: number, step: Step): Step => (req, res, seen) => {
  const timer = setTimeout(() => step(req, res, seen), ms);
  res.on('close', () => clearTimeout(timer));
};

/** Real bodies HubSpot sends (hubspot-api.md §5). */
export const bodies = {
  tenSecondly: {
    status: 'error',
    message: 'You have reached your ten_secondly_rolling limit.',
    errorType: 'RATE_LIMIT',
    correlationId: '20f98dfa-05b6-4d27-8d96-ecfde54ca211',
    policyName: 'TEN_SECONDLY_ROLLING',
    groupName: 'publicapi:private_app-api-calls-ten-secondly:1512050:26892217',
  },
  daily: {
    status: 'error',
    message: 'You have reached your daily limit.',
    errorType: 'RATE_LIMIT',
    correlationId: 'c033cdaa-0000-4000-8000-000000000001',
    policyName: 'DAILY',
    requestId: '3d3e35b7-0000-4000-8000-000000000002',
  },
  secondly: {
    status: 'error',
    message: 'You have reached your secondly limit.',
    errorType: 'RATE_LIMIT',
    correlationId: '9a1b0e6c-0000-4000-8000-000000000003',
    policyName: 'SECONDLY',
  },
  expired: {
    status: 'error',
    message: 'The OAuth token used to make this call expired 0 second(s) ago.',
    correlationId: '019cd9fe-0000-4000-8000-000000000004',
    category: 'EXPIRED_AUTHENTICATION',
    context: { 'expire time': ['2026-03-10T23:04:41.164Z'] },
  },
  missingScopes: {
    status: 'error',
    message:
      "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
    correlationId: '5b1c3f4e-0000-4000-8000-000000000005',
    errors: [
      { message: 'One or more of the following scopes are required.', context: { requiredScopes: ['crm.objects.contacts.write'] } },
    ],
    links: { scopes: 'https://developers.hubspot.com/scopes' },
    category: 'MISSING_SCOPES',
  },
  propertyDoesntExist: {
    status: 'error',
    message:
      'Property values were not valid: [{"isValid":false,"message":"Property \\"description\\" does not exist","error":"PROPERTY_DOESNT_EXIST","name":"description","localizedErrorMessage":"Property \\"description\\" does not exist","portalId":244764782}]',
    correlationId: 'ffbce914-a7be-4a80-a701-2e8bad686524',
    errors: [{ message: 'Property "description" does not exist', code: 'PROPERTY_DOESNT_EXIST', context: { propertyName: ['description'] } }],
    category: 'VALIDATION_ERROR',
  },
};

/** A token provider the way auth hands one over: the client's input, scripted per test. */
export function fakeTokens(
  tokens: string[] = ['token-one-secret'],
  renewals: (string | undefined)[] = [],
): AccessTokenProvider & { current: string; renewCalls: string[] } {
  const state = { current: tokens[0], renewCalls: [] as string[] };
  return {
    kind: 'oauth',
    source: 'flag',
    get current() {
      return state.current;
    },
    get renewCalls() {
      return state.renewCalls;
    },
    async getAccessToken() {
      return state.current;
    },
    async renewAfterUnauthorized(rejected: string) {
      state.renewCalls.push(rejected);
      const next = renewals.shift();
      if (next !== undefined) state.current = next;
      return next;
    },
  };
}
