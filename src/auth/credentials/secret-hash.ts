import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { GustError } from '../../core/errors.js';

/**
 * Slow hashes of bearer secrets, with node:crypto's scrypt (RFC 7914). A stored hash is a PHC-style
 * string that carries its own parameters, so they can be raised later without breaking old keys:
 *
 *     $scrypt$ln=15,r=8,p=1$<salt, base64 without padding>$<32-byte hash, base64 without padding>
 *
 * `ln` is log2 of scrypt's cost N. The defaults (N = 2^15, r = 8, p = 1) take about 90 ms and
 * 32 MiB per hash on a small 2-core machine. Secrets are 240 random bits, so the slowness is
 * defence in depth for a leaked database, not what keeps them unguessable; callers on the request
 * path should remember successful verifications briefly rather than pay this on every request.
 * scrypt runs on libuv's thread pool (the async form), never on the event loop.
 */

export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  ln: number;
  /** Block size. */
  r: number;
  /** Parallelism. */
  p: number;
}

export const DEFAULT_SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({ ln: 15, r: 8, p: 1 });

const SALT_BYTES = 16;
const HASH_BYTES = 32;
/** Bounds on parameters read back from the store, so a corrupt row cannot ask for gigabytes. */
const LIMITS = { ln: [10, 20], r: [1, 16], p: [1, 4] } as const;
const FORMAT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  hash: Buffer;
}

function derive(secret: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.ln;
  // Node refuses to use more than maxmem; scrypt needs about 128 * N * r * p bytes.
  const maxmem = 2 * 128 * N * params.r * params.p;
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, HASH_BYTES, { N, r: params.r, p: params.p, maxmem }, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

function checkParams(params: ScryptParams): void {
  for (const name of ['ln', 'r', 'p'] as const) {
    const [min, max] = LIMITS[name];
    const value = params[name];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(`scrypt parameter ${name} must be an integer from ${min} to ${max}, got ${value}`);
    }
  }
}

function parse(stored: string): ParsedHash {
  const match = FORMAT.exec(stored);
  const params: ScryptParams = { ln: Number(match?.[1]), r: Number(match?.[2]), p: Number(match?.[3]) };
  const salt = Buffer.from(match?.[4] ?? '', 'base64');
  const hash = Buffer.from(match?.[5] ?? '', 'base64');
  try {
    if (!match) throw new Error('it is not of the form $scrypt$ln=..,r=..,p=..$salt$hash');
    checkParams(params);
    if (salt.length < SALT_BYTES) throw new Error(`its salt is shorter than ${SALT_BYTES} bytes`);
    if (hash.length !== HASH_BYTES) throw new Error(`its hash is not ${HASH_BYTES} bytes`);
  } catch (cause) {
    // A stored hash is written only by hashSecret: a bad one is corrupt data, not a client mistake.
    throw new GustError('ERR_INTERNAL', 'A stored key hash is corrupt; recreate the key.', { cause });
  }
  return { params, salt, hash };
}

const b64 = (bytes: Buffer): string => bytes.toString('base64').replace(/=+$/, '');

/** Hashes a secret with a fresh random salt; the result embeds the parameters. */
export async function hashSecret(
  secret: string,
  params: ScryptParams = DEFAULT_SCRYPT_PARAMS,
): Promise<string> {
  checkParams(params);
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(secret, salt, params);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${b64(salt)}$${b64(hash)}`;
}

/**
 * True when `secret` is the one `stored` was made from. The comparison is constant-time; the time
 * taken depends only on the stored parameters, not on how much of the secret is right.
 * Throws ERR_INTERNAL when `stored` is not a hash this module wrote.
 */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const { params, salt, hash } = parse(stored);
  const candidate = await derive(secret, salt, params);
  return timingSafeEqual(candidate, hash);
}

/** True when `stored` was made with weaker parameters than `params`: rehash on next successful use. */
export function needsRehash(stored: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): boolean {
  const current = parse(stored).params;
  return current.ln < params.ln || current.r < params.r || current.p < params.p;
}
