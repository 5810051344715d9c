import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { writeFileAtomic } from './atomic-write.js';
import { CREDENTIALS_FILE } from './config-dir.js';
import { withFileLock, type LockOptions } from './file-lock.js';

interface ProfileCommon {
  hubId?: number;
  /** The HubSpot user (email) who granted the token, when HubSpot says. */
  user?: string;
  userId?: number;
  /** Scopes HubSpot granted; unknown for a static token. */
  scopes?: string[];
  /** The API host that issued the login: its tokens are sent nowhere else. */
  apiBaseUrl?: string;
  /** The consent-page host the login went through, for logging in again the same way. */
  appBaseUrl?: string;
  savedAt: string;
}

export interface OAuthProfile extends ProfileCommon {
  kind: 'oauth';
  accessToken: string;
  refreshToken: string;
  /** ISO time the access token stops working, counted from when it was requested. */
  expiresAt: string;
  /** HubSpot's `expires_in` for the current access token: the refresh margin scales with it. */
  lifetimeSeconds: number;
  /** Kept because every refresh needs them (HubSpot has no public-client mode). */
  clientId: string;
  clientSecret: string;
}

export interface StaticProfile extends ProfileCommon {
  kind: 'static';
  accessToken: string;
}

export type StoredProfile = OAuthProfile | StaticProfile;

export interface StoreData {
  version: 1;
  profiles: Record<string, StoredProfile>;
  /** The profile commands use when neither --profile nor HUBSPOT_ACTIONS_PROFILE names one (`auth switch`). */
  defaultProfile?: string;
}

const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Profile names become JSON keys and appear in commands we print, so they stay plain. */
export function checkProfileName(name: string): string {
  if (!PROFILE_NAME.test(name)) {
    throw new UserError(
      `"${name}" is not a usable profile name.`,
      'Use letters, digits, ".", "_" or "-" (up to 64 characters), starting with a letter or digit.',
    );
  }
  return name;
}

/**
 * The credentials file: one JSON document of profiles, in a 0700 directory, mode 0600. Every change
 * is read-merge-write under a lock, so two runs saving different profiles (or the same refreshed
 * token) never lose each other's writes.
 */
export class TokenStore {
  readonly path: string;
  readonly lockPath: string;

  constructor(readonly dir: string, private readonly lockOptions: LockOptions = {}) {
    this.path = join(dir, CREDENTIALS_FILE);
    this.lockPath = `${this.path}.lock`;
  }

  async read(): Promise<StoreData> {
    let raw: string;
    try {
      await this.checkPermissions();
      raw = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyStore();
      throw err;
    }
    return parseStore(raw, this.path);
  }

  async getProfile(name: string): Promise<StoredProfile | undefined> {
    const data = await this.read();
    return Object.hasOwn(data.profiles, name) ? data.profiles[name] : undefined;
  }

  /**
   * Runs `change` on the freshest copy of the file while holding the lock; the data it mutated is
   * written back when it answers `write: true`, and its `value` is returned.
   */
  async update<T>(change: (data: StoreData) => Promise<{ value: T; write: boolean }> | { value: T; write: boolean }): Promise<T> {
    await this.ensureDir();
    return withFileLock(
      this.lockPath,
      async () => {
        const data = await this.read();
        const { value, write } = await change(data);
        if (write) await writeFileAtomic(this.path, JSON.stringify(data, null, 2) + '\n', 0o600);
        return value;
      },
      this.lockOptions,
    );
  }

  async saveProfile(name: string, profile: StoredProfile): Promise<void> {
    await this.update((data) => {
      data.profiles[name] = profile;
      return { value: undefined, write: true };
    });
  }

  /** Returns the removed profile, or undefined when there was none. */
  async removeProfile(name: string): Promise<StoredProfile | undefined> {
    return this.update((data) => {
      if (!Object.hasOwn(data.profiles, name)) return { value: undefined, write: false };
      const removed = data.profiles[name];
      delete data.profiles[name];
      if (data.defaultProfile === name) delete data.defaultProfile;
      return { value: removed, write: true };
    });
  }

  /** `auth switch`: the profile used when none is named. Refused for a profile that is not saved. */
  async setDefaultProfile(name: string): Promise<boolean> {
    return this.update((data) => {
      if (!Object.hasOwn(data.profiles, name)) return { value: false, write: false };
      data.defaultProfile = name;
      return { value: true, write: true };
    });
  }

  private async ensureDir(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    if (process.platform === 'win32') return;
    const st = await stat(this.dir);
    // A directory others can write to lets them swap the credentials file for their own.
    if (st.mode & 0o022) {
      throw new UserError(
        `The credentials directory ${this.dir} can be changed by other users (mode ${octal(st.mode)}).`,
        `Run \`chmod 700 ${this.dir}\`, or point HUBSPOT_ACTIONS_CONFIG_DIR at a private directory.`,
      );
    }
    // mkdir's mode is reduced by the umask; our own fresh directory should still be 0700.
    if (st.mode & 0o077 && st.uid === process.getuid?.()) await chmod(this.dir, 0o700).catch(() => undefined);
  }

  /**
   * On every read, not only on write: a folder others can write to lets them swap the file for
   * theirs, and a file or folder owned by someone else is theirs to read and change.
   */
  private async checkPermissions(): Promise<void> {
    if (process.platform === 'win32') return;
    const me = process.getuid?.();
    const dir = await stat(this.dir);
    if (me !== undefined && dir.uid !== me) {
      throw new UserError(
        `The credentials directory ${this.dir} belongs to another user (uid ${dir.uid}); refusing to use it.`,
        `Point HUBSPOT_ACTIONS_CONFIG_DIR at a directory of your own, or, if it is yours, run \`chown -R $(id -u) ${this.dir} && chmod 700 ${this.dir}\`.`,
      );
    }
    if (dir.mode & 0o022) {
      throw new UserError(
        `The credentials directory ${this.dir} can be changed by other users (mode ${octal(dir.mode)}); refusing to use it.`,
        `Run \`chmod 700 ${this.dir}\` to fix it. If others may have changed it, log out and log in again.`,
      );
    }
    const st = await stat(this.path);
    if (me !== undefined && st.uid !== me) {
      throw new UserError(
        `The credentials file ${this.path} belongs to another user (uid ${st.uid}); refusing to use it.`,
        `If it is yours, run \`chown $(id -u) ${this.path} && chmod 600 ${this.path}\`; otherwise log in again to replace it.`,
      );
    }
    if (st.mode & 0o077) {
      throw new UserError(
        `The credentials file ${this.path} can be read or changed by other users (mode ${octal(st.mode)}); refusing to use it.`,
        `Run \`chmod 600 ${this.path}\` to fix it. If others may have read it, log out and log in again to replace the tokens.`,
      );
    }
  }
}

export function emptyStore(): StoreData {
  return { version: 1, profiles: {} };
}

function parseStore(raw: string, path: string): StoreData {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw corrupt(path);
  }
  if (!data || typeof data !== 'object' || typeof (data as StoreData).profiles !== 'object' || (data as StoreData).profiles === null) {
    throw corrupt(path);
  }
  const { profiles, defaultProfile } = data as StoreData;
  return { version: 1, profiles: { ...profiles }, ...(typeof defaultProfile === 'string' ? { defaultProfile } : {}) };
}

// The message names the file only: its content holds secrets.
function corrupt(path: string): UserError {
  return new UserError(
    `The credentials file ${path} is not valid.`,
    `Delete it and run \`hubspot-actions login\` again.`,
  );
}

function octal(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, '0');
}
