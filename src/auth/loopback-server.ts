import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { UserError } from '../errors.js';
import { forPeople } from '../for-people.js';

export const CALLBACK_PATH = '/oauth-callback';

/** HubSpot matches redirect URIs exactly, and allows plain http only for the host `localhost`. */
export function redirectUriFor(port: number): string {
  return `http://localhost:${port}${CALLBACK_PATH}`;
}

export type CallbackOutcome = { ok: true; code: string } | { ok: false; error: UserError };

const RETRY_HINT = 'Run `hubspot-actions login` again.';

/**
 * Judges the query of a callback request against the state this login sent. The state first:
 * until it matches, the request may come from any page the browser has open, and nothing else in
 * it (an `error` text included) is worth reading, let alone printing.
 */
export function checkCallback(query: URLSearchParams, expectedState: string): CallbackOutcome {
  const state = query.get('state');
  if (!state || !constantTimeEqual(state, expectedState)) {
    return {
      ok: false,
      error: new UserError(
        state
          ? 'The login callback carried a state that this login did not send; it was refused (it may come from another login or another site).'
          : 'The login callback carried no state; it was refused (it did not come from the link this login opened).',
        `${RETRY_HINT} Use only the link it prints.`,
      ),
    };
  }
  const error = query.get('error');
  if (error) {
    const detail = query.get('error_description');
    const denied = error === 'access_denied';
    return {
      ok: false,
      error: new UserError(
        denied
          ? 'HubSpot login was cancelled: access to the account was denied on the consent page.'
          : `HubSpot refused the login: ${forPeople(error)}${detail ? ` (${forPeople(detail)})` : ''}.`,
        denied ? 'Run `hubspot-actions login` again and choose "Connect app" on the consent page.' : RETRY_HINT,
      ),
    };
  }
  const code = query.get('code');
  if (!code) {
    return { ok: false, error: new UserError('The login callback carried no authorization code.', RETRY_HINT) };
  }
  return { ok: true, code };
}

function seconds(ms: number): string {
  const n = Math.round(ms / 1000);
  return `${n} second${n === 1 ? '' : 's'}`;
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** The first callback, and a way to answer the browser once the login has finished (or failed). */
export interface ReceivedCallback {
  outcome: CallbackOutcome;
  reply(ok: boolean, text: string): void;
}

export interface LoopbackServer {
  /** Resolves with the first request to the callback path; rejects after `timeoutMs`. */
  waitForCallback(timeoutMs: number): Promise<ReceivedCallback>;
  close(): Promise<void>;
}

/**
 * Listens on loopback only (127.0.0.1, and ::1 where the machine has it), since `localhost` in the
 * browser resolves to either; binding all interfaces would let other machines race the callback.
 */
export async function startLoopbackServer(port: number, expectedState: string): Promise<LoopbackServer> {
  let deliver: ((cb: ReceivedCallback) => void) | undefined;
  let pending: ReceivedCallback | undefined;
  let answered = false;

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' || url.pathname !== CALLBACK_PATH || answered) {
      // Favicon requests and late reloads: not ours to act on.
      sendPage(res, 404, 'Not found', 'This address only receives the hubspot-actions login callback.');
      return;
    }
    answered = true;
    const outcome = checkCallback(url.searchParams, expectedState);
    const cb: ReceivedCallback = {
      outcome,
      reply: (ok, text) => sendPage(res, ok ? 200 : 400, ok ? 'Login complete' : 'Login failed', text),
    };
    if (deliver) deliver(cb);
    else pending = cb;
  };

  const servers: Server[] = [(await listen(createServer(handler), port, '127.0.0.1', true))!];
  const v6 = await listen(createServer(handler), port, '::1', false);
  if (v6) servers.push(v6);

  return {
    waitForCallback(timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          deliver = undefined;
          reject(
            new UserError(
              `No answer from the browser within ${seconds(timeoutMs)}; the login was stopped.`,
              'Run `hubspot-actions login` again and finish the HubSpot consent page in time (or give more time with --timeout <seconds>).',
            ),
          );
        }, timeoutMs);
        deliver = (cb) => {
          clearTimeout(timer);
          resolve(cb);
        };
        if (pending) deliver(pending);
      });
    },
    async close() {
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((r) => {
              s.close(() => r());
              s.closeAllConnections();
            }),
        ),
      );
    },
  };
}

async function listen(server: Server, port: number, host: string, required: boolean): Promise<Server | undefined> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      // No IPv6 loopback on this machine: the browser cannot reach ::1 either, so nothing is lost.
      if (!required && (err.code === 'EADDRNOTAVAIL' || err.code === 'EAFNOSUPPORT')) return resolve(undefined);
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') {
        return reject(
          new UserError(
            `Cannot listen for the login callback on ${host} port ${port} (${err.code === 'EADDRINUSE' ? 'another program uses it' : 'not allowed'}).`,
            `Stop the program using port ${port}, or use --port <n> and register http://localhost:<n>${CALLBACK_PATH} as a redirect URL in your HubSpot app.`,
          ),
        );
      }
      reject(err);
    });
    server.listen({ port, host, exclusive: true }, () => resolve(server));
  });
}

function sendPage(res: ServerResponse, status: number, title: string, text: string): void {
  const body = `<!doctype html><html><head><meta charset="utf-8"><title>hubspot-actions: ${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>\n`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'close',
    // The page shows nothing third-party; stop it loading anything that could see the URL's code.
    'content-security-policy': "default-src 'none'",
    'referrer-policy': 'no-referrer',
  });
  res.end(body);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
