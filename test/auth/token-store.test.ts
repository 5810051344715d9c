import { chmod, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/auth/atomic-write.js';
import { configDir } from '../../src/auth/config-dir.js';
import { isStale, withFileLock } from '../../src/auth/file-lock.js';
import { checkProfileName, TokenStore, type StaticProfile } from '../../src/auth/token-store.js';
import { UserError } from '../../src/errors.js';

const tmp = () => mkdtemp(join(tmpdir(), 'ha-store-'));
const mode = async (p: string) => (await stat(p)).mode & 0o777;
const staticProfile = (token: string): StaticProfile => ({ kind: 'static', accessToken: token, savedAt: new Date().toISOString() });

describe('configDir', () => {
  it('prefers HUBSPOT_ACTIONS_CONFIG_DIR, then an absolute XDG_CONFIG_HOME, then ~/.config', () => {
    expect(configDir({ HUBSPOT_ACTIONS_CONFIG_DIR: '/a/b', XDG_CONFIG_HOME: '/x' })).toBe('/a/b');
    expect(configDir({ XDG_CONFIG_HOME: '/x' })).toBe('/x/hubspot-actions');
    expect(configDir({ XDG_CONFIG_HOME: 'relative' })).toMatch(/\/\.config\/hubspot-actions$/);
    expect(configDir({})).toMatch(/\/\.config\/hubspot-actions$/);
  });
});

describe('TokenStore', () => {
  it('creates a 0700 directory and a 0600 file, and reads back what it saved', async () => {
    const dir = join(await tmp(), 'nested', 'cfg');
    const store = new TokenStore(dir);
    await store.saveProfile('default', staticProfile('tok-1'));
    expect(await mode(dir)).toBe(0o700);
    expect(await mode(store.path)).toBe(0o600);
    expect((await store.getProfile('default'))?.accessToken).toBe('tok-1');
    expect(await store.getProfile('other')).toBeUndefined();
  });

  it('refuses a credentials file that group or others can read, naming the chmod that fixes it', async () => {
    const store = new TokenStore(await tmp());
    await store.saveProfile('default', staticProfile('tok-1'));
    await chmod(store.path, 0o644);
    const err = await store.read().catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toContain('0644');
    expect(err.hint).toContain(`chmod 600 ${store.path}`);
    await chmod(store.path, 0o600);
    expect((await store.getProfile('default'))?.accessToken).toBe('tok-1');
  });

  it('refuses a credentials directory others can write to', async () => {
    const dir = await tmp();
    await chmod(dir, 0o777);
    const err = await new TokenStore(dir).saveProfile('default', staticProfile('t')).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err.hint).toContain(`chmod 700 ${dir}`);
  });

  it('keeps every profile when many writers save at once (read-merge-write under the lock)', async () => {
    const dir = await tmp();
    await Promise.all(Array.from({ length: 20 }, (_, i) => new TokenStore(dir).saveProfile(`p${i}`, staticProfile(`tok-${i}`))));
    const data = await new TokenStore(dir).read();
    expect(Object.keys(data.profiles).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `p${i}`).sort());
    expect((await readdir(dir)).filter((f) => f !== 'credentials.json')).toEqual([]); // no temp or lock files left
  });

  it('removes a profile and reports what it removed', async () => {
    const store = new TokenStore(await tmp());
    await store.saveProfile('a', staticProfile('ta'));
    await store.saveProfile('b', staticProfile('tb'));
    expect((await store.removeProfile('a'))?.accessToken).toBe('ta');
    expect(await store.removeProfile('a')).toBeUndefined();
    expect(Object.keys((await store.read()).profiles)).toEqual(['b']);
  });

  it('says a damaged file is damaged without printing its content', async () => {
    const store = new TokenStore(await tmp());
    await writeFile(store.path, '{"profiles": {"x": "secret-value', { mode: 0o600 });
    const err = await store.read().catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(String(err.message) + err.hint).not.toContain('secret-value');
  });

  it('accepts plain profile names only', () => {
    expect(checkProfileName('eu-portal_2.prod')).toBe('eu-portal_2.prod');
    for (const bad of ['', '__proto__', '../x', 'a b', '-x']) expect(() => checkProfileName(bad)).toThrow(UserError);
  });
});

describe('writeFileAtomic', () => {
  it('replaces the file whole, with mode 0600, leaving no temp file', async () => {
    const dir = await tmp();
    const path = join(dir, 'f.json');
    await writeFile(path, 'old', { mode: 0o600 });
    await writeFileAtomic(path, 'new content');
    expect(await readFile(path, 'utf8')).toBe('new content');
    expect(await mode(path)).toBe(0o600);
    expect(await readdir(dir)).toEqual(['f.json']);
  });

  it('never lets a reader see a partly written file', async () => {
    const dir = await tmp();
    const path = join(dir, 'f.json');
    const big = (n: number) => JSON.stringify({ n, pad: 'x'.repeat(200_000) });
    await writeFileAtomic(path, big(0));
    let reads = 0;
    const writer = (async () => {
      for (let i = 1; i <= 30; i++) await writeFileAtomic(path, big(i));
    })();
    let done = false;
    void writer.then(() => (done = true));
    while (!done) {
      JSON.parse(await readFile(path, 'utf8')); // throws on a torn read
      reads++;
    }
    await writer;
    expect(reads).toBeGreaterThan(0);
  });
});

describe('withFileLock', () => {
  it('lets one holder in at a time', async () => {
    const lock = join(await tmp(), 'x.lock');
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        withFileLock(lock, async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          await new Promise((r) => setTimeout(r, 5));
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(1);
  });

  it('takes over a lock left by a process that has exited', async () => {
    const lock = join(await tmp(), 'x.lock');
    const child = spawn(process.execPath, ['-e', '']);
    const deadPid = await new Promise<number>((r) => child.on('exit', () => r(child.pid!)));
    await writeFile(lock, JSON.stringify({ pid: deadPid, host: (await import('node:os')).hostname(), nonce: 'old', createdAt: Date.now() }));
    const started = Date.now();
    expect(await withFileLock(lock, async () => 'got it', { timeoutMs: 2_000 })).toBe('got it');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('judges staleness by age, by a dead owner, and gives an unwritten lock a moment', async () => {
    const host = (await import('node:os')).hostname();
    const now = Date.now();
    const live = { pid: process.ppid, host, nonce: 'n', createdAt: now };
    expect(await isStale({ raw: '', owner: live, mtimeMs: now }, 60_000, now)).toBe(false);
    expect(await isStale({ raw: '', owner: { ...live, createdAt: now - 61_000 }, mtimeMs: now }, 60_000, now)).toBe(true);
    expect(await isStale({ raw: '', owner: { ...live, host: 'elsewhere' }, mtimeMs: now }, 60_000, now)).toBe(false);
    expect(await isStale({ raw: '', mtimeMs: now - 500 }, 60_000, now)).toBe(false);
    expect(await isStale({ raw: '', mtimeMs: now - 5_000 }, 60_000, now)).toBe(true);
  });

  it('gives up on a live holder after the timeout with a way out', async () => {
    const lock = join(await tmp(), 'x.lock');
    await writeFile(lock, JSON.stringify({ pid: process.ppid, host: (await import('node:os')).hostname(), nonce: 'other', createdAt: Date.now() }));
    const err = await withFileLock(lock, async () => 1, { timeoutMs: 300 }).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toContain(`another hubspot-actions run (pid ${process.ppid}, since `);
    expect(err.hint).toBe(`If process ${process.ppid} is stuck, stop it (\`kill ${process.ppid}\`); it releases the lock as it ends.`);
  });

  it('says who holds the lock, and what to do, once the wait is long enough to notice', async () => {
    const lock = join(await tmp(), 'x.lock');
    await writeFile(lock, JSON.stringify({ pid: process.ppid, host: (await import('node:os')).hostname(), nonce: 'other', createdAt: Date.now() }));
    const told: string[] = [];
    await withFileLock(lock, async () => 1, { timeoutMs: 1_500, onWait: (m) => told.push(m) }).catch(() => undefined);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(new RegExp(`^Waiting for another hubspot-actions run \\(pid ${process.ppid}, since .*\\), which holds the credentials lock ${lock}`));
    expect(told[0]).toContain(`kill ${process.ppid}`);
  });

  it('a lock left by another host: delete it if nothing runs there', async () => {
    const lock = join(await tmp(), 'x.lock');
    await writeFile(lock, JSON.stringify({ pid: 4242, host: 'other-host.example', nonce: 'other', createdAt: Date.now() }));
    const err = await withFileLock(lock, async () => 1, { timeoutMs: 300 }).catch((e) => e);
    expect(err.message).toContain('pid 4242 on other-host.example');
    expect(err.hint).toBe(`If no hubspot-actions is running on other-host.example, delete ${lock} and try again.`);
  });
});
