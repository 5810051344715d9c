import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { UserError } from '../errors.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { processAlive } from '../process-alive.js';

export interface LockOptions {
  /** A lock older than this is taken to be left behind by a crashed run. */
  staleMs?: number;
  /** How long to wait for another run to finish before giving up. */
  timeoutMs?: number;
  /** Poll interval while waiting (jittered so waiters do not move in step). */
  retryMs?: number;
  /** Told once when the wait gets long enough for a person to wonder (a second): who holds the lock. */
  onWait?: (message: string) => void;
}

interface LockOwner {
  pid: number;
  host: string;
  nonce: string;
  createdAt: number;
}

// The store lock is held across a token refresh (at most three tries of 20 s each), so a lock is
// called stale by age only well after that, and waiters are patient for longer still.
const DEFAULTS: Required<Omit<LockOptions, 'onWait'>> = { staleMs: 120_000, timeoutMs: 150_000, retryMs: 40 };
const TELL_AFTER_MS = 1_000;

/**
 * Runs `fn` while holding `lockPath`, a file created with O_EXCL so only one process on this
 * machine (or a shared file system that honours O_EXCL) holds it at a time.
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const opts = { ...DEFAULTS, ...options };
  const owner = await acquire(lockPath, opts);
  try {
    return await fn();
  } finally {
    await release(lockPath, owner);
  }
}

async function acquire(lockPath: string, opts: LockOptions & typeof DEFAULTS): Promise<LockOwner> {
  const started = Date.now();
  const deadline = started + opts.timeoutMs;
  let told = false;
  for (;;) {
    const owner: LockOwner = { pid: process.pid, host: hostname(), nonce: randomBytes(8).toString('hex'), createdAt: Date.now() };
    try {
      const fh = await open(lockPath, 'wx', 0o600);
      try {
        await fh.writeFile(JSON.stringify(owner));
      } finally {
        await fh.close();
      }
      return owner;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const held = await readLock(lockPath);
    if (held && (await isStale(held, opts.staleMs))) {
      await breakLock(lockPath, held.raw);
      continue;
    }
    if (Date.now() > deadline) {
      throw new UserError(`${describeHolder(held)} has held the credentials lock ${lockPath} for too long; gave up waiting.`, whatToDo(held, lockPath));
    }
    if (!told && Date.now() - started >= TELL_AFTER_MS) {
      told = true;
      opts.onWait?.(`Waiting for ${describeHolder(held)}, which holds the credentials lock ${lockPath} (a login or token refresh takes seconds). ${whatToDo(held, lockPath)}`);
    }
    await sleep(opts.retryMs / 2 + Math.random() * opts.retryMs);
  }
}

function describeHolder(held: HeldLock | undefined): string {
  const o = held?.owner;
  if (!o) return 'another hubspot-actions run';
  const where = o.host === hostname() ? '' : ` on ${o.host}`;
  return `another hubspot-actions run (pid ${o.pid}${where}, since ${new Date(o.createdAt).toISOString()})`;
}

function whatToDo(held: HeldLock | undefined, lockPath: string): string {
  const o = held?.owner;
  if (o && o.host === hostname()) return `If process ${o.pid} is stuck, stop it (\`kill ${o.pid}\`); it releases the lock as it ends.`;
  return `If no hubspot-actions is running${o ? ` on ${o.host}` : ''}, delete ${lockPath} and try again.`;
}

interface HeldLock {
  raw: string;
  owner?: LockOwner;
  mtimeMs: number;
}

async function readLock(lockPath: string): Promise<HeldLock | undefined> {
  try {
    const [raw, st] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    let owner: LockOwner | undefined;
    try {
      owner = JSON.parse(raw) as LockOwner;
    } catch {
      owner = undefined;
    }
    return { raw, owner, mtimeMs: st.mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // released meanwhile
    throw err;
  }
}

/** Exported for tests: a lock is stale when its process is gone (same host) or it is too old. */
export async function isStale(held: HeldLock, staleMs: number, now = Date.now()): Promise<boolean> {
  if (!held.owner) {
    // Created but not yet written by its owner: give the owner a moment before calling it junk.
    return now - held.mtimeMs > 2_000;
  }
  if (now - held.owner.createdAt > staleMs) return true;
  if (held.owner.host === hostname() && held.owner.pid !== process.pid) return !processAlive(held.owner.pid);
  return false;
}

/**
 * Two waiters may judge the same lock stale at once; a plain unlink by the slower one could delete
 * a fresh lock the faster one has just taken. So the lock is first moved aside (atomic), and only
 * deleted if what was moved is the stale lock that was judged; otherwise it is put back.
 */
async function breakLock(lockPath: string, staleRaw: string): Promise<void> {
  const aside = `${lockPath}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await rename(lockPath, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = await readFile(aside, 'utf8').catch(() => staleRaw);
  if (moved !== staleRaw) {
    await link(aside, lockPath).catch(() => undefined);
  }
  await unlink(aside).catch(() => undefined);
}

async function release(lockPath: string, owner: LockOwner): Promise<void> {
  const held = await readLock(lockPath).catch(() => undefined);
  // Only remove our own lock: if ours was broken as stale, the file now belongs to someone else.
  if (held?.owner?.nonce === owner.nonce) await unlink(lockPath).catch(() => undefined);
}
