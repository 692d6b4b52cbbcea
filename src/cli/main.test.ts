import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  deadLetteredAsync,
  fakeRoutes,
  functionList,
  invocation,
  logPage,
  retryingAsync,
  T0,
} from './api-fixtures.js';
import type { CliIo } from './context.js';
import { captureIo, type FakeApi, runAgainst, startFakeApi } from './fake-api.js';
import { formatTime } from './format.js';
import { runCli } from './main.js';

let api: FakeApi;
before(async () => {
  api = await startFakeApi(fakeRoutes);
});
after(() => api.close());

/** Runs `gust --endpoint <fake> ...args` in-process. */
const gust = (args: string[], overrides: Partial<CliIo> = {}) => runAgainst(api.url, args, overrides);

describe('reading the API', () => {
  test('functions ls prints an aligned table of the deployed functions', async () => {
    const { code, stdout, stderr } = await gust(['functions', 'ls']);
    assert.equal(code, 0);
    assert.equal(stderr, '');
    assert.equal(
      stdout,
      [
        'NAME           RUNTIME      MEMORY  TIMEOUT  VERSION   ROUTES  BUSY/IDLE',
        'hello          nodejs20.x   256 MB     10 s  3f2a9c0b       1        0/1',
        'checkout-cart  provided    1024 MB     30 s  9b8a7c6d       0        2/0',
        '',
      ].join('\n'),
    );
  });

  test('--json prints the raw JSON response, before or after the command', async () => {
    for (const args of [
      ['--json', 'functions', 'ls'],
      ['functions', 'ls', '--json'],
    ]) {
      const { code, stdout } = await gust(args);
      assert.equal(code, 0);
      assert.deepEqual(JSON.parse(stdout), functionList);
    }
  });

  test('logs prints time, short request id, level and message, oldest first', async () => {
    const { code, stdout } = await gust(['logs', 'hello']);
    assert.equal(code, 0);
    assert.equal(
      stdout,
      [
        `${formatTime(T0)}  00000001         START RequestId: a1b2c3d4-0000-4000-8000-000000000001`,
        `${formatTime(T0 + 5)}  00000001  INFO   hello world`,
        '',
      ].join('\n'),
    );
  });

  test('logs passes --since as epoch milliseconds, and --request and --limit as given', async () => {
    const before = api.requests.length;
    const { code } = await gust(['logs', 'hello', '--since', '10m', '--request', 'abc', '--limit', '5'], {
      now: () => T0,
    });
    assert.equal(code, 0);
    const query = api.requests[before]?.query;
    assert.equal(query?.get('since'), String(T0 - 600_000));
    assert.equal(query?.get('requestId'), 'abc');
    assert.equal(query?.get('limit'), '5');
  });

  test('logs --follow polls with the last id until interrupted', async () => {
    const polls: (string | null)[] = [];
    const follow = await startFakeApi({
      'GET /_gust/v1/functions/hello/logs': (req) => {
        polls.push(req.query.get('afterId'));
        if (polls.length === 1) return { body: logPage };
        if (polls.length === 2) {
          return {
            body: {
              logs: [{ ...logPage.logs[1], id: 3, message: 'second line' }],
              lastId: 3,
            },
          };
        }
        captured.signal('SIGINT');
        return { body: { logs: [], lastId: 3 } };
      },
    });
    const captured = captureIo();
    try {
      const code = await runCli(['--endpoint', follow.url, 'logs', 'hello', '--follow'], captured.io);
      assert.equal(code, 0);
      assert.deepEqual(polls, [null, '2', '3']);
      assert.match(captured.stdout(), /hello world\n.*second line\n$/s);
    } finally {
      await follow.close();
    }
  });

  test('invocations ls prints a table of records', async () => {
    const { code, stdout } = await gust(['invocations', 'ls', 'hello', '--limit', '10']);
    assert.equal(code, 0);
    const [header, row] = stdout.split('\n');
    assert.match(
      header ?? '',
      /^TIME\s+REQUEST\s+VERSION\s+TRIGGER\s+STATUS\s+DURATION\s+COLD\/INIT\s+MEMORY$/,
    );
    assert.equal(
      row,
      `${formatTime(T0)}  00000001  $LATEST 3f2a9c0b  http     success   1.83 ms  cold 9.40 ms  48/256 MB`,
    );
    assert.equal(api.requests.at(-1)?.query.get('limit'), '10');
  });

  test('invocations show prints one record', async () => {
    const { code, stdout } = await gust(['invocations', 'show', invocation.requestId]);
    assert.equal(code, 0);
    assert.match(stdout, /^Request: +a1b2c3d4-0000-4000-8000-000000000001$/m);
    assert.match(stdout, /^Start: +cold, init 9.40 ms$/m);
    assert.doesNotMatch(stdout, /Async/);
  });

  test('invocations show prints the status of an async invocation, then its last attempt', async () => {
    const { code, stdout } = await gust(['invocations', 'show', retryingAsync.requestId], {
      now: () => T0 + 500,
    });
    assert.equal(code, 0);
    assert.match(stdout, /^Async invocation\n {2}Status: +retrying$/m);
    assert.match(stdout, /^ {2}Attempts: +1\/3$/m);
    assert.match(stdout, new RegExp(`^ {2}Next attempt: +${formatTime(T0 + 2000)} \\(in 1\\.5 s\\)$`, 'm'));
    assert.match(stdout, /^ {2}Last error: +Error: database unavailable$/m);
    assert.match(stdout, /^Last attempt\n {2}Version: /m);
    assert.match(stdout, /^ {2}Status: +error$/m);
  });

  test('invocations show --json prints the raw view', async () => {
    const { stdout } = await gust(['invocations', 'show', retryingAsync.requestId, '--json']);
    assert.deepEqual((JSON.parse(stdout) as { async: unknown }).async, retryingAsync);
  });

  test('invocations ls --async prints status, attempts, next attempt and destination', async () => {
    const { code, stdout } = await gust(['invocations', 'ls', 'hello', '--async'], { now: () => T0 });
    assert.equal(code, 0);
    const [header, retrying, dead] = stdout.split('\n');
    assert.match(
      header ?? '',
      /^ACCEPTED\s+REQUEST\s+QUALIFIER\s+STATUS\s+ATTEMPTS\s+NEXT ATTEMPT\s+DESTINATION\s+LAST ERROR$/,
    );
    assert.match(
      retrying ?? '',
      /00000002 +\$LATEST +retrying +1\/3 +in 2\.0 s +- +Error: database unavailable$/,
    );
    assert.match(dead ?? '', /00000003 +\$LATEST +dead-lettered +3\/3 +- +dlq:hello-dlq +Error: database/);
    assert.equal(api.requests.at(-1)?.path, '/_gust/v1/functions/hello/async');
    assert.equal(deadLetteredAsync.status, 'dead-lettered');
  });

  test('functions rm and publish say what they did', async () => {
    assert.equal((await gust(['functions', 'rm', 'hello'])).stdout, "Deleted function 'hello'.\n");
    assert.equal(
      (await gust(['functions', 'publish', 'hello'])).stdout,
      'Published hello version 3 (3f2a9c0b).\n',
    );
  });
});

describe('errors', () => {
  test("a 404 prints one line with the server's message and code, and exits 1", async () => {
    const { code, stdout, stderr } = await gust(['functions', 'get', 'nope']);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.equal(stderr, "gust: Function 'nope' does not exist. (ERR_FUNCTION_NOT_FOUND)\n");
  });

  test('an Invoke API 404 reads the same', async () => {
    const { code, stderr } = await gust(['invoke', 'nope']);
    assert.equal(code, 1);
    assert.equal(stderr, "gust: Function 'nope' does not exist. (ERR_FUNCTION_NOT_FOUND)\n");
  });

  test('an unreachable endpoint says Gust is not running and how to start it', async () => {
    const gone = await startFakeApi({});
    await gone.close();
    const captured = captureIo();
    const code = await runCli(['--endpoint', gone.url, 'functions', 'ls'], captured.io);
    assert.equal(code, 1);
    assert.equal(captured.stdout(), '');
    assert.equal(
      captured.stderr(),
      `gust: cannot reach Gust at ${gone.url} — is it running? (start it with: gust up)\n`,
    );
  });

  test('--debug adds the stack trace; without it there is none', async () => {
    const gone = await startFakeApi({});
    await gone.close();
    const quiet = captureIo();
    await runCli(['--endpoint', gone.url, 'functions', 'ls'], quiet.io);
    assert.equal(quiet.stderr().split('\n').length, 2, 'one line and the final newline');
    const loud = captureIo();
    await runCli(['--endpoint', gone.url, '--debug', 'functions', 'ls'], loud.io);
    assert.match(loud.stderr(), /\n {4}at /);
  });

  test('usage errors print one line and exit 2', async () => {
    for (const args of [
      ['invoke'],
      ['logs', 'hello', '--since', 'yesterday'],
      ['launch'],
      ['up', '--port', 'x'],
    ]) {
      const { code, stderr } = await gust(args);
      assert.equal(code, 2, args.join(' '));
      assert.match(stderr, /^gust: [^\n]+\n$/, args.join(' '));
    }
  });

  test('an endpoint that is not a URL is a usage error', async () => {
    const captured = captureIo();
    assert.equal(await runCli(['--endpoint', 'nope', 'functions', 'ls'], captured.io), 2);
    assert.match(captured.stderr(), /^gust: --endpoint 'nope' is not a URL/);
  });

  test('GUST_ENDPOINT picks the server when --endpoint is not given', async () => {
    const captured = captureIo({ env: { GUST_ENDPOINT: api.url } });
    assert.equal(await runCli(['functions', 'ls'], captured.io), 0);
    assert.match(captured.stdout(), /^NAME/);
  });

  test('--help and help COMMAND print usage and exit 0', async () => {
    const { code, stdout } = await gust(['--help']);
    assert.equal(code, 0);
    assert.match(stdout, /Usage: gust/);
    const invokeHelp = await gust(['help', 'invoke']);
    assert.equal(invokeHelp.code, 0);
    assert.match(invokeHelp.stdout, /Usage: gust invoke/);
  });

  test('a missing command prints usage to stderr and exits 2', async () => {
    const { code, stdout, stderr } = await gust(['functions']);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /Usage: gust functions/);
  });
});
