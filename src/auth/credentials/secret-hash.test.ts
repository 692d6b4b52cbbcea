import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GustError } from '../../core/errors.js';
import { DEFAULT_SCRYPT_PARAMS, hashSecret, needsRehash, verifySecret } from './secret-hash.js';

/** Cheap parameters keep the tests fast; one test uses the defaults. */
const FAST = { ln: 10, r: 8, p: 1 };

describe('secret hashes', () => {
  it('verify the secret they were made from and no other', async () => {
    const stored = await hashSecret('correct horse battery staple', FAST);
    assert.equal(await verifySecret('correct horse battery staple', stored), true);
    assert.equal(await verifySecret('correct horse battery stapler', stored), false);
    assert.equal(await verifySecret('', stored), false);
  });

  it('embed their parameters and a fresh salt, so equal secrets hash differently', async () => {
    const a = await hashSecret('same', FAST);
    const b = await hashSecret('same', FAST);
    assert.match(a, /^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    assert.notEqual(a, b);
    assert.equal(await verifySecret('same', b), true);
  });

  it('use N=2^15, r=8, p=1 by default and verify with the parameters they carry', async () => {
    assert.deepEqual({ ...DEFAULT_SCRYPT_PARAMS }, { ln: 15, r: 8, p: 1 });
    const stored = await hashSecret('s3cret');
    assert.ok(stored.startsWith('$scrypt$ln=15,r=8,p=1$'));
    assert.equal(await verifySecret('s3cret', stored), true);
  });

  it('report when a hash was made with weaker parameters than the current ones', async () => {
    const weak = await hashSecret('x', FAST);
    assert.equal(needsRehash(weak), true);
    assert.equal(needsRehash(weak, FAST), false);
  });

  it('refuse a corrupt stored hash with ERR_INTERNAL instead of answering false', async () => {
    const good = await hashSecret('x', FAST);
    const corrupt = [
      'plaintext-secret',
      good.replace('ln=10', 'ln=40'),
      good.replace(/\$[^$]+$/, '$AAAA'),
      good.replace('$scrypt$', '$argon2id$'),
    ];
    for (const stored of corrupt) {
      await assert.rejects(verifySecret('x', stored), (error: unknown) => {
        assert.ok(error instanceof GustError);
        assert.equal(error.code, 'ERR_INTERNAL');
        return true;
      });
    }
  });

  it('refuse to hash with parameters outside the safe range', async () => {
    await assert.rejects(hashSecret('x', { ln: 8, r: 8, p: 1 }), RangeError);
  });
});
