import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isGustError } from '../../core/errors.js';
import { decryptValue, encryptValue, envelopeKeyId, isEncryptedValue, rewrap } from './envelope.js';
import { generateMasterKey, type MasterKey } from './master-key.js';

const SECRET = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';
const CONTEXT = 'secret:shop/stripe-key';

function assertDecryptionFailed(error: unknown, ...forbidden: string[]): true {
  assert.ok(isGustError(error), `expected a GustError, got ${String(error)}`);
  assert.equal(error.code, 'ERR_DECRYPTION_FAILED');
  for (const text of [SECRET, ...forbidden]) {
    assert.ok(!error.message.includes(text), `the message does not contain ${text}`);
  }
  return true;
}

function keyMaterial(key: MasterKey): string[] {
  const bytes = key.key.export();
  return [bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex')];
}

/** Replaces field `index` of a serialized envelope with a different value of the same shape. */
function tamper(encrypted: string, index: number): string {
  const fields = encrypted.split('.');
  const field = fields[index] ?? '';
  if (index === 1) {
    fields[index] = field === '00000000' ? '00000001' : '00000000';
  } else {
    const bytes = Buffer.from(field, 'base64url');
    if (bytes.length === 0) return encrypted;
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0x01;
    fields[index] = bytes.toString('base64url');
  }
  return fields.join('.');
}

describe('envelope encryption', () => {
  const key = generateMasterKey();

  it('decrypts what it encrypted, for text, binary and empty values', () => {
    assert.equal(decryptValue(key, encryptValue(key, SECRET, CONTEXT), CONTEXT).toString('utf8'), SECRET);
    const binary = Buffer.from([0, 255, 1, 254, 10, 13]);
    assert.deepEqual(decryptValue(key, encryptValue(key, binary, CONTEXT), CONTEXT), binary);
    assert.equal(decryptValue(key, encryptValue(key, '', CONTEXT), CONTEXT).length, 0);
    const unicode = 'pässwörd ✓ 🔑';
    assert.equal(decryptValue(key, encryptValue(key, unicode, CONTEXT), CONTEXT).toString('utf8'), unicode);
  });

  it('serializes to v1.<keyId> and seven base64url fields, naming the master key', () => {
    const encrypted = encryptValue(key, SECRET, CONTEXT);
    const fields = encrypted.split('.');
    assert.equal(fields.length, 8);
    assert.equal(fields[0], 'v1');
    assert.equal(fields[1], key.id);
    assert.equal(envelopeKeyId(encrypted), key.id);
    assert.deepEqual(
      fields.slice(2).map((f) => Buffer.from(f, 'base64url').length),
      [12, 32, 16, 12, 16, Buffer.byteLength(SECRET)],
    );
    assert.ok(isEncryptedValue(encrypted));
    assert.ok(!isEncryptedValue(SECRET));
    assert.equal(envelopeKeyId(SECRET), undefined);
  });

  it('never contains the value or the master key in any common encoding', () => {
    const value = Buffer.from(SECRET);
    const encrypted = encryptValue(key, SECRET, CONTEXT);
    for (const form of [
      SECRET,
      value.toString('base64'),
      value.toString('base64url'),
      value.toString('hex'),
      ...keyMaterial(key),
    ]) {
      assert.ok(!encrypted.includes(form), `the serialized form does not contain ${form}`);
    }
  });

  it('gives a different result each time the same value is encrypted', () => {
    const a = encryptValue(key, SECRET, CONTEXT).split('.');
    const b = encryptValue(key, SECRET, CONTEXT).split('.');
    for (let i = 2; i < 8; i++) assert.notEqual(a[i], b[i], `field ${i} differs`);
  });

  it('fails with ERR_DECRYPTION_FAILED when any part is tampered with', () => {
    const encrypted = encryptValue(key, SECRET, CONTEXT);
    const names = ['key id', 'wrap IV', 'wrapped key', 'wrap tag', 'IV', 'tag', 'ciphertext'];
    names.forEach((name, i) => {
      const changed = tamper(encrypted, i + 1);
      assert.notEqual(changed, encrypted, `${name} was changed`);
      assert.throws(() => decryptValue(key, changed, CONTEXT), assertDecryptionFailed, name);
    });
  });

  it('fails when a field is truncated, padded, re-encoded or missing, or the version is unknown', () => {
    const encrypted = encryptValue(key, SECRET, CONTEXT);
    const fields = encrypted.split('.');
    const variants = [
      encrypted.slice(0, -1),
      `${encrypted}A`,
      `${encrypted}.`,
      fields.slice(0, 7).join('.'),
      ['v2', ...fields.slice(1)].join('.'),
      fields.map((f, i) => (i === 7 ? `${f}==` : f)).join('.'),
      fields.map((f, i) => (i === 3 ? Buffer.from(f, 'base64url').toString('base64') + '!' : f)).join('.'),
      '',
      SECRET,
    ];
    for (const variant of variants) {
      assert.throws(() => decryptValue(key, variant, CONTEXT), assertDecryptionFailed, variant);
    }
  });

  it('fails when decrypted for another context, so a value cannot be moved to another secret', () => {
    const encrypted = encryptValue(key, SECRET, CONTEXT);
    for (const other of ['secret:shop/other', 'secret:shop/stripe-key ', 'SECRET:shop/stripe-key']) {
      assert.throws(() => decryptValue(key, encrypted, other), assertDecryptionFailed, other);
    }
    assert.throws(() => encryptValue(key, SECRET, ''), TypeError);
  });

  it('fails under another master key, naming both key ids and no key material', () => {
    const other = generateMasterKey();
    const encrypted = encryptValue(key, SECRET, CONTEXT);
    assert.throws(
      () => decryptValue(other, encrypted, CONTEXT),
      (error) => {
        assertDecryptionFailed(error, ...keyMaterial(key), ...keyMaterial(other));
        assert.match((error as Error).message, new RegExp(`${key.id}.*${other.id}`));
        return true;
      },
    );
    // Another key claiming the same id (only possible by tampering) still fails authentication.
    const forged = encrypted.replace(`v1.${key.id}.`, `v1.${other.id}.`);
    assert.throws(() => decryptValue(other, forged, CONTEXT), assertDecryptionFailed);
  });

  it('rewraps a value to a new master key without changing the value fields, after which the old key fails', () => {
    const next = generateMasterKey();
    const encrypted = encryptValue(key, SECRET, CONTEXT);
    const rewrapped = rewrap(key, next, encrypted, CONTEXT);
    assert.equal(decryptValue(next, rewrapped, CONTEXT).toString('utf8'), SECRET);
    assert.throws(() => decryptValue(key, rewrapped, CONTEXT), assertDecryptionFailed);
    assert.equal(envelopeKeyId(rewrapped), next.id);
    assert.deepEqual(
      rewrapped.split('.').slice(5),
      encrypted.split('.').slice(5),
      'IV, tag and ciphertext are kept',
    );
    assert.notDeepEqual(rewrapped.split('.').slice(2, 5), encrypted.split('.').slice(2, 5));
    // Running the rotation again is harmless.
    assert.equal(rewrap(key, next, rewrapped, CONTEXT), rewrapped);
  });

  it('refuses to rewrap a value that the old key did not wrap, or for the wrong context', () => {
    const next = generateMasterKey();
    const stranger = generateMasterKey();
    const encrypted = encryptValue(stranger, SECRET, CONTEXT);
    assert.throws(() => rewrap(key, next, encrypted, CONTEXT), assertDecryptionFailed);
    assert.throws(
      () => rewrap(key, next, encryptValue(key, SECRET, CONTEXT), 'secret:other'),
      assertDecryptionFailed,
    );
    assert.throws(
      () => rewrap(key, next, tamper(encryptValue(key, SECRET, CONTEXT), 3), CONTEXT),
      assertDecryptionFailed,
    );
  });
});
