import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CliError, issueLines } from './cli-error.js';
import { createClient, errorFromFetchFailure, errorFromResponse } from './client.js';
import { startFakeApi } from './fake-api.js';

const json = (value: unknown) => JSON.stringify(value);

describe('errorFromResponse', () => {
  test("a control API error carries the server's code, message and details", () => {
    const error = errorFromResponse(
      400,
      'Bad Request',
      new Headers(),
      json({
        error: {
          code: 'ERR_INVALID_MANIFEST',
          message: 'gust.yaml is not valid.',
          requestId: 'r1',
          details: {
            file: 'gust.yaml',
            issues: [{ path: 'functions.hello.memory', message: 'Expected number' }],
          },
        },
      }),
    );
    assert.ok(error instanceof CliError);
    assert.equal(error.code, 'ERR_INVALID_MANIFEST');
    assert.equal(error.message, 'gust.yaml is not valid.');
    assert.equal(error.status, 400);
    assert.deepEqual(error.details?.issues, [{ path: 'functions.hello.memory', message: 'Expected number' }]);
    assert.equal(error.exitCode, 1);
  });

  test('an Invoke API error without a Gust code falls back to the AWS error type', () => {
    const error = errorFromResponse(
      429,
      'Too Many Requests',
      new Headers({ 'x-amzn-ErrorType': 'TooManyRequestsException:http://internal' }),
      json({ Type: 'User', message: 'Rate exceeded' }),
    );
    assert.equal(error.code, 'TooManyRequestsException');
    assert.equal(error.message, 'Rate exceeded');
  });

  test('the Gust code wins over the AWS type when both are present', () => {
    const error = errorFromResponse(
      404,
      'Not Found',
      new Headers({ 'x-amzn-ErrorType': 'ResourceNotFoundException' }),
      json({
        Type: 'User',
        message: "Function 'nope' does not exist.",
        error: { code: 'ERR_FUNCTION_NOT_FOUND', message: "Function 'nope' does not exist." },
      }),
    );
    assert.equal(error.code, 'ERR_FUNCTION_NOT_FOUND');
    assert.equal(error.message, "Function 'nope' does not exist.");
  });

  test('a body that is not JSON is reported by its status', () => {
    const error = errorFromResponse(502, 'Bad Gateway', new Headers(), '<html>proxy error</html>');
    assert.equal(error.code, undefined);
    assert.equal(error.message, 'Gust answered 502 Bad Gateway.');
  });
});

describe('errorFromFetchFailure', () => {
  const fetchFailed = (cause: unknown) => new TypeError('fetch failed', { cause });

  test('connection refused says the server is not running and how to start it', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:7800'), { code: 'ECONNREFUSED' });
    const error = errorFromFetchFailure(fetchFailed(cause), 'http://127.0.0.1:7800');
    assert.equal(
      error.message,
      'cannot reach Gust at http://127.0.0.1:7800 — is it running? (start it with: gust up)',
    );
    assert.equal(error.code, undefined);
  });

  test('codes inside an AggregateError (IPv4 and IPv6 both refused) are found', () => {
    const refused = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    const cause = new AggregateError([refused, refused]);
    const error = errorFromFetchFailure(fetchFailed(cause), 'http://localhost:7800');
    assert.match(error.message, /^cannot reach Gust at http:\/\/localhost:7800/);
  });

  test('a port fetch refuses to use is named as the reason', () => {
    const error = errorFromFetchFailure(fetchFailed(new Error('bad port')), 'http://127.0.0.1:9');
    assert.equal(
      error.message,
      'cannot reach Gust at http://127.0.0.1:9 — fetch refuses to connect to port 9; run Gust on another port (gust up --port 7800)',
    );
  });

  test('other transport failures name the innermost reason', () => {
    const cause = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    const error = errorFromFetchFailure(fetchFailed(cause), 'http://127.0.0.1:7800');
    assert.equal(
      error.message,
      'request to Gust at http://127.0.0.1:7800 failed: other side closed (UND_ERR_SOCKET)',
    );
  });
});

describe('createClient', () => {
  test('a 404 from the server rejects with the server code and message', async () => {
    const api = await startFakeApi({
      'GET /_gust/v1/functions/nope': {
        status: 404,
        body: { error: { code: 'ERR_FUNCTION_NOT_FOUND', message: "Function 'nope' does not exist." } },
      },
    });
    try {
      const client = createClient({ endpoint: `${api.url}/` });
      await assert.rejects(client.getFunction('nope'), {
        name: 'CliError',
        code: 'ERR_FUNCTION_NOT_FOUND',
        message: "Function 'nope' does not exist.",
      });
    } finally {
      await api.close();
    }
  });

  test('publish tells a new version (201) from an existing one (200)', async () => {
    let status = 201;
    const api = await startFakeApi({
      'POST /_gust/v1/functions/hello/versions': () => ({
        status,
        body: { functionName: 'hello', number: 1, versionId: 'v1', createdAt: 1 },
      }),
    });
    try {
      const client = createClient({ endpoint: api.url });
      assert.equal((await client.publish('hello')).created, true);
      status = 200;
      assert.equal((await client.publish('hello')).created, false);
    } finally {
      await api.close();
    }
  });

  test('names are URL-encoded and undefined query values are left out', async () => {
    const api = await startFakeApi({
      'GET /_gust/v1/functions/a%20b/logs': { body: { logs: [], lastId: 0 } },
    });
    try {
      await createClient({ endpoint: api.url }).logs('a b', { afterId: 3 });
      const request = api.requests[0];
      assert.equal(request?.path, '/_gust/v1/functions/a%20b/logs');
      assert.equal(request?.query.toString(), 'afterId=3');
    } finally {
      await api.close();
    }
  });
});

test('manifest issues print one line each, except one the message already states', () => {
  const error = errorFromResponse(
    400,
    'Bad Request',
    new Headers(),
    JSON.stringify({
      error: {
        code: 'ERR_INVALID_MANIFEST',
        message: 'gust.yaml: functions.a.memory: expected a number',
        details: {
          file: 'gust.yaml',
          issues: [
            { path: 'functions.a.memory', message: 'expected a number' },
            { path: ['functions', 'b', 'handler'], message: 'required' },
          ],
        },
      },
    }),
  );
  assert.deepEqual(issueLines(error), ['  gust.yaml: functions.b.handler: required']);
});
