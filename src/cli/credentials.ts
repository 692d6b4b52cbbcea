/**
 * Which key the CLI sends: `GUST_ACCESS_KEY_ID` / `GUST_SECRET_ACCESS_KEY`, else the entry for the
 * endpoint in the credentials file `gust up` writes (~/.config/gust/credentials.json, or
 * $GUST_CONFIG_DIR's), else the standard `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`.
 */
import { readFileSync } from 'node:fs';
import { credentialsPath, serverKey } from '../auth/access/credentials-file.js';
import { usageError } from './cli-error.js';

export interface CliCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Where they came from, for error messages. */
  source: string;
}

type Env = Readonly<Record<string, string | undefined>>;

function pair(env: Env, idName: string, secretName: string): CliCredentials | undefined {
  const id = env[idName];
  const secret = env[secretName];
  if ((id === undefined || id === '') && (secret === undefined || secret === '')) return undefined;
  if (id === undefined || id === '' || secret === undefined || secret === '') {
    throw usageError(`Set both ${idName} and ${secretName}, or neither.`);
  }
  return { accessKeyId: id, secretAccessKey: secret, source: `${idName} and ${secretName}` };
}

/** The credentials for `endpoint`, or undefined when none are configured. */
export function resolveCredentials(env: Env, endpoint: string): CliCredentials | undefined {
  const fromEnv = pair(env, 'GUST_ACCESS_KEY_ID', 'GUST_SECRET_ACCESS_KEY');
  if (fromEnv !== undefined) return fromEnv;
  const path = credentialsPath(env);
  let text: string | undefined;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    text = undefined;
  }
  if (text !== undefined) {
    let servers: Record<string, { accessKeyId?: unknown; secretAccessKey?: unknown }> | undefined;
    try {
      servers = (JSON.parse(text) as { servers?: typeof servers }).servers;
    } catch {
      throw usageError(`${path} is not valid JSON; fix or delete it.`);
    }
    const entry = servers?.[serverKey(endpoint)];
    if (typeof entry?.accessKeyId === 'string' && typeof entry.secretAccessKey === 'string') {
      return { accessKeyId: entry.accessKeyId, secretAccessKey: entry.secretAccessKey, source: path };
    }
  }
  return pair(env, 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY');
}

/** What to do when the server asks for credentials and the CLI had none. */
export function noCredentialsHint(env: Env, endpoint: string): string {
  return `The CLI found no credentials for ${endpoint}: set GUST_ACCESS_KEY_ID and GUST_SECRET_ACCESS_KEY, or use the key 'gust up' printed on first start (it saves it in ${credentialsPath(env)}).`;
}
