import { createHash, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { constants, type FileHandle, link, mkdir, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { GustError } from '../../core/errors.js';

/** Length of a master key in bytes (AES-256). */
export const MASTER_KEY_BYTES = 32;

/** The environment variable that, when set, holds the master key instead of the key file. */
export const MASTER_KEY_ENV = 'GUST_MASTER_KEY';

/** Name of the key file inside the data directory. */
export const MASTER_KEY_FILE = 'master.key';

const GENERATE_HINT = 'Generate one with: openssl rand -base64 32';

/**
 * The key that wraps every data key. The raw bytes live only inside a `KeyObject`, which neither
 * `JSON.stringify` nor `util.inspect` can print, so logging a MasterKey by mistake shows its id and
 * source, never the key.
 */
export interface MasterKey {
  /**
   * First 8 hex digits of the SHA-256 of the raw key. Stored beside everything the key wraps, so a
   * rotation knows what to rewrap and an error can say which key is missing. 32 bits of a hash of
   * a 256-bit random key tell an attacker nothing useful. An operator can compute it from a backup:
   * `sha256sum master.key | cut -c1-8`.
   */
  readonly id: string;
  readonly key: KeyObject;
  /** Where the key came from: the environment variable or the key file. */
  readonly source: 'env' | 'file';
  /** The key file's path when `source` is `'file'`. */
  readonly path: string | undefined;
}

export interface LoadMasterKeyOptions {
  /** Gust's data directory; the key file is `dataDir/master.key`. */
  dataDir: string;
  /** Usually `process.env`; `GUST_MASTER_KEY`, when set, wins over the key file. */
  env: Readonly<Record<string, string | undefined>>;
}

/** Wraps raw key bytes (exactly 32) as a MasterKey. The caller may zero `bytes` afterwards. */
export function masterKeyFromBytes(
  bytes: Uint8Array,
  source: MasterKey['source'] = 'env',
  path?: string,
): MasterKey {
  if (bytes.length !== MASTER_KEY_BYTES) {
    throw new GustError('ERR_MASTER_KEY', `A master key is ${MASTER_KEY_BYTES} bytes, not ${bytes.length}.`);
  }
  const id = createHash('sha256').update(bytes).digest('hex').slice(0, 8);
  return { id, key: createSecretKey(Buffer.from(bytes)), source, path };
}

/** A new random master key (for tests and for rotation). */
export function generateMasterKey(): MasterKey {
  const bytes = randomBytes(MASTER_KEY_BYTES);
  try {
    return masterKeyFromBytes(bytes);
  } finally {
    bytes.fill(0);
  }
}

/**
 * Loads the master key: from `GUST_MASTER_KEY` when it is set (even to an empty string: a deploy
 * that meant to pass a key but passed nothing must fail, not silently start with a new key), else
 * from `dataDir/master.key`, which is created with 32 random bytes and mode 0600 on first start.
 *
 * Throws ERR_MASTER_KEY with a message saying how to fix it when the variable is not base64 of 32
 * bytes, or the file is readable by group or others, is not 32 bytes, or cannot be created.
 */
export async function loadMasterKey(options: LoadMasterKeyOptions): Promise<MasterKey> {
  const fromEnv = options.env[MASTER_KEY_ENV];
  if (fromEnv !== undefined) return parseEnvKey(fromEnv);
  const path = join(options.dataDir, MASTER_KEY_FILE);
  const existing = await readKeyFile(path);
  if (existing) return existing;
  await createKeyFile(options.dataDir, path);
  // Read back what is on disk rather than what this process generated: if another process won the
  // race to create the file, its key is the one everyone must use.
  const created = await readKeyFile(path);
  if (!created) {
    throw new GustError(
      'ERR_MASTER_KEY',
      `The master key file ${path} disappeared right after it was created.`,
    );
  }
  return created;
}

const BASE64_KEY = /^[A-Za-z0-9+/]{43}=?$/;

function parseEnvKey(raw: string): MasterKey {
  const text = raw.trim();
  if (!BASE64_KEY.test(text)) {
    // Never echo the value: it may be a real key in the wrong encoding. Its length is enough to
    // tell a hex key (64) or a raw string apart from base64 (44).
    const hint = /^[0-9a-fA-F]{64}$/.test(text) ? ' It looks like hex; use base64 instead.' : '';
    throw new GustError(
      'ERR_MASTER_KEY',
      `${MASTER_KEY_ENV} must be the base64 encoding of exactly ${MASTER_KEY_BYTES} random bytes ` +
        `(44 characters ending in "="), but it is ${text.length} characters long.${hint} ${GENERATE_HINT}`,
    );
  }
  const bytes = Buffer.from(text, 'base64');
  try {
    return masterKeyFromBytes(bytes, 'env');
  } finally {
    bytes.fill(0);
  }
}

/** Reads and checks the key file; undefined when it does not exist. */
async function readKeyFile(path: string): Promise<MasterKey | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new GustError(
      'ERR_MASTER_KEY',
      `Cannot read the master key file ${path}: ${describe(error)}. Check that the data directory is right ` +
        `and that the file belongs to the user Gust runs as (chown it, then chmod 600 ${path}).`,
      { cause: error },
    );
  }
  try {
    // fstat on the open handle, so the checks apply to exactly the file that is read.
    const stat = await handle.stat();
    if (!stat.isFile()) {
      throw new GustError('ERR_MASTER_KEY', `The master key file ${path} is not a regular file.`);
    }
    // POSIX permission bits mean nothing on Windows (Node reports 0o666), so the check is skipped there.
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(3, '0');
      throw new GustError(
        'ERR_MASTER_KEY',
        `The master key file ${path} can be read by other users (mode ${mode}); Gust refuses to use it. ` +
          `Restrict it to its owner with: chmod 600 ${path}`,
      );
    }
    if (stat.size !== MASTER_KEY_BYTES) {
      throw new GustError(
        'ERR_MASTER_KEY',
        `The master key file ${path} holds ${stat.size} bytes, not ${MASTER_KEY_BYTES}: it is damaged or not a ` +
          `Gust master key. Restore it from your backup. Only if no secrets were ever stored, delete it ` +
          `and Gust creates a new one.`,
      );
    }
    const bytes = await handle.readFile();
    try {
      return masterKeyFromBytes(bytes, 'file', path);
    } finally {
      bytes.fill(0);
    }
  } finally {
    await handle.close();
  }
}

/**
 * Creates the key file so that it appears complete or not at all, and exactly once: the key is
 * written and synced to a private temporary file, which is then hard-linked to `master.key`. A
 * link, unlike a rename, fails with EEXIST when the name is taken, so when two processes start at
 * once the second keeps the first one's key instead of replacing it (a rename would leave the
 * first process running with a key nobody can load again).
 */
async function createKeyFile(dataDir: string, path: string): Promise<void> {
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw cannotCreate(path, error);
  }
  const temp = join(dataDir, `.${MASTER_KEY_FILE}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const bytes = randomBytes(MASTER_KEY_BYTES);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      // The mode passed to open is already narrowed by the umask; chmod makes it exact either way.
      await handle.chmod(0o600);
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await link(temp, path);
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
      return; // Another process created it first; the caller reads theirs.
    }
    await syncDirectory(dataDir);
  } catch (error) {
    throw cannotCreate(path, error);
  } finally {
    bytes.fill(0);
    await unlink(temp).catch(() => undefined);
  }
}

/** Makes the new directory entry durable, so a crash cannot lose a key that data is encrypted with. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, constants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Not every platform can open or sync a directory (Windows); the file itself is synced.
  }
}

function cannotCreate(path: string, error: unknown): GustError {
  return new GustError(
    'ERR_MASTER_KEY',
    `Cannot create the master key file ${path}: ${describe(error)}. Make the data directory writable by ` +
      `the user Gust runs as, or set ${MASTER_KEY_ENV} (${GENERATE_HINT}).`,
    { cause: error },
  );
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
