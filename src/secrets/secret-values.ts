import { randomInt, timingSafeEqual } from 'node:crypto';
import { decryptValue, encryptValue } from '../auth/secrets/envelope.js';
import type { MasterKey } from '../auth/secrets/master-key.js';
import type { SecretValueKind } from '../store/secret-repository.js';
import { invalidParameter } from './secret-errors.js';

/** A secret's value: a SecretString, or a SecretBinary (bytes). */
export type SecretValue = { kind: 'string'; text: string } | { kind: 'binary'; bytes: Buffer };

/** AWS's limit for SecretString and SecretBinary. */
export const MAX_SECRET_BYTES = 65_536;
/** Length of a value `rotate` makes when none is given (AWS's GetRandomPassword default). */
export const GENERATED_LENGTH = 32;
/** Letters, digits and punctuation that need no quoting in a shell, URL userinfo or JSON. */
const GENERATED_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#%+-.:=?@^_~';

/** The context a secret's values are encrypted for: a value cannot be moved to another secret. */
export const secretContext = (name: string) => `secret:${name}`;

export function valueBytes(value: SecretValue): Buffer {
  return value.kind === 'string' ? Buffer.from(value.text, 'utf8') : value.bytes;
}

/**
 * The value as text: a SecretString as it is, a SecretBinary as base64. This is what a reference
 * in a function's environment becomes, and what redaction looks for.
 */
export function valueText(value: SecretValue): string {
  return value.kind === 'string' ? value.text : value.bytes.toString('base64');
}

/** Throws InvalidParameterException for an empty value or one over 64 KB. */
export function checkValue(value: SecretValue, parameter: string): SecretValue {
  const size = valueBytes(value).length;
  if (size === 0) throw invalidParameter(parameter, 'expected a value of at least 1 byte.');
  if (size > MAX_SECRET_BYTES) {
    throw invalidParameter(
      parameter,
      `the value is ${size} bytes; a secret holds at most ${MAX_SECRET_BYTES}.`,
    );
  }
  return value;
}

/** Equal kinds and bytes, compared in constant time. */
export function sameValue(a: SecretValue, b: SecretValue): boolean {
  const x = valueBytes(a);
  const y = valueBytes(b);
  return a.kind === b.kind && x.length === y.length && timingSafeEqual(x, y);
}

/** A random value of GENERATED_LENGTH characters, for rotation without a supplied value. */
export function generateValue(): SecretValue {
  let text = '';
  for (let i = 0; i < GENERATED_LENGTH; i++) text += GENERATED_ALPHABET[randomInt(GENERATED_ALPHABET.length)];
  return { kind: 'string', text };
}

export function encryptSecret(key: MasterKey, name: string, value: SecretValue): string {
  return encryptValue(key, valueBytes(value), secretContext(name));
}

export function decryptSecret(
  key: MasterKey,
  name: string,
  kind: SecretValueKind,
  encrypted: string,
): SecretValue {
  const bytes = decryptValue(key, encrypted, secretContext(name));
  return kind === 'string' ? { kind, text: bytes.toString('utf8') } : { kind, bytes };
}
