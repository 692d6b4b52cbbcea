import { createCipheriv, createDecipheriv, type KeyObject, randomBytes } from 'node:crypto';
import { GustError } from '../../core/errors.js';
import type { MasterKey } from './master-key.js';

/**
 * Envelope encryption for secret values. Each value gets a fresh random data key; the value is
 * sealed with AES-256-GCM under the data key, and the data key is sealed with AES-256-GCM under the
 * master key. Rotating the master key rewraps 32-byte data keys and never touches the values.
 *
 * Serialized form, eight `.`-separated fields, binary fields in unpadded base64url:
 *
 *   v1.<keyId>.<wrapIv>.<wrappedKey>.<wrapTag>.<iv>.<tag>.<ciphertext>
 *
 *   keyId       8 hex digits: the id of the master key that wrapped the data key
 *   wrapIv      12 bytes: IV for wrapping the data key
 *   wrappedKey  32 bytes: the data key, encrypted under the master key
 *   wrapTag     16 bytes: GCM tag of the wrap; its additional data is "v1.<keyId>.<context>"
 *   iv          12 bytes: IV for the value
 *   tag         16 bytes: GCM tag of the value; its additional data is "v1.<context>"
 *   ciphertext  the value, encrypted under the data key (as long as the value)
 *
 * Invariants: the same value encrypted twice gives unrelated strings (fresh key and IVs); a string
 * decrypts only with the master key named by keyId and with the context it was made for, so a
 * stored ciphertext copied to another secret's row fails instead of revealing this one's value.
 */

/** A serialized envelope. Branded so that a plain string (a plaintext!) cannot be stored by mistake. */
export type EncryptedValue = string & { readonly __brand: 'EncryptedValue' };

export const ENVELOPE_VERSION = 'v1';

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[0-9a-f]{8}$/;

interface Envelope {
  keyId: string;
  wrapIv: Buffer;
  wrappedKey: Buffer;
  wrapTag: Buffer;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

/**
 * Encrypts `plaintext` (a string is taken as UTF-8) for `context`, which names what the value
 * belongs to (for example `secret:shop/stripe-key`); decrypting needs the same context.
 */
export function encryptValue(
  masterKey: MasterKey,
  plaintext: Buffer | string,
  context: string,
): EncryptedValue {
  checkContext(context);
  const dataKey = randomBytes(KEY_BYTES);
  const bytes = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  try {
    const iv = randomBytes(IV_BYTES);
    const { ciphertext, tag } = seal(dataKey, iv, valueAad(context), bytes);
    return serialize({ ...wrap(masterKey, dataKey, context), iv, tag, ciphertext });
  } finally {
    dataKey.fill(0);
    // Only the copy made here is wiped; the caller's own Buffer is left as it was.
    if (bytes !== plaintext) bytes.fill(0);
  }
}

/**
 * Decrypts a string made by `encryptValue` (or `rewrap`). Throws ERR_DECRYPTION_FAILED when it was
 * wrapped under another master key, was changed in any way, or was made for another context.
 */
export function decryptValue(masterKey: MasterKey, encrypted: string, context: string): Buffer {
  checkContext(context);
  const envelope = parse(encrypted, context);
  const dataKey = unwrap(masterKey, envelope, context);
  try {
    return open(dataKey, envelope.iv, valueAad(context), envelope.ciphertext, envelope.tag, context);
  } finally {
    dataKey.fill(0);
  }
}

/**
 * Moves a value from `oldKey` to `newKey` by rewrapping its data key; the value's IV, tag and
 * ciphertext are kept byte for byte and the value is never decrypted. A value already wrapped by
 * `newKey` is checked and returned as it is, so an interrupted rotation can simply run again.
 */
export function rewrap(
  oldKey: MasterKey,
  newKey: MasterKey,
  encrypted: string,
  context: string,
): EncryptedValue {
  checkContext(context);
  const envelope = parse(encrypted, context);
  if (envelope.keyId === newKey.id && envelope.keyId !== oldKey.id) {
    unwrap(newKey, envelope, context).fill(0);
    return encrypted as EncryptedValue;
  }
  const dataKey = unwrap(oldKey, envelope, context);
  try {
    return serialize({ ...envelope, ...wrap(newKey, dataKey, context) });
  } finally {
    dataKey.fill(0);
  }
}

/** The id of the master key that wrapped `encrypted`, or undefined when it is not an envelope. */
export function envelopeKeyId(encrypted: string): string | undefined {
  const [version, keyId] = encrypted.split('.', 2);
  return version === ENVELOPE_VERSION && keyId !== undefined && KEY_ID.test(keyId) ? keyId : undefined;
}

/** True when `value` has the shape of a serialized envelope (it is not decrypted). */
export function isEncryptedValue(value: string): value is EncryptedValue {
  try {
    parse(value, '');
    return true;
  } catch {
    return false;
  }
}

function wrap(
  masterKey: MasterKey,
  dataKey: Buffer,
  context: string,
): Pick<Envelope, 'keyId' | 'wrapIv' | 'wrappedKey' | 'wrapTag'> {
  const wrapIv = randomBytes(IV_BYTES);
  const sealed = seal(masterKey.key, wrapIv, wrapAad(masterKey.id, context), dataKey);
  return { keyId: masterKey.id, wrapIv, wrappedKey: sealed.ciphertext, wrapTag: sealed.tag };
}

function unwrap(masterKey: MasterKey, envelope: Envelope, context: string): Buffer {
  if (envelope.keyId !== masterKey.id) {
    throw failed(
      context,
      `it was encrypted under master key ${envelope.keyId}, but the loaded master key is ${masterKey.id}. ` +
        `Start Gust with the master key it was written with (restore master.key or GUST_MASTER_KEY from backup)`,
    );
  }
  const aad = wrapAad(envelope.keyId, context);
  return open(masterKey.key, envelope.wrapIv, aad, envelope.wrappedKey, envelope.wrapTag, context);
}

function seal(key: KeyObject | Buffer, iv: Buffer, aad: Buffer, plaintext: Buffer) {
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, tag: cipher.getAuthTag() };
}

function open(
  key: KeyObject | Buffer,
  iv: Buffer,
  aad: Buffer,
  ciphertext: Buffer,
  tag: Buffer,
  context: string,
) {
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch (error) {
    // OpenSSL's message ("unable to authenticate data") carries no key or data, so it is kept as cause.
    throw failed(
      context,
      'it does not authenticate: the stored data was changed, belongs to another secret, or was written ' +
        'under a different master key',
      error,
    );
  }
}

const valueAad = (context: string) => Buffer.from(`${ENVELOPE_VERSION}.${context}`, 'utf8');
const wrapAad = (keyId: string, context: string) =>
  Buffer.from(`${ENVELOPE_VERSION}.${keyId}.${context}`, 'utf8');

function serialize(e: Envelope): EncryptedValue {
  const b64 = (b: Buffer) => b.toString('base64url');
  return [
    ENVELOPE_VERSION,
    e.keyId,
    b64(e.wrapIv),
    b64(e.wrappedKey),
    b64(e.wrapTag),
    b64(e.iv),
    b64(e.tag),
    b64(e.ciphertext),
  ].join('.') as EncryptedValue;
}

/** Parses strictly: the right version, field count, field lengths and canonical base64url only. */
function parse(encrypted: string, context: string): Envelope {
  const fields = encrypted.split('.');
  const [version, keyId, wrapIv, wrappedKey, wrapTag, iv, tag, ciphertext] = fields;
  if (fields.length !== 8 || version !== ENVELOPE_VERSION || keyId === undefined || !KEY_ID.test(keyId)) {
    const why = version?.startsWith('v') && version !== ENVELOPE_VERSION;
    throw failed(
      context,
      why
        ? `its format ${version} is not one this Gust reads (upgrade Gust)`
        : 'it is not a Gust encrypted value',
    );
  }
  return {
    keyId,
    wrapIv: field(wrapIv, IV_BYTES, context),
    wrappedKey: field(wrappedKey, KEY_BYTES, context),
    wrapTag: field(wrapTag, TAG_BYTES, context),
    iv: field(iv, IV_BYTES, context),
    tag: field(tag, TAG_BYTES, context),
    ciphertext: field(ciphertext, undefined, context),
  };
}

function field(text: string | undefined, bytes: number | undefined, context: string): Buffer {
  const buffer = Buffer.from(text ?? '', 'base64url');
  // Node's decoder skips characters outside the alphabet; re-encoding catches those and any
  // non-canonical encoding, so exactly one string stands for each envelope.
  if (
    text === undefined ||
    buffer.toString('base64url') !== text ||
    (bytes !== undefined && buffer.length !== bytes)
  ) {
    throw failed(context, 'it is not a well-formed Gust encrypted value (a field is damaged)');
  }
  return buffer;
}

function failed(context: string, why: string, cause?: unknown): GustError {
  const what = context === '' ? 'a stored value' : `the stored value for ${context}`;
  return new GustError('ERR_DECRYPTION_FAILED', `Cannot decrypt ${what}: ${why}.`, { cause });
}

function checkContext(context: string): void {
  // An empty context would bind nothing: any value could be moved to any other row.
  if (context === '') throw new TypeError('Envelope encryption needs a non-empty context');
}
