import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatBearerToken,
  generateAccessKeyId,
  generateKeyPair,
  generateSecret,
  isAccessKeyId,
  isSecret,
  parseBearerToken,
} from './key-format.js';

describe('key format', () => {
  it('makes 20-character access key ids of GK and base32, different every time', () => {
    const ids = new Set(Array.from({ length: 200 }, () => generateAccessKeyId()));
    assert.equal(ids.size, 200);
    for (const id of ids) {
      assert.match(id, /^GK[A-Z2-7]{18}$/);
      assert.ok(isAccessKeyId(id));
    }
  });

  it("maps each random byte's low 5 bits to one base32 character", () => {
    const fixed = (start: number) => () => Buffer.from(Array.from({ length: 18 }, (_, i) => start + i));
    assert.equal(generateAccessKeyId(fixed(0)), 'GKABCDEFGHIJKLMNOPQR');
    assert.equal(generateAccessKeyId(fixed(14)), 'GKOPQRSTUVWXYZ234567');
    assert.equal(generateAccessKeyId(fixed(14 + 224)), 'GKOPQRSTUVWXYZ234567');
  });

  it('makes 40-character base64url secrets', () => {
    const secret = generateSecret();
    assert.match(secret, /^[A-Za-z0-9_-]{40}$/);
    assert.ok(isSecret(secret));
    assert.notEqual(generateSecret(), secret);
  });

  it('round-trips a key pair through its bearer token, even when the secret holds underscores', () => {
    const key = { accessKeyId: 'GKABCDEFGHIJKLMNOPQR', secret: `_${'a_'.repeat(19)}b` };
    const token = formatBearerToken(key);
    assert.equal(token, `gust_GKABCDEFGHIJKLMNOPQR_${key.secret}`);
    assert.deepEqual(parseBearerToken(token), { ok: true, key });
    const random = generateKeyPair();
    assert.deepEqual(parseBearerToken(formatBearerToken(random)), { ok: true, key: random });
  });

  it('says what is wrong with a string that is not a bearer token, without repeating the secret', () => {
    const secret = 'S'.repeat(40);
    const cases: [string, RegExp][] = [
      [`ghp_GKABCDEFGHIJKLMNOPQR_${secret}`, /does not start with 'gust_'/],
      [`gust_AKIAABCDEFGHIJKLMNOP_${secret}`, /20-character access key id/],
      [`gust_GKABCDEFGHIJKLMNOPQ1_${secret}`, /20-character access key id/],
      [`gust_GKABCDEFGHIJKLMNOPQR:${secret}`, /followed by '_' and the secret/],
      [`gust_GKABCDEFGHIJKLMNOPQR_${secret}x`, /40 characters .* \(it has 41\)/],
      [`gust_GKABCDEFGHIJKLMNOPQR_${'S'.repeat(39)}=`, /40 characters/],
    ];
    for (const [token, problem] of cases) {
      const parsed = parseBearerToken(token);
      assert.equal(parsed.ok, false, token);
      if (!parsed.ok) {
        assert.match(parsed.problem, problem, token);
        assert.ok(!parsed.problem.includes(secret));
      }
    }
  });
});
