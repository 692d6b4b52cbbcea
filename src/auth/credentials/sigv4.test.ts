import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { generateKeyPair, type KeyPair } from './key-format.js';
import {
  KNOWN_KEY,
  presignUrl,
  sendRaw,
  signHeaders,
  startVerifyingServer,
  type VerifyingServer,
} from './sigv4-test-support.js';

/** What the AWS SDK exceptions carry that the tests look at. */
interface SdkError {
  name: string;
  message: string;
  $metadata: { httpStatusCode?: number };
}

function lambdaClient(server: VerifyingServer, key: KeyPair, extra: { systemClockOffset?: number } = {}) {
  return new LambdaClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secret },
    maxAttempts: 1,
    ...extra,
  });
}

function sqsClient(server: VerifyingServer, key: KeyPair) {
  return new SQSClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secret },
    maxAttempts: 1,
  });
}

const invoke = (client: LambdaClient, payload = '{"n":1}') =>
  client.send(new InvokeCommand({ FunctionName: 'my fn:prod', Payload: new TextEncoder().encode(payload) }));

/** Asserts the SDK rejected with this exception name, status and message part. */
async function rejectsWith(promise: Promise<unknown>, name: string, status: number, message: RegExp) {
  await assert.rejects(promise, (error: unknown) => {
    const e = error as SdkError;
    assert.equal(e.name, name);
    assert.equal(e.$metadata.httpStatusCode, status);
    assert.match(e.message, message);
    return true;
  });
}

describe('SigV4 verification with the real AWS SDK clients', () => {
  let server: VerifyingServer;
  before(async () => {
    server = await startVerifyingServer();
  });
  after(() => server.close());
  beforeEach(() => {
    server.verified.length = 0;
    server.clockOffsetMs = 0;
  });

  it('accepts a Lambda Invoke signed with a known key and reports who signed it', async () => {
    const client = lambdaClient(server, KNOWN_KEY);
    try {
      const out = await invoke(client);
      assert.equal(out.StatusCode, 200);
      assert.deepEqual(JSON.parse(new TextDecoder().decode(out.Payload)), {
        accessKeyId: KNOWN_KEY.accessKeyId,
        service: 'lambda',
      });
      const identity = server.verified[0];
      assert.equal(identity?.accessKeyId, KNOWN_KEY.accessKeyId);
      assert.equal(identity?.region, 'us-east-1');
      assert.equal(identity?.presigned, false);
      assert.equal(identity?.payloadSigned, true);
      assert.ok(identity?.signedHeaders.includes('host'));
    } finally {
      client.destroy();
    }
  });

  it('accepts an SQS call (AWS JSON protocol) signed with a known key', async () => {
    const client = sqsClient(server, KNOWN_KEY);
    try {
      const out = await client.send(new ListQueuesCommand({}));
      assert.deepEqual(out.QueueUrls, [`http://queues/${KNOWN_KEY.accessKeyId}`]);
      assert.equal(server.verified[0]?.service, 'sqs');
    } finally {
      client.destroy();
    }
  });

  it('rejects a request signed with the wrong secret as InvalidSignatureException (403)', async () => {
    const wrong = lambdaClient(server, {
      accessKeyId: KNOWN_KEY.accessKeyId,
      secret: generateKeyPair().secret,
    });
    try {
      await rejectsWith(
        invoke(wrong),
        'InvalidSignatureException',
        403,
        /does not match the one Gust computed/,
      );
      assert.equal(server.verified.length, 0);
    } finally {
      wrong.destroy();
    }
  });

  it('rejects an SQS call signed with the wrong secret', async () => {
    const client = sqsClient(server, {
      accessKeyId: KNOWN_KEY.accessKeyId,
      secret: generateKeyPair().secret,
    });
    try {
      await rejectsWith(
        client.send(new ListQueuesCommand({})),
        'InvalidSignatureException',
        403,
        /does not match/,
      );
    } finally {
      client.destroy();
    }
  });

  it('rejects an unknown access key id as UnrecognizedClientException (403)', async () => {
    const stranger = generateKeyPair();
    const client = lambdaClient(server, stranger);
    try {
      await rejectsWith(
        invoke(client),
        'UnrecognizedClientException',
        403,
        new RegExp(`access key id '${stranger.accessKeyId}' does not exist`),
      );
    } finally {
      client.destroy();
    }
  });

  it('rejects a request whose clock is 10 minutes behind as expired, naming both times', async () => {
    const client = lambdaClient(server, KNOWN_KEY, { systemClockOffset: -10 * 60_000 });
    try {
      await rejectsWith(
        invoke(client),
        'InvalidSignatureException',
        403,
        /^Signature expired: \d{8}T\d{6}Z is now earlier than/,
      );
    } finally {
      client.destroy();
    }
  });

  it("lets the SDK recover from a skewed clock: it corrects its offset from the answer's Date and signs anew", async () => {
    const client = new LambdaClient({
      endpoint: server.url,
      region: 'us-east-1',
      credentials: { accessKeyId: KNOWN_KEY.accessKeyId, secretAccessKey: KNOWN_KEY.secret },
      systemClockOffset: -10 * 60_000,
      maxAttempts: 2,
    });
    try {
      const out = await invoke(client);
      assert.equal(out.StatusCode, 200);
      assert.equal(out.$metadata.attempts, 2);
    } finally {
      client.destroy();
    }
  });

  it('rejects a correctly signed request replayed 10 minutes later', async () => {
    const client = lambdaClient(server, KNOWN_KEY);
    try {
      server.clockOffsetMs = 10 * 60_000;
      await rejectsWith(invoke(client), 'InvalidSignatureException', 403, /Signature expired/);
      server.clockOffsetMs = -10 * 60_000;
      await rejectsWith(invoke(client), 'InvalidSignatureException', 403, /Signature not yet current/);
      server.clockOffsetMs = 4 * 60_000;
      assert.equal((await invoke(client)).StatusCode, 200);
    } finally {
      client.destroy();
    }
  });

  it('rejects a body changed after the SDK signed it', async () => {
    const client = lambdaClient(server, KNOWN_KEY);
    // Runs after the SDK's signing middleware: the signed headers stay, the body changes (same length).
    const tamper = (next: (args: unknown) => Promise<unknown>) => (args: unknown) => {
      const request = (args as { request: { body: Uint8Array } }).request;
      request.body = new TextEncoder().encode('{"n":9}');
      return next(args);
    };
    client.middlewareStack.addRelativeTo(
      tamper as Parameters<typeof client.middlewareStack.addRelativeTo>[0],
      {
        relation: 'after',
        toMiddleware: 'httpSigningMiddleware',
        name: 'tamperAfterSigning',
      },
    );
    try {
      await rejectsWith(
        invoke(client),
        'InvalidSignatureException',
        403,
        /body does not match its x-amz-content-sha256/,
      );
    } finally {
      client.destroy();
    }
  });
});

describe('SigV4 verification of hand-made requests', () => {
  let server: VerifyingServer;
  before(async () => {
    server = await startVerifyingServer();
  });
  after(() => server.close());

  const host = () => `127.0.0.1:${server.port}`;
  const path = '/2015-03-31/functions/hello/invocations';

  it('accepts a signed request and rejects it when the body changes without a content hash header', async () => {
    const body = '{"amount":10}';
    const headers = await signHeaders(
      { method: 'POST', host: host(), path, body, headers: { 'content-type': 'application/json' } },
      { applyChecksum: false },
    );
    assert.equal(headers['x-amz-content-sha256'], undefined);
    assert.equal((await sendRaw(server.port, 'POST', path, headers, body)).status, 200);
    const tampered = await sendRaw(server.port, 'POST', path, headers, '{"amount":99}');
    assert.equal(tampered.status, 403);
    assert.equal(tampered.headers['x-amzn-errortype'], 'InvalidSignatureException');
    const error = tampered.json.error as Record<string, string>;
    assert.equal(error.code, 'ERR_INVALID_SIGNATURE');
    assert.match(error.canonicalRequest ?? '', /^POST\n\/2015-03-31\/functions\/hello\/invocations\n/);
  });

  it('rejects a request whose signed header was changed after signing', async () => {
    const headers = await signHeaders({ method: 'GET', host: host(), path, headers: { 'x-custom': 'a' } });
    const response = await sendRaw(server.port, 'GET', path, { ...headers, 'x-custom': 'b' });
    assert.equal(response.status, 403);
    assert.equal((response.json.error as { code: string }).code, 'ERR_INVALID_SIGNATURE');
  });

  it('answers a malformed Authorization header with 400 and a message naming the problem', async () => {
    const headers = await signHeaders({ method: 'GET', host: host(), path });
    const broken = (headers.authorization ?? '').replace(/, Signature=[0-9a-f]+/, '');
    const response = await sendRaw(server.port, 'GET', path, { ...headers, authorization: broken });
    assert.equal(response.status, 400);
    assert.equal(response.headers['x-amzn-errortype'], 'IncompleteSignatureException');
    const { requestId, ...error } = response.json.error as Record<string, unknown>;
    assert.equal(typeof requestId, 'string');
    assert.deepEqual(error, {
      code: 'ERR_MALFORMED_AUTHORIZATION',
      message: 'The Authorization header is missing Signature=.',
      missing: ['Signature'],
    });
  });

  it('answers a request with no credentials with 401 and a WWW-Authenticate challenge', async () => {
    const response = await sendRaw(server.port, 'GET', path, {});
    assert.equal(response.status, 401);
    assert.equal(response.headers['www-authenticate'], 'Bearer realm="gust"');
    assert.equal((response.json.error as { code: string }).code, 'ERR_UNAUTHENTICATED');
  });

  it('accepts a presigned URL until it expires, and not after', async () => {
    const presigned = await presignUrl(
      { method: 'GET', host: host(), path, query: { Qualifier: 'a b+c' } },
      60,
    );
    assert.match(presigned.url, /X-Amz-Signature=[0-9a-f]{64}/);
    const ok = await sendRaw(server.port, 'GET', presigned.url, { host: host() });
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    assert.equal(server.verified.at(-1)?.presigned, true);

    const old = await presignUrl({ method: 'GET', host: host(), path }, 60, {
      date: new Date(Date.now() - 2 * 60_000),
    });
    const expired = await sendRaw(server.port, 'GET', old.url, { host: host() });
    assert.equal(expired.status, 403);
    const error = expired.json.error as { code: string; message: string };
    assert.equal(error.code, 'ERR_REQUEST_EXPIRED');
    assert.match(error.message, /^Request has expired: the presigned URL was valid until \d{8}T\d{6}Z/);
  });

  it('rejects a presigned URL whose query was changed', async () => {
    const presigned = await presignUrl({ method: 'GET', host: host(), path, query: { Qualifier: '1' } }, 60);
    const response = await sendRaw(server.port, 'GET', presigned.url.replace('Qualifier=1', 'Qualifier=2'), {
      host: host(),
    });
    assert.equal(response.status, 403);
    assert.equal((response.json.error as { code: string }).code, 'ERR_INVALID_SIGNATURE');
  });
});
