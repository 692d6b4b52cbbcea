import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GustError } from '../../core/errors.js';
import { type SigV4Request, verifySigV4 } from './sigv4.js';
import { KNOWN_KEY, lookupSecret, signHeaders } from './sigv4-test-support.js';

const T = Date.UTC(2024, 0, 2, 3, 4, 5);
const HOST = 'gust.example:7800';
const PATH = '/2015-03-31/functions/hello/invocations';
const BODY = '{"n":1}';

/** A request the SDK would send: signed by the same library, at time T. */
async function signedRequest(extraHeaders: Record<string, string> = {}): Promise<SigV4Request> {
  const headers = await signHeaders(
    { method: 'POST', host: HOST, path: PATH, body: BODY, headers: extraHeaders },
    { date: new Date(T) },
  );
  return { method: 'POST', url: PATH, headers, body: Buffer.from(BODY) };
}

function withAuthorization(request: SigV4Request, value: string): SigV4Request {
  return { ...request, headers: { ...request.headers, authorization: value } };
}

async function rejection(request: SigV4Request, now = T): Promise<GustError> {
  try {
    await verifySigV4(request, lookupSecret, now);
  } catch (error) {
    assert.ok(error instanceof GustError, String(error));
    return error;
  }
  assert.fail('the request was accepted');
}

describe('verifySigV4 on well-formed requests', () => {
  it('accepts the request at its own time and up to 5 minutes either side', async () => {
    const request = await signedRequest();
    for (const now of [T, T - 5 * 60_000, T + 5 * 60_000]) {
      const identity = await verifySigV4(request, lookupSecret, now);
      assert.equal(identity.accessKeyId, KNOWN_KEY.accessKeyId);
      assert.equal(identity.service, 'lambda');
    }
  });

  it('rejects the same request 5 minutes and 1 second later, or with a smaller allowed skew', async () => {
    const request = await signedRequest();
    const late = await rejection(request, T + 5 * 60_000 + 1000);
    assert.equal(late.code, 'ERR_REQUEST_EXPIRED');
    assert.equal(late.status, 403);
    assert.equal(
      late.message,
      "Signature expired: 20240102T030405Z is now earlier than 20240102T030406Z (20240102T030906Z - 5 min.). Check the client's clock; a signed request is accepted for 5 min. only.",
    );
    await assert.rejects(verifySigV4(request, lookupSecret, T + 31_000, { maxSkewMs: 30_000 }), {
      code: 'ERR_REQUEST_EXPIRED',
    });
  });

  it('accepts an Authorization header without spaces after the commas', async () => {
    const request = await signedRequest();
    const compact = String(request.headers.authorization).replaceAll(', ', ',');
    assert.equal(
      (await verifySigV4(withAuthorization(request, compact), lookupSecret, T)).region,
      'us-east-1',
    );
  });

  it('checks the scope against the expected service and region when asked', async () => {
    const request = await signedRequest();
    await verifySigV4(request, lookupSecret, T, { service: 'lambda', region: 'us-east-1' });
    await assert.rejects(verifySigV4(request, lookupSecret, T, { service: 'sqs' }), {
      code: 'ERR_MALFORMED_AUTHORIZATION',
      message: "The credential scope must name service 'sqs', not 'lambda': sign for the service you call.",
    });
  });

  it('accepts UNSIGNED-PAYLOAD only when allowed, and then reports the body as unsigned', async () => {
    const request = await signedRequest({ 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' });
    assert.equal((await verifySigV4(request, lookupSecret, T)).payloadSigned, false);
    await assert.rejects(verifySigV4(request, lookupSecret, T, { allowUnsignedPayload: false }), {
      code: 'ERR_MALFORMED_AUTHORIZATION',
    });
  });
});

describe('verifySigV4 against published AWS test vectors', () => {
  const suiteKey = { AKIDEXAMPLE: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' } as Record<string, string>;
  const lookup = async (id: string) => suiteKey[id];
  const at = Date.UTC(2015, 7, 30, 12, 36, 0);
  const auth = (signature: string) =>
    `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${signature}`;
  const vanilla = (url: string, signature: string): SigV4Request => ({
    method: 'GET',
    url,
    headers: {
      host: 'example.amazonaws.com',
      'x-amz-date': '20150830T123600Z',
      authorization: auth(signature),
    },
    body: Buffer.alloc(0),
  });

  it('accepts get-vanilla', async () => {
    const request = vanilla('/', '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31');
    assert.equal((await verifySigV4(request, lookup, at)).accessKeyId, 'AKIDEXAMPLE');
  });

  it('accepts get-vanilla-query-order-key-case, whose query the signer sorted', async () => {
    const request = vanilla(
      '/?Param2=value2&Param1=value1',
      'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500',
    );
    assert.equal((await verifySigV4(request, lookup, at)).service, 'service');
  });

  it('accepts the 2011 suite get-vanilla and get-relative, signed with a Date header instead of X-Amz-Date', async () => {
    for (const url of ['/', '/foo/bar/../..']) {
      const request: SigV4Request = {
        method: 'GET',
        url,
        headers: {
          host: 'host.foo.com',
          date: 'Mon, 09 Sep 2011 23:36:00 GMT',
          authorization:
            'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20110909/us-east-1/host/aws4_request, SignedHeaders=date;host, Signature=b27ccfbfa7df52a200ff74193ca6e32d4b48b8856fab7ebf1c595d0670a7e470',
        },
        body: Buffer.alloc(0),
      };
      assert.equal((await verifySigV4(request, lookup, Date.UTC(2011, 8, 9, 23, 36))).service, 'host');
    }
  });

  it("accepts S3's documented GET Object example, signed with S3's single path encoding", async () => {
    const request: SigV4Request = {
      method: 'GET',
      url: '/test.txt',
      headers: {
        host: 'examplebucket.s3.amazonaws.com',
        range: 'bytes=0-9',
        'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        'x-amz-date': '20130524T000000Z',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
      },
      body: Buffer.alloc(0),
    };
    const identity = await verifySigV4(
      request,
      async (id) => (id === 'AKIAIOSFODNN7EXAMPLE' ? 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' : undefined),
      Date.UTC(2013, 4, 24),
    );
    assert.deepEqual(identity.signedHeaders, ['host', 'range', 'x-amz-content-sha256', 'x-amz-date']);
  });
});

describe('verifySigV4 on malformed requests', () => {
  const scope = () => `${KNOWN_KEY.accessKeyId}/20240102/us-east-1/lambda/aws4_request`;
  const sig = 'a'.repeat(64);
  /** [broken Authorization header, status, expected message]. */
  const brokenHeaders = (): [string, number, string][] => [
    ['AWS4-HMAC-SHA256', 400, 'The Authorization header is missing Credential=, SignedHeaders=, Signature=.'],
    [
      `AWS4-HMAC-SHA1 Credential=${scope()}, SignedHeaders=host, Signature=${sig}`,
      400,
      "The Authorization header's algorithm must be AWS4-HMAC-SHA256, not 'AWS4-HMAC-SHA1'.",
    ],
    [
      `AWS4-ECDSA-P256-SHA256 Credential=${scope()}, SignedHeaders=host, Signature=${sig}`,
      400,
      "The Authorization header's algorithm must be AWS4-HMAC-SHA256, not 'AWS4-ECDSA-P256-SHA256' (SigV4a is not supported).",
    ],
    [
      `AWS4-HMAC-SHA256 Credential=${KNOWN_KEY.accessKeyId}/20240102/us-east-1/lambda, SignedHeaders=host, Signature=${sig}`,
      400,
      "The Authorization header Credential must be ACCESS_KEY_ID/YYYYMMDD/REGION/SERVICE/aws4_request, with 5 non-empty parts separated by '/'; got 4 part(s).",
    ],
    [
      `AWS4-HMAC-SHA256 Credential=${KNOWN_KEY.accessKeyId}/20240230/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=${sig}`,
      400,
      "The date in The Authorization header Credential must be a real day as YYYYMMDD, not '20240230'.",
    ],
    [
      `AWS4-HMAC-SHA256 Credential=${KNOWN_KEY.accessKeyId}/20240102/us-east-1/lambda/aws4_reques, SignedHeaders=host, Signature=${sig}`,
      400,
      "The Authorization header Credential must end with '/aws4_request', not '/aws4_reques'.",
    ],
    [
      `AWS4-HMAC-SHA256 Credential=${KNOWN_KEY.accessKeyId}/20240102/us-east-1/Lambda/aws4_request, SignedHeaders=host, Signature=${sig}`,
      400,
      "The service in The Authorization header Credential must be a lowercase signing name such as 'lambda' or 'sqs', not 'Lambda'.",
    ],
    [
      `AWS4-HMAC-SHA256 Credential=${scope()}, SignedHeaders=x-amz-date;host, Signature=${sig}`,
      400,
      "The Authorization header SignedHeaders must list each header once, sorted: 'x-amz-date' comes before 'host'.",
    ],
    [
      `AWS4-HMAC-SHA256 Credential=${scope()}, SignedHeaders=content-type;x-amz-date, Signature=${sig}`,
      400,
      'The Authorization header SignedHeaders must include host, so the request cannot be sent to another server.',
    ],
    [
      `AWS4-HMAC-SHA256 Credential=${scope()}, SignedHeaders=Host;x-amz-date, Signature=${sig}`,
      400,
      "The Authorization header SignedHeaders must be lowercase header names separated by ';', but has 'Host'.",
    ],
    [
      `AWS4-HMAC-SHA256 Credential=${scope()}, SignedHeaders=authorization;host, Signature=${sig}`,
      400,
      'The Authorization header SignedHeaders cannot include authorization: a signature cannot sign itself.',
    ],
    [
      `AWS4-HMAC-SHA256 Credential=${scope()}, SignedHeaders=host, Signature=XYZ`,
      400,
      'The Authorization header Signature must be 64 lowercase hexadecimal digits.',
    ],
    [
      `AWS4-HMAC-SHA256 Credential=${scope()}, SignedHeaders=host, Signature=${sig}, Foo=bar`,
      400,
      "The Authorization header has an unexpected part 'Foo': it takes Credential=, SignedHeaders= and Signature=, separated by commas.",
    ],
    [
      `AWS4-HMAC-SHA256 Credential=${scope()}, SignedHeaders=host, Signature=${sig}, Signature=${sig}`,
      400,
      'The Authorization header has Signature= twice.',
    ],
    [
      `AWS4-HMAC-SHA256 Credential=${scope()}, SignedHeaders=host, Signature=`,
      400,
      "The Authorization header's Signature has no value.",
    ],
    [
      `AWS4-HMAC-SHA256 Credential=${scope()} SignedHeaders=host Signature=${sig}`,
      400,
      'The Authorization header is missing SignedHeaders=, Signature=.',
    ],
  ];

  it('names what is wrong in each broken Authorization header', async () => {
    const request = await signedRequest();
    for (const [header, status, message] of brokenHeaders()) {
      const error = await rejection(withAuthorization(request, header));
      assert.equal(error.message, message, header);
      assert.equal(error.status, status, header);
      assert.equal(error.code, 'ERR_MALFORMED_AUTHORIZATION');
      assert.equal(error.awsType, 'IncompleteSignatureException');
    }
  });

  it('requires an X-Amz-Date or Date header in a well-formed UTC format', async () => {
    const request = await signedRequest();
    const { 'x-amz-date': _dropped, ...withoutDate } = request.headers;
    assert.equal(
      (await rejection({ ...request, headers: withoutDate })).message,
      'A SigV4-signed request needs an X-Amz-Date (or Date) header.',
    );
    assert.equal(
      (await rejection({ ...request, headers: { ...request.headers, 'x-amz-date': '2024-01-02T03:04:05Z' } }))
        .message,
      "The X-Amz-Date header must be a UTC time as YYYYMMDDTHHMMSSZ, not '2024-01-02T03:04:05Z'.",
    );
  });

  it("rejects a credential scope whose day is not the request's day", async () => {
    const request = await signedRequest();
    const shifted = String(request.headers.authorization).replace('/20240102/', '/20240101/');
    assert.equal(
      (await rejection(withAuthorization(request, shifted))).message,
      "The credential scope's date 20240101 must be the day of the request's time 20240102T030405Z.",
    );
  });

  it('rejects a signed header that is missing from the request', async () => {
    const request = await signedRequest({ 'x-custom': 'yes' });
    const { 'x-custom': _dropped, ...headers } = request.headers;
    const error = await rejection({ ...request, headers });
    assert.equal(error.message, "The signed header 'x-custom' is not in the request.");
    assert.deepEqual(error.details, { header: 'x-custom' });
  });

  it('rejects a signature whose SignedHeaders leave out host', async () => {
    const request = await signedRequest();
    const noHost = String(request.headers.authorization).replace('host;', '');
    assert.match((await rejection(withAuthorization(request, noHost))).message, /must include host/);
  });

  it('rejects a content hash that is not a hash, and chunk-signed uploads', async () => {
    const notHash = await signedRequest({ 'x-amz-content-sha256': 'abc' });
    assert.equal(
      (await rejection(notHash)).message,
      "x-amz-content-sha256 must be the body's SHA-256 as 64 lowercase hexadecimal digits, or UNSIGNED-PAYLOAD.",
    );
    const streaming = await signedRequest({ 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' });
    assert.match((await rejection(streaming)).message, /does not take chunk-signed bodies/);
  });

  it('rejects a request carrying an AWS session token as invalid credentials', async () => {
    const request = await signedRequest({ 'x-amz-security-token': 'FwoGZXIvYXdzE...' });
    const error = await rejection(request);
    assert.equal(error.code, 'ERR_INVALID_CREDENTIALS');
    assert.match(error.message, /unset AWS_SESSION_TOKEN/);
  });

  it('rejects a request with both an Authorization header and presigned query parameters', async () => {
    const request = await signedRequest();
    const error = await rejection({ ...request, url: `${PATH}?X-Amz-Signature=${sig}` });
    assert.equal(
      error.message,
      'The request has both an Authorization header and X-Amz-* signature query parameters; use one.',
    );
  });

  it('rejects a request with no signature at all as unauthenticated (401)', async () => {
    const error = await rejection({
      method: 'GET',
      url: '/',
      headers: { host: HOST },
      body: Buffer.alloc(0),
    });
    assert.equal(error.code, 'ERR_UNAUTHENTICATED');
    assert.equal(error.status, 401);
  });

  it('names each missing or broken presigned-URL parameter', async () => {
    const cases: [string, string][] = [
      [
        'X-Amz-Signature=' + sig,
        'The presigned URL is missing X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders.',
      ],
      [
        `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${encodeURIComponent(scope())}&X-Amz-Date=20240102T030405Z&X-Amz-Expires=604801&X-Amz-SignedHeaders=host&X-Amz-Signature=${sig}`,
        "X-Amz-Expires must be a whole number of seconds from 1 to 604800 (7 days), not '604801'.",
      ],
      [
        `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${encodeURIComponent(scope())}&X-Amz-Date=20240102&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=${sig}`,
        "X-Amz-Date must be a UTC time as YYYYMMDDTHHMMSSZ, not '20240102'.",
      ],
      [
        `X-Amz-Signature=${sig}&X-Amz-Signature=${sig}`,
        'The query parameter X-Amz-Signature appears more than once.',
      ],
    ];
    for (const [query, message] of cases) {
      const error = await rejection({
        method: 'GET',
        url: `/?${query}`,
        headers: { host: HOST },
        body: Buffer.alloc(0),
      });
      assert.equal(error.message, message, query);
      assert.equal(error.status, 400);
    }
  });

  it('answers broken percent-encoding in the query with 400 ERR_BAD_REQUEST', async () => {
    const request = await signedRequest();
    const error = await rejection({ ...request, url: `${PATH}?a=%E0%A4%A` });
    assert.equal(error.code, 'ERR_BAD_REQUEST');
  });
});
