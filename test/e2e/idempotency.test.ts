import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { invoke, type RunningServer, startServer, waitFor } from './harness.js';

// Every run of a function appends a line to a file, so runs are counted across instances too.
const countsDir = mkdtempSync(join(tmpdir(), 'gust-e2e-idempotency-'));
const countFile = (name: string) => join(countsDir, name);
const runs = (name: string) => {
  try {
    return readFileSync(countFile(name), 'utf8').length;
  } catch {
    return 0;
  }
};

const COUNTING = `
const { appendFileSync, readFileSync } = require('node:fs');
let inThisInstance = 0;
exports.handler = async (event) => {
  inThisInstance++;
  appendFileSync(process.env.COUNT_FILE, 'x');
  const n = readFileSync(process.env.COUNT_FILE, 'utf8').length;
  await new Promise((r) => setTimeout(r, 300));
  return { statusCode: 201, headers: { 'x-order': String(n) }, body: JSON.stringify({ n, inThisInstance }) };
};
exports.charge = async (event) => {
  appendFileSync(process.env.COUNT_FILE, 'x');
  return { charged: event.amount, run: readFileSync(process.env.COUNT_FILE, 'utf8').length };
};`;

const MANIFEST = `
service: idem
functions:
  orders:
    handler: counting.handler
    timeout: 10
    environment:
      COUNT_FILE: ${JSON.stringify(countFile('orders'))}
    events:
      - http:
          method: POST
          path: /orders
          idempotency: 60
          auth: none
  charge:
    handler: counting.charge
    idempotency: { ttl: 60 }
    environment:
      COUNT_FILE: ${JSON.stringify(countFile('charge'))}
  later:
    handler: later.handler
  flaky:
    handler: later.fails
    maximumRetryAttempts: 1
`;

const FILES = {
  'gust.yaml': MANIFEST,
  'counting.js': COUNTING,
  'later.js': `
    exports.handler = async (event) => ({ done: event.job });
    exports.fails = async () => { throw new Error('downstream is down'); };`,
};

let server: RunningServer;

before(async () => {
  server = await startServer(FILES);
});

after(async () => {
  await server.stop();
  rmSync(countsDir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

async function order(key: string, body = '{"item":"tea"}'): Promise<Answer> {
  const res = await fetch(`${server.url}/orders`, {
    method: 'POST',
    headers: { 'Idempotency-Key': key, 'content-type': 'application/json' },
    body,
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe('Idempotency-Key', () => {
  it('runs a route once for 5 concurrent requests with one key, and answers them all alike', async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, () => order('order-1')));
    assert.equal(runs('orders'), 1);
    for (const answer of answers) {
      assert.equal(answer.status, 201);
      assert.deepEqual(JSON.parse(answer.text), { n: 1, inThisInstance: 1 });
      assert.equal(answer.headers.get('x-order'), '1');
      assert.equal(answer.headers.get('x-request-id'), answers[0]?.headers.get('x-request-id'));
    }
    assert.equal(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true').length, 4);

    const next = await order('order-2');
    assert.equal(JSON.parse(next.text).n, 2);
    assert.equal(next.headers.get('idempotent-replayed'), null);
    assert.equal(runs('orders'), 2);
  });

  it('refuses a key reused with a different body with 422', async () => {
    const answer = await order('order-1', '{"item":"coffee"}');
    assert.equal(answer.status, 422);
    assert.match(answer.text, /ERR_IDEMPOTENCY_KEY_MISMATCH/);
    assert.equal(runs('orders'), 2);
  });

  it('replays the Invoke API result of a function that opted in', async () => {
    const headers = { 'Idempotency-Key': 'charge-1' };
    const [first, second] = await Promise.all([
      invoke(server.url, 'charge', { amount: 5 }, headers),
      invoke(server.url, 'charge', { amount: 5 }, headers),
    ]);
    const third = await invoke(server.url, 'charge', { amount: 5 }, headers);
    assert.equal(runs('charge'), 1);
    for (const answer of [first, second, third]) {
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, { charged: 5, run: 1 });
    }
    assert.equal(third.headers.get('idempotent-replayed'), 'true');
    assert.equal(third.headers.get('x-amz-executed-version'), '$LATEST');
  });
});

describe('async invocation status', () => {
  async function showUntil(requestId: string, status: string): Promise<string> {
    const shown = await waitFor(
      `gust invocations show to say ${status}`,
      async () => {
        const result = await server.cli(['invocations', 'show', requestId]);
        return new RegExp(`^ {2}Status: +${status}$`, 'm').test(result.stdout) ? result.stdout : undefined;
      },
      20_000,
    );
    return shown;
  }

  async function invokeAsync(name: string): Promise<string> {
    const result = await server.cli(['invoke', name, '--async', '--payload', '{"job":7}']);
    assert.equal(result.code, 0, result.stderr);
    const requestId = /request ([0-9a-f-]{36})/.exec(result.stdout)?.[1];
    assert.ok(requestId, result.stdout);
    return requestId;
  }

  it('shows an async invocation reaching succeeded, with its attempt', async () => {
    const requestId = await invokeAsync('later');
    const shown = await showUntil(requestId, 'succeeded');
    assert.match(shown, /^ {2}Attempts: +1\/3$/m);
    const json = await waitFor('the invocation record', async () => {
      const result = await server.cli(['invocations', 'show', requestId, '--json']);
      const view = JSON.parse(result.stdout) as {
        async: { status: string };
        invocation: { status: string; trigger: string } | null;
      };
      return view.invocation === null ? undefined : view;
    });
    assert.equal(json.async.status, 'succeeded');
    assert.equal(json.invocation?.status, 'success');
    assert.equal(json.invocation?.trigger, 'async');
  });

  it('shows a failing async invocation retried once and then dead-lettered', async () => {
    const requestId = await invokeAsync('flaky');
    const shown = await showUntil(requestId, 'dead-lettered');
    assert.match(shown, /^ {2}Attempts: +2\/2$/m);
    assert.match(shown, /^ {2}Last error: +Error: downstream is down$/m);
    assert.match(shown, /^ {2}Destination: +dlq:\S+$/m);
    const listed = await server.cli(['invocations', 'ls', 'flaky', '--async']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`${requestId.slice(-8)} +\\$LATEST +dead-lettered +2/2`));
  });

  it('answers 404 ERR_INVOCATION_NOT_FOUND for a request id nothing has', async () => {
    const result = await server.cli(['invocations', 'show', 'no-such-request']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /ERR_INVOCATION_NOT_FOUND/);
  });
});
