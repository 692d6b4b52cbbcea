import { GustError, isGustError } from '../../core/errors.js';
import { isAccessKeyId, isSecret, type KeyPair } from '../credentials/key-format.js';
import type { CreatedKey, KeyAdmin } from './key-admin.js';

export const BOOTSTRAP_ID_ENV = 'GUST_BOOTSTRAP_ACCESS_KEY_ID';
export const BOOTSTRAP_SECRET_ENV = 'GUST_BOOTSTRAP_SECRET_ACCESS_KEY';

/** What happened at start: a first admin key was made (from the environment or at random), or not. */
export type BootstrapResult =
  | { created: false }
  | { created: true; key: CreatedKey; source: 'environment' | 'generated' };

/**
 * On first start (no API key stored yet) creates the admin key: the pair in
 * GUST_BOOTSTRAP_ACCESS_KEY_ID / GUST_BOOTSTRAP_SECRET_ACCESS_KEY when both are set (automation),
 * else a random one the caller prints once and saves for the CLI. Later starts create nothing.
 */
export async function bootstrapAdminKey(
  keys: KeyAdmin,
  keyCount: () => Promise<number>,
  env: Readonly<Record<string, string | undefined>>,
): Promise<BootstrapResult> {
  const pair = bootstrapPair(env);
  if ((await keyCount()) > 0) return { created: false };
  try {
    const key = await keys.create(
      pair === undefined
        ? { name: 'admin', policies: ['admin'] }
        : { name: 'admin', policies: ['admin'], pair },
      'bootstrap',
    );
    return { created: true, key, source: pair === undefined ? 'generated' : 'environment' };
  } catch (error) {
    // Several nodes starting at once on an empty database with the same bootstrap pair: one of
    // them stored it first, which is what all of them wanted.
    if (pair !== undefined && isGustError(error) && error.code === 'ERR_CONFLICT') return { created: false };
    throw error;
  }
}

function bootstrapPair(env: Readonly<Record<string, string | undefined>>): KeyPair | undefined {
  const id = env[BOOTSTRAP_ID_ENV];
  const secret = env[BOOTSTRAP_SECRET_ENV];
  if (id === undefined && secret === undefined) return undefined;
  if (id === undefined || secret === undefined) {
    throw new GustError(
      'ERR_INVALID_PARAMETER',
      `Set both ${BOOTSTRAP_ID_ENV} and ${BOOTSTRAP_SECRET_ENV}, or neither (only ${id === undefined ? BOOTSTRAP_SECRET_ENV : BOOTSTRAP_ID_ENV} is set).`,
    );
  }
  if (!isAccessKeyId(id)) {
    throw new GustError(
      'ERR_INVALID_PARAMETER',
      `${BOOTSTRAP_ID_ENV} must be 'GK' followed by 18 characters of A-Z and 2-7 (a Gust access key id).`,
    );
  }
  if (!isSecret(secret)) {
    throw new GustError(
      'ERR_INVALID_PARAMETER',
      `${BOOTSTRAP_SECRET_ENV} must be 40 characters of A-Z, a-z, 0-9, '-' and '_' (for example: openssl rand -base64 30 | tr '+/' '-_').`,
    );
  }
  return { accessKeyId: id, secret };
}
