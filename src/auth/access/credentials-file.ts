import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * The CLI's credentials file: `$GUST_CONFIG_DIR/credentials.json`, else
 * `~/.config/gust/credentials.json`. It maps each server's URL to the key the CLI uses with it;
 * `gust up` writes the admin key it creates on first start there, mode 0600 in a 0700 folder.
 *
 * ```json
 * { "version": 1, "servers": { "http://127.0.0.1:7800": { "accessKeyId": "GK...", "secretAccessKey": "..." } } }
 * ```
 */
export interface CredentialsFile {
  version: 1;
  servers: Record<string, StoredCredentials>;
}

export interface StoredCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** ISO time the entry was written. */
  savedAt?: string;
}

export function credentialsPath(env: Readonly<Record<string, string | undefined>>): string {
  const dir =
    env.GUST_CONFIG_DIR !== undefined && env.GUST_CONFIG_DIR !== ''
      ? env.GUST_CONFIG_DIR
      : join(homedir(), '.config', 'gust');
  return join(dir, 'credentials.json');
}

/** The file's content; an empty one when it does not exist. Throws for a file that is not ours. */
export async function readCredentialsFile(path: string): Promise<CredentialsFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, servers: {} };
    throw error;
  }
  const value = JSON.parse(text) as Partial<CredentialsFile>;
  if (
    value === null ||
    typeof value !== 'object' ||
    typeof value.servers !== 'object' ||
    value.servers === null
  ) {
    throw new Error(
      `${path} is not a Gust credentials file (expected { "version": 1, "servers": { ... } }).`,
    );
  }
  return { version: 1, servers: value.servers };
}

/** Normalises a server URL to the form entries are keyed by (no trailing slash). */
export function serverKey(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * Saves the credentials for `url`, keeping other servers' entries. Written to a temporary file
 * with mode 0600 and renamed into place, so a reader never sees half a file.
 */
export async function saveCredentials(
  path: string,
  url: string,
  credentials: StoredCredentials,
): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const file: CredentialsFile = await readCredentialsFile(path).catch(() => ({
    version: 1 as const,
    servers: {},
  }));
  file.servers[serverKey(url)] = { ...credentials, savedAt: new Date().toISOString() };
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, path);
}
