import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateMasterKey } from '../secrets/master-key.js';
import { createSessionIssuer, DEFAULT_SESSION_TTL_MS } from './session-credentials.js';

const NOW = Date.UTC(2026, 10, 27, 12);

describe('function session credentials', () => {
  const master = generateMasterKey();
  const issuer = createSessionIssuer(master);

  it('verifies what it issued, giving back the function and the same secret', () => {
    const c = issuer.issue('orders', NOW);
    assert.match(c.accessKeyId, /^GS[0-9A-F]{18}$/);
    assert.equal(c.expiresAt, NOW + DEFAULT_SESSION_TTL_MS);
    const verified = issuer.verify(c.sessionToken, c.accessKeyId, NOW + 1000);
    assert.deepEqual(verified.claims, { functionName: 'orders', expiresAt: c.expiresAt });
    assert.equal(verified.secret, c.secretAccessKey);
  });

  it('refuses a token that was changed, belongs to another key id, or expired', () => {
    const c = issuer.issue('orders', NOW);
    const [v, payload, mac] = c.sessionToken.split('.');
    const forged = Buffer.from(JSON.stringify({ f: 'admin', e: NOW * 2, n: 'x' })).toString('base64url');
    assert.throws(() => issuer.verify(`${v}.${forged}.${mac}`, c.accessKeyId, NOW), {
      code: 'ERR_INVALID_CREDENTIALS',
      message: /not one Gust issued/,
    });
    assert.throws(() => issuer.verify(`${v}.${payload}.${mac}x`, c.accessKeyId, NOW), {
      code: 'ERR_INVALID_CREDENTIALS',
    });
    const other = issuer.issue('orders', NOW);
    assert.throws(() => issuer.verify(c.sessionToken, other.accessKeyId, NOW), {
      message: /does not belong/,
    });
    assert.throws(() => issuer.verify(c.sessionToken, c.accessKeyId, c.expiresAt), { message: /expired/ });
  });

  it('refuses tokens issued under another master key', () => {
    const c = createSessionIssuer(generateMasterKey()).issue('orders', NOW);
    assert.throws(() => issuer.verify(c.sessionToken, c.accessKeyId, NOW), {
      code: 'ERR_INVALID_CREDENTIALS',
    });
  });
});
