import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fakeRoutes } from '../api-fixtures.js';
import type { CliIo } from '../context.js';
import { captureIo, type FakeApi, runAgainst, startFakeApi } from '../fake-api.js';
import { runCli } from '../main.js';

let api: FakeApi;
before(async () => {
  api = await startFakeApi(fakeRoutes);
});
after(() => api.close());

/** Runs `gust --endpoint <fake> ...args` in-process. */
const gust = (args: string[], overrides: Partial<CliIo> = {}) => runAgainst(api.url, args, overrides);

describe('invoke', () => {
  test('sends the payload to the Invoke API and prints the result', async () => {
    const { code, stdout, stderr } = await gust([
      'invoke',
      'hello',
      '--payload',
      '{"name":"ada"}',
      '-q',
      '2',
    ]);
    assert.equal(code, 0);
    assert.equal(stderr, '');
    assert.equal(stdout, '{\n  "greeting": "hi ada"\n}\n');
    const request = api.requests.at(-1);
    assert.equal(request?.body.toString(), '{"name":"ada"}');
    assert.equal(request?.query.get('Qualifier'), '2');
  });

  test('a function error prints the error payload and a one-line message, and exits 1', async () => {
    const { code, stdout, stderr } = await gust(['invoke', 'boom']);
    assert.equal(code, 1);
    assert.equal(JSON.parse(stdout).errorType, 'TypeError');
    assert.equal(stderr, 'gust: boom failed: TypeError: x is not a function (Unhandled)\n');
  });

  test('--async sends an Event invocation and prints the request id', async () => {
    const asyncApi = await startFakeApi({
      'POST /2015-03-31/functions/hello/invocations': (req) => ({
        status: 202,
        headers: { 'x-request-id': `req-${req.headers['x-amz-invocation-type']}` },
      }),
    });
    try {
      const captured = captureIo();
      const code = await runCli(['--endpoint', asyncApi.url, 'invoke', 'hello', '--async'], captured.io);
      assert.equal(code, 0);
      assert.equal(captured.stdout(), 'Accepted: hello will run asynchronously (request req-Event).\n');
    } finally {
      await asyncApi.close();
    }
  });

  test('--log asks for the log tail and prints it decoded, on stderr', async () => {
    const tailApi = await startFakeApi({
      'POST /2015-03-31/functions/hello/invocations': (req) => ({
        headers: {
          'x-amz-log-result': Buffer.from(`tail=${req.headers['x-amz-log-type']}\nREPORT done`).toString(
            'base64',
          ),
        },
        body: '"ok"',
      }),
    });
    try {
      const captured = captureIo();
      const code = await runCli(['--endpoint', tailApi.url, 'invoke', 'hello', '--log'], captured.io);
      assert.equal(code, 0);
      assert.equal(captured.stdout(), '"ok"\n');
      assert.equal(captured.stderr(), 'tail=Tail\nREPORT done\n');
    } finally {
      await tailApi.close();
    }
  });

  test('a payload that is not JSON is refused before anything is sent, with exit code 2', async () => {
    const before = api.requests.length;
    const { code, stdout, stderr } = await gust(['invoke', 'hello', '--payload', '{name: ada}']);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /^gust: --payload is not valid JSON: .+\n$/);
    assert.equal(api.requests.length, before);
  });
});
