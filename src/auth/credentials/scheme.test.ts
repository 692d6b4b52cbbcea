import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectAuthScheme } from './scheme.js';

describe('authentication scheme detection', () => {
  it('tells bearer tokens, SigV4 headers, presigned URLs and anonymous requests apart', () => {
    assert.equal(detectAuthScheme('Bearer gust_x', ''), 'bearer');
    assert.equal(detectAuthScheme('AWS4-HMAC-SHA256 Credential=...', ''), 'sigv4');
    assert.equal(detectAuthScheme('AWS4-ECDSA-P256-SHA256 Credential=...', ''), 'sigv4');
    assert.equal(detectAuthScheme(undefined, 'a=1&X-Amz-Signature=abc'), 'sigv4');
    assert.equal(detectAuthScheme(undefined, 'X-Amz-Target=1'), 'none');
    assert.equal(detectAuthScheme(undefined, ''), 'none');
  });

  it('refuses other schemes with 401, naming the scheme', () => {
    assert.throws(() => detectAuthScheme('Basic dXNlcjpwYXNz', ''), {
      code: 'ERR_UNAUTHENTICATED',
      status: 401,
      message:
        "Gust does not take 'Basic' credentials: send 'Authorization: Bearer gust_...' or sign the request with AWS Signature Version 4.",
    });
    assert.throws(() => detectAuthScheme('AWS AKIAEXAMPLE:c2lnbmF0dXJl', ''), {
      code: 'ERR_UNAUTHENTICATED',
    });
  });
});
