import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const TOKEN = 'pat-na1-5ec2e7a1-0000-4000-8000-00000000c0de';
const mapping = 'version: 1\nmappings:\n  - name: c\n    action: upsertContact\n';
const events = JSON.stringify({ type: 'identify', messageId: 's1', traits: { email: 'secret-test@x.io' } }) + '\n';

let servers: Server[] = [];
afterEach(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  servers = [];
});

/** A loopback HTTP server for one test (127.0.0.1 only); it records what reached it. */
async function serve(handler: (req: IncomingMessage, body: string, res: ServerResponse) => void): Promise<{ url: string; seen: Array<{ url: string; auth?: string; body: string }> }> {
  const seen: Array<{ url: string; auth?: string; body: string }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', auth: req.headers.authorization, body });
      handler(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function scratch() {
  const dir = mkdtempSync(path.join(tmpdir(), 'ha-sec-'));
  writeFileSync(path.join(dir, 'e.ndjson'), events);
  writeFileSync(path.join(dir, 'm.yaml'), mapping);
  return { dir, events: path.join(dir, 'e.ndjson'), mapping: path.join(dir, 'm.yaml'), failed: path.join(dir, 'f.ndjson'), summary: path.join(dir, 's.json') };
}

/** Everything the run left for people and scripts: stdout, stderr and every file it wrote. */
function everything(r: { stdout: string; stderr: string }, dir: string): string {
  const files = readdirSync(dir).map((f) => readFileSync(path.join(dir, f), 'utf8'));
  return [r.stdout, r.stderr, ...files].join('\n');
}

describe('secrets never leave, whatever a server echoes', () => {
  it('an echoing gateway (400 and 502 answers quoting the request) puts the token nowhere: stderr, --json, failed file, summary file', async () => {
    const echo = await serve((req, body, res) => {
      const status = req.method === 'PATCH' ? 400 : 502;
      res.writeHead(status, { 'content-type': 'application/json', 'x-echo': String(req.headers.authorization) });
      res.end(JSON.stringify({ status: 'error', category: 'VALIDATION_ERROR', message: `bad request, you sent ${req.headers.authorization} with ${body}`, correlationId: `${req.headers.authorization}` }));
    });
    const s = scratch();
    // --no-preflight: the echo of the sending path itself; the preflight's own calls are the next test's.
    const r = await runCli(['send', s.events, '-m', s.mapping, '--failed', s.failed, '--json', '--summary-file', s.summary, '--verbose=2', '--no-preflight'], { env: { HUBSPOT_API_BASE_URL: echo.url, HUBSPOT_ACCESS_TOKEN: TOKEN, HUBSPOT_ACTIONS_CONFIG_DIR: s.dir } });
    expect(echo.seen.length).toBeGreaterThan(0);
    expect(echo.seen[0]!.auth).toBe(`Bearer ${TOKEN}`);
    const out = everything(r, s.dir);
    expect(out).toContain('[redacted]');
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain(TOKEN.slice(8));
  });

  it('the preflight\'s calls to an echoing host leak nothing either, and it asks about the token the run sends with', async () => {
    const echo = await serve((req, body, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'error', category: 'VALIDATION_ERROR', message: `you sent ${req.headers.authorization} ${body}`, correlationId: String(req.headers.authorization) }));
    });
    const s = scratch();
    // Outside the run's folder, whose every file is searched for the token below.
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ha-sec-token-')), 'token.txt');
    writeFileSync(file, TOKEN, { mode: 0o600 });
    const r = await runCli(['send', s.events, '-m', s.mapping, '--failed', s.failed, '--json', '--token-file', file], { env: { HUBSPOT_API_BASE_URL: echo.url, HUBSPOT_ACTIONS_CONFIG_DIR: s.dir } });
    expect(echo.seen.length).toBeGreaterThan(0);
    expect(echo.seen.every((x) => x.auth === undefined || x.auth === `Bearer ${TOKEN}`)).toBe(true);
    expect(everything(r, s.dir)).not.toContain(TOKEN);
  });

  it('a token endpoint echoing refresh_token and client_secret in its correlationId shows neither', async () => {
    const refreshToken = 'na1-refresh-0b5e55ed-0000-4000-8000-0000000000aa';
    const clientSecret = 'client-secret-7d1e-e40f-0000';
    const echo = await serve((_req, body, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'BAD_REFRESH_TOKEN', message: `refused ${body}`, correlationId: body }));
    });
    const s = scratch();
    const config = path.join(s.dir, 'config');
    mkdirSync(config, { mode: 0o700 });
    const profile = { kind: 'oauth', accessToken: 'CO-expired-access-0000-0000-0000', refreshToken, expiresAt: new Date(Date.now() - 1000).toISOString(), lifetimeSeconds: 1800, clientId: 'cid', clientSecret, apiBaseUrl: echo.url, savedAt: new Date().toISOString() };
    writeFileSync(path.join(config, 'credentials.json'), JSON.stringify({ version: 1, profiles: { default: profile } }), { mode: 0o600 });
    const r = await runCli(['send', s.events, '-m', s.mapping, '--failed', s.failed, '--json'], { env: { HUBSPOT_ACTIONS_CONFIG_DIR: config } });
    expect(r.code).toBe(3);
    expect(echo.seen[0]!.body).toContain(encodeURIComponent(clientSecret));
    const out = [r.stdout, r.stderr].join('\n');
    expect(out).toContain('HubSpot no longer accepts the saved login');
    for (const secret of [refreshToken, clientSecret, encodeURIComponent(clientSecret)]) expect(out).not.toContain(secret);
  });
});

describe('redirects are refused on API calls', () => {
  it.each([302, 307, 308])('%i to another port: nothing follows, the error names the target', async (status) => {
    const elsewhere = await serve((_req, _body, res) => res.end('{}'));
    const redirecting = await serve((req, _body, res) => {
      res.writeHead(status, { location: `${elsewhere.url}${req.url}` });
      res.end();
    });
    const s = scratch();
    const r = await runCli(['send', s.events, '-m', s.mapping, '--failed', s.failed, '--no-preflight'], { env: { HUBSPOT_API_BASE_URL: redirecting.url, HUBSPOT_ACCESS_TOKEN: TOKEN } });
    expect(r.code).toBe(1);
    // The first call may be the preflight's or the send's own: whichever it is, it stops there.
    expect(r.stderr).toMatch(new RegExp(`${redirecting.url} answered [A-Z]+ /\\S+ with a redirect \\(${status}\\) to ${elsewhere.url}/`));
    expect(r.stderr).toContain('it was not followed');
    expect(elsewhere.seen).toHaveLength(0);
  });

  it('login --token refuses a redirect too, and the token goes nowhere else', async () => {
    const elsewhere = await serve((_req, _body, res) => res.end('{}'));
    const redirecting = await serve((_req, _body, res) => {
      res.writeHead(307, { location: `${elsewhere.url}/account-info/v3/details` });
      res.end();
    });
    const s = scratch();
    const r = await runCli(['login', '--token', '--base-url', redirecting.url], { env: { HUBSPOT_ACTIONS_CONFIG_DIR: path.join(s.dir, 'config') }, stdin: TOKEN });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('with a redirect (307)');
    expect(elsewhere.seen).toHaveLength(0);
  });
});

describe('base URLs', () => {
  it.each([
    ['ftp://api.example.com', 'uses ftp://; HubSpot is reached over https only'],
    ['not a url', 'is not a URL'],
    ['http://api.example.com', 'is plain http to another machine'],
  ])('%s is refused up front, in a dry-run too', async (url, message) => {
    const s = scratch();
    const r = await runCli(['send', s.events, '-m', s.mapping, '--dry-run', '--base-url', url]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`--base-url "${url}" ${message}`);
    expect(r.stdout).toBe('');
  });

  it('plain http to another machine passes with --insecure-http; to this machine it needs nothing', async () => {
    const s = scratch();
    const insecure = await runCli(['send', s.events, '-m', s.mapping, '--dry-run', '--base-url', 'http://api.example.com', '--insecure-http']);
    expect(insecure.code, insecure.stderr).toBe(0);
    expect(insecure.stdout).toContain('http://api.example.com/crm/v3/objects/contacts');
    const local = await runCli(['send', s.events, '-m', s.mapping, '--dry-run'], { env: { HUBSPOT_API_BASE_URL: 'http://localhost:9' } });
    expect(local.code, local.stderr).toBe(0);
  });
});

describe('the token given other ways than --token', () => {
  it('--token-file and --token - (stdin) send the token; --token - with events on stdin is refused', async () => {
    const server = await serve((req, _body, res) => {
      res.writeHead(req.method === 'PATCH' ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: '1', properties: {} }));
    });
    const s = scratch();
    const file = path.join(s.dir, 'token.txt');
    writeFileSync(file, `${TOKEN}\n`, { mode: 0o600 });
    const viaFile = await runCli(['send', s.events, '-m', s.mapping, '--failed', s.failed, '--no-preflight', '--token-file', file], { env: { HUBSPOT_API_BASE_URL: server.url } });
    expect(viaFile.code, viaFile.stderr).toBe(0);
    const viaStdin = await runCli(['send', s.events, '-m', s.mapping, '--failed', s.failed, '--no-preflight', '--token', '-'], { env: { HUBSPOT_API_BASE_URL: server.url }, stdin: `${TOKEN}\n` });
    expect(viaStdin.code, viaStdin.stderr).toBe(0);
    expect(server.seen.map((x) => x.auth)).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
    const clash = await runCli(['send', '-m', s.mapping, '--token', '-'], { env: { HUBSPOT_API_BASE_URL: server.url }, stdin: events });
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain('--token - reads the token from stdin, which also carries the events here');
  });

  it('send --help says a --token value is visible in ps', async () => {
    const r = await runCli(['send', '--help']);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain('other users see a token given here in `ps`');
  });
});

describe('the token store is checked on read too', () => {
  it('a folder others can write to is refused with the chmod that fixes it', async () => {
    const s = scratch();
    const config = path.join(s.dir, 'config');
    mkdirSync(config);
    writeFileSync(path.join(config, 'credentials.json'), JSON.stringify({ version: 1, profiles: {} }), { mode: 0o600 });
    chmodSync(config, 0o777);
    const r = await runCli(['auth', 'status'], { env: { HUBSPOT_ACTIONS_CONFIG_DIR: config } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`The credentials directory ${config} can be changed by other users (mode 0777)`);
    expect(r.stderr).toContain(`chmod 700 ${config}`);
    chmodSync(config, 0o700);
    expect((await runCli(['auth', 'status'], { env: { HUBSPOT_ACTIONS_CONFIG_DIR: config } })).stderr).not.toContain('can be changed');
  });
});

describe('hostile input lines', () => {
  it('escape sequences echoed in per-event messages and the summary reach the terminal escaped', async () => {
    const s = scratch();
    writeFileSync(s.events, '\x1b[2J\x1b[1;1Hnot json\n' + JSON.stringify({ type: 'identify', messageId: 'h1', traits: { email: 'x' } }) + '\n');
    const r = await runCli(['send', s.events, '-m', 'test/fixtures/mapping.yaml', '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not valid JSON');
    expect(r.stderr).toContain('\\x1b[2J');
    expect(r.stderr).not.toContain('\x1b');
  });
});

describe('a stored OAuth login refreshes only where it was issued', () => {
  it('a --base-url naming another host gets neither the refresh token nor the client secret', async () => {
    const issuer = await serve((_req, _body, res) => res.end('{}'));
    const other = await serve((_req, _body, res) => res.end('{}'));
    const s = scratch();
    const config = path.join(s.dir, 'config');
    mkdirSync(config, { mode: 0o700 });
    const profile = { kind: 'oauth', accessToken: 'CO-expired-access-1111-1111-1111', refreshToken: 'na1-refresh-1111-1111', expiresAt: new Date(Date.now() - 1000).toISOString(), lifetimeSeconds: 1800, clientId: 'cid', clientSecret: 'client-secret-1111-2222', apiBaseUrl: issuer.url, savedAt: new Date().toISOString() };
    writeFileSync(path.join(config, 'credentials.json'), JSON.stringify({ version: 1, profiles: { default: profile } }), { mode: 0o600 });
    const r = await runCli(['send', s.events, '-m', s.mapping, '--failed', s.failed, '--base-url', other.url], { env: { HUBSPOT_ACTIONS_CONFIG_DIR: config } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`The saved login "default" was issued by ${issuer.url}`);
    expect(other.seen).toHaveLength(0);
    expect(issuer.seen).toHaveLength(0);
  });
});
