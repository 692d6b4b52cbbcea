import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { connect } from 'node:net';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { FakeClock } from '../core/clock.js';
import { GustError } from '../core/errors.js';
import type { InvokeResult } from '../invoker/types.js';
import type { IdempotencyRepository } from '../store/delivery-repositories.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { createIdempotency, LEASE_MARGIN_MS, type Outcome, WAIT_MARGIN_MS } from './idempotency.js';
import { startTestGateway, type TestGateway } from './test-support.js';

const TIMEOUT_SEC = 10;

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
}

function deferred(): Deferred {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Resolves once `check` holds, looking again every few milliseconds (real time, not the fake clock). */
async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** Counts the actions idempotency publishes (run, wait, replay, release). */
function watchActions(): { count(action: string): number; stop(): void } {
  const seen: string[] = [];
  const listener = (message: unknown) => seen.push((message as { action: string }).action);
  subscribe('gust:idempotency', listener);
  return {
    count: (action) => seen.filter((a) => a === action).length,
    stop: () => unsubscribe('gust:idempotency', listener),
  };
}

/** A gateway over the fakes whose idempotency keys live in `store` (real SQLite). */
async function startGateway(store: Store): Promise<TestGateway> {
  const gw = await startTestGateway();
  gw.store.idempotencyRepository = store.idempotency;
  gw.registry.add('orders', {
    timeoutSec: TIMEOUT_SEC,
    idempotencyTtlSec: 60,
    routes: [
      { method: 'POST', path: '/orders/{id}', idempotencyTtlSec: 60 },
      { method: 'POST', path: '/plain' },
    ],
  });
  gw.registry.add('plain-fn');
  gw.registry.setRoutes([
    { method: 'POST', path: '/orders/{id}', functionName: 'orders' },
    { method: 'POST', path: '/plain', functionName: 'orders' },
  ]);
  return gw;
}

/** Every invocation answers the next number: {"n": 1}, {"n": 2}, ... */
function counting(gw: TestGateway, gate?: Promise<void>): void {
  let n = 0;
  gw.invoker.script = async () => {
    const mine = ++n;
    await gate;
    return { payload: JSON.stringify({ statusCode: 200, body: JSON.stringify({ n: mine }) }) };
  };
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, { method: 'POST', body, headers });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

function errorCode(answer: Answer): string {
  return (JSON.parse(answer.text) as { error: { code: string } }).error.code;
}

describe('Idempotency-Key on an app route', () => {
  let store: Store;
  let gw: TestGateway;
  let url: string;
  const key = (name: string) => ({ 'Idempotency-Key': name });

  before(async () => {
    store = createSqliteStore({ path: ':memory:' });
    await store.migrate();
    gw = await startGateway(store);
    url = `${gw.url}/orders/7`;
  });
  after(async () => {
    await gw.stop();
    await store.close();
  });
  beforeEach(() => {
    gw.invoker.calls.length = 0;
    counting(gw);
  });

  it('runs the first request and replays its response, request id included, to a repeat', async () => {
    const first = await post(url, '{"item":"tea"}', key('k-replay'));
    const repeat = await post(url, '{"item":"tea"}', key('k-replay'));
    assert.equal(gw.invoker.calls.length, 1);
    assert.equal(first.status, 200);
    assert.equal(first.text, '{"n":1}');
    assert.equal(first.headers.get('idempotent-replayed'), null);
    assert.equal(repeat.status, 200);
    assert.equal(repeat.text, '{"n":1}');
    assert.equal(repeat.headers.get('idempotent-replayed'), 'true');
    assert.equal(repeat.headers.get('content-type'), first.headers.get('content-type'));
    assert.equal(repeat.headers.get('x-request-id'), first.headers.get('x-request-id'));
  });

  it('runs the handler once for 10 concurrent requests with one key, and all get the same response', async () => {
    const gate = deferred();
    counting(gw, gate.promise);
    const actions = watchActions();
    try {
      const answers = Array.from({ length: 10 }, () => post(url, '{"item":"tea"}', key('k-burst')));
      // Release the first only once the other nine are waiting for it.
      await until('nine waiting repeats', () => actions.count('wait') === 9);
      gate.resolve();
      const all = await Promise.all(answers);
      assert.equal(gw.invoker.calls.length, 1);
      assert.deepEqual(new Set(all.map((a) => `${a.status} ${a.text}`)), new Set(['200 {"n":1}']));
      assert.equal(all.filter((a) => a.headers.get('idempotent-replayed') === 'true').length, 9);
    } finally {
      actions.stop();
    }
  });

  it('runs again once the key has expired', async () => {
    await post(url, '{}', key('k-ttl'));
    gw.clock.advance(59_999);
    assert.equal((await post(url, '{}', key('k-ttl'))).headers.get('idempotent-replayed'), 'true');
    gw.clock.advance(1);
    const later = await post(url, '{}', key('k-ttl'));
    assert.equal(later.text, '{"n":2}');
    assert.equal(later.headers.get('idempotent-replayed'), null);
    assert.equal(gw.invoker.calls.length, 2);
  });

  it('refuses the key for a different body, path or query with 422 ERR_IDEMPOTENCY_KEY_MISMATCH', async () => {
    await post(url, '{"item":"tea"}', key('k-other'));
    for (const [target, body] of [
      [url, '{"item":"coffee"}'],
      [`${gw.url}/orders/8`, '{"item":"tea"}'],
      [`${url}?rush=1`, '{"item":"tea"}'],
    ] as const) {
      const answer = await post(target, body, key('k-other'));
      assert.equal(answer.status, 422, target);
      assert.equal(errorCode(answer), 'ERR_IDEMPOTENCY_KEY_MISMATCH');
      assert.match(answer.text, /k-other/);
    }
    assert.equal(gw.invoker.calls.length, 1);
  });

  it('refuses a different body at once while the first request still runs', async () => {
    const gate = deferred();
    counting(gw, gate.promise);
    const first = post(url, '{"item":"tea"}', key('k-busy-other'));
    await until('the first invocation', () => gw.invoker.calls.length === 1);
    const other = await post(url, '{"item":"coffee"}', key('k-busy-other'));
    assert.equal(other.status, 422);
    gate.resolve();
    assert.equal((await first).status, 200);
  });

  it('does nothing special without a key, or on a route that did not opt in', async () => {
    await post(url, '{}');
    const second = await post(url, '{}');
    assert.equal(second.headers.get('idempotent-replayed'), null);
    // The plain route ignores the header, even a malformed one: it is the function's business.
    await post(`${gw.url}/plain`, '{}', key('k-plain'));
    const plain = await post(`${gw.url}/plain`, '{}', key('k-plain'));
    const odd = await post(`${gw.url}/plain`, '{}', key('x'.repeat(300)));
    assert.equal(plain.headers.get('idempotent-replayed'), null);
    assert.equal(odd.status, 200);
    assert.equal(gw.invoker.calls.length, 5);
  });

  it('refuses a malformed key with 400 ERR_INVALID_PARAMETER naming the header, before running', async () => {
    for (const bad of ['x'.repeat(256), 'caf\u00e9']) {
      const answer = await post(url, '{}', { 'Idempotency-Key': bad });
      assert.equal(answer.status, 400);
      const { error } = JSON.parse(answer.text) as { error: { code: string; parameter: string } };
      assert.equal(error.code, 'ERR_INVALID_PARAMETER');
      assert.equal(error.parameter, 'Idempotency-Key');
    }
    // fetch folds repeated headers into one line, so the request is written by hand.
    const twice = await new Promise<string>((resolve, reject) => {
      const socket = connect(gw.port, '127.0.0.1', () => {
        socket.end(
          'POST /orders/7 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n' +
            'Idempotency-Key: a\r\nIdempotency-Key: b\r\nContent-Length: 2\r\n\r\n{}',
        );
      });
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    assert.match(twice, /^HTTP\/1\.1 400 /);
    assert.match(twice, /given once/);
    assert.equal(gw.invoker.calls.length, 0);
  });

  it('does not store a throttled (429) answer, so a retry with the key runs', async () => {
    gw.invoker.script = () => {
      throw new GustError('ERR_TOO_MANY_REQUESTS', 'Rate exceeded.');
    };
    const throttled = await post(url, '{}', key('k-429'));
    assert.equal(throttled.status, 429);
    counting(gw);
    const retry = await post(url, '{}', key('k-429'));
    assert.equal(retry.status, 200);
    assert.equal(retry.headers.get('idempotent-replayed'), null);
    assert.equal(gw.invoker.calls.length, 2);
  });

  it('replays a function error (502) instead of running the function again', async () => {
    gw.invoker.script = () => ({
      status: 'error',
      payload: null,
      error: { errorType: 'E', errorMessage: 'x' },
    });
    const first = await post(url, '{}', key('k-502'));
    const repeat = await post(url, '{}', key('k-502'));
    assert.equal(first.status, 502);
    assert.equal(repeat.status, 502);
    assert.equal(errorCode(repeat), 'ERR_FUNCTION_ERROR');
    assert.equal(repeat.headers.get('idempotent-replayed'), 'true');
    assert.equal(repeat.headers.get('x-request-id'), first.headers.get('x-request-id'));
    assert.equal(gw.invoker.calls.length, 1);
  });

  it('lets a waiting repeat run when the first ends without a stored response', async () => {
    const gate = deferred();
    let n = 0;
    gw.invoker.script = async () => {
      n++;
      if (n === 1) {
        await gate.promise;
        throw new GustError('ERR_TOO_MANY_REQUESTS', 'Rate exceeded.');
      }
      return { payload: JSON.stringify({ statusCode: 200, body: `run ${n}` }) };
    };
    const actions = watchActions();
    try {
      const first = post(url, '{}', key('k-released'));
      await until('the first invocation', () => gw.invoker.calls.length === 1);
      const repeats = Array.from({ length: 3 }, () => post(url, '{}', key('k-released')));
      await until('three waiting repeats', () => actions.count('wait') === 3);
      gate.resolve();
      assert.equal((await first).status, 429);
      const answers = await Promise.all(repeats);
      assert.deepEqual(
        answers.map((a) => `${a.status} ${a.text}`),
        ['200 run 2', '200 run 2', '200 run 2'],
      );
      assert.equal(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true').length, 2);
      assert.equal(gw.invoker.calls.length, 2);
    } finally {
      actions.stop();
    }
  });

  it('answers a repeat that waited past the timeout with 409 ERR_IDEMPOTENCY_KEY_IN_PROGRESS', async () => {
    const gate = deferred();
    counting(gw, gate.promise);
    const actions = watchActions();
    try {
      const first = post(url, '{}', key('k-slow'));
      await until('the first invocation', () => gw.invoker.calls.length === 1);
      const repeat = post(url, '{}', key('k-slow'));
      await until('the waiting repeat', () => actions.count('wait') === 1);
      gw.clock.advance(TIMEOUT_SEC * 1000 + WAIT_MARGIN_MS);
      const late = await repeat;
      assert.equal(late.status, 409);
      assert.equal(errorCode(late), 'ERR_IDEMPOTENCY_KEY_IN_PROGRESS');
      assert.equal(late.headers.get('retry-after'), '1');
      gate.resolve();
      assert.equal((await first).status, 200);
    } finally {
      actions.stop();
    }
  });
});

describe('Idempotency-Key across two nodes sharing a store', () => {
  let store: Store;
  let a: TestGateway;
  let b: TestGateway;

  before(async () => {
    store = createSqliteStore({ path: ':memory:' });
    await store.migrate();
    a = await startGateway(store);
    b = await startGateway(store);
  });
  after(async () => {
    await Promise.all([a.stop(), b.stop()]);
    await store.close();
  });

  it('makes a repeat on another node poll the store and replay the first response', async () => {
    const gate = deferred();
    counting(a, gate.promise);
    counting(b);
    const actions = watchActions();
    try {
      const first = post(`${a.url}/orders/1`, '{}', { 'Idempotency-Key': 'k-nodes' });
      await until('the first invocation', () => a.invoker.calls.length === 1);
      const repeat = post(`${b.url}/orders/1`, '{}', { 'Idempotency-Key': 'k-nodes' });
      await until('the polling repeat', () => actions.count('wait') === 1);
      gate.resolve();
      const firstAnswer = await first;
      let settled = false;
      void repeat.finally(() => {
        settled = true;
      });
      await until('the repeat to see the stored response', () => {
        b.clock.advance(1000);
        return settled;
      });
      const repeatAnswer = await repeat;
      assert.equal(repeatAnswer.text, firstAnswer.text);
      assert.equal(repeatAnswer.headers.get('idempotent-replayed'), 'true');
      assert.equal(b.invoker.calls.length, 0);
    } finally {
      actions.stop();
    }
  });

  it('takes over the key of a node that died holding it once its lease ran out', async () => {
    // A claim nobody will complete, as a crashed node leaves it.
    await store.idempotency.claim(
      'route:POST /orders/{id}',
      'k-dead',
      b.clock.now(),
      10_000 + LEASE_MARGIN_MS,
    );
    counting(b);
    b.clock.advance(TIMEOUT_SEC * 1000 + LEASE_MARGIN_MS);
    const answer = await post(`${b.url}/orders/1`, '{}', { 'Idempotency-Key': 'k-dead' });
    assert.equal(answer.status, 200);
    assert.equal(b.invoker.calls.length, 1);
  });
});

describe('Idempotency-Key on the Invoke API', () => {
  let store: Store;
  let gw: TestGateway;
  const invokeUrl = (name: string) => `${gw.url}/2015-03-31/functions/${name}/invocations`;

  before(async () => {
    store = createSqliteStore({ path: ':memory:' });
    await store.migrate();
    gw = await startGateway(store);
  });
  after(async () => {
    await gw.stop();
    await store.close();
  });
  beforeEach(() => {
    gw.invoker.calls.length = 0;
    let n = 0;
    gw.invoker.script = () => ({ payload: JSON.stringify({ n: ++n }) });
  });
  afterEach(() => {
    gw.invoker.script = () => ({});
  });

  it('replays the result of a function that opted in, with its headers', async () => {
    const first = await post(invokeUrl('orders'), '{"a":1}', { 'Idempotency-Key': 'i-1' });
    const repeat = await post(invokeUrl('orders'), '{"a":1}', { 'Idempotency-Key': 'i-1' });
    assert.equal(repeat.status, 200);
    assert.equal(repeat.text, first.text);
    assert.equal(repeat.headers.get('x-amz-executed-version'), '$LATEST');
    assert.equal(repeat.headers.get('idempotent-replayed'), 'true');
    assert.equal(repeat.headers.get('x-amzn-requestid'), first.headers.get('x-amzn-requestid'));
    assert.equal(gw.invoker.calls.length, 1);
  });

  it('replays a function error as the same 200 with X-Amz-Function-Error', async () => {
    gw.invoker.script = (): Partial<InvokeResult> => ({
      status: 'error',
      payload: null,
      error: { errorType: 'TypeError', errorMessage: 'no' },
    });
    await post(invokeUrl('orders'), '{}', { 'Idempotency-Key': 'i-err' });
    const repeat = await post(invokeUrl('orders'), '{}', { 'Idempotency-Key': 'i-err' });
    assert.equal(repeat.status, 200);
    assert.equal(repeat.headers.get('x-amz-function-error'), 'Unhandled');
    assert.deepEqual(JSON.parse(repeat.text), { errorType: 'TypeError', errorMessage: 'no' });
    assert.equal(gw.invoker.calls.length, 1);
  });

  it('enqueues an Event invocation once and replays its 202 with the same request id', async () => {
    const event = { 'Idempotency-Key': 'i-event', 'X-Amz-Invocation-Type': 'Event' };
    const first = await post(invokeUrl('orders'), '{}', event);
    const repeat = await post(invokeUrl('orders'), '{}', event);
    assert.deepEqual([first.status, repeat.status], [202, 202]);
    assert.equal(repeat.headers.get('x-amzn-requestid'), first.headers.get('x-amzn-requestid'));
    assert.equal(gw.invoker.calls.length, 1);
  });

  it('refuses the key for another qualifier or invocation type with 422 InvalidParameterValueException', async () => {
    await post(invokeUrl('orders'), '{}', { 'Idempotency-Key': 'i-kind' });
    const asEvent = await post(invokeUrl('orders'), '{}', {
      'Idempotency-Key': 'i-kind',
      'X-Amz-Invocation-Type': 'Event',
    });
    assert.equal(asEvent.status, 422);
    assert.equal(asEvent.headers.get('x-amzn-errortype'), 'InvalidParameterValueException');
    assert.equal(gw.invoker.calls.length, 1);
  });

  it('ignores the key for a function that did not opt in', async () => {
    await post(invokeUrl('plain-fn'), '{}', { 'Idempotency-Key': 'i-plain' });
    const second = await post(invokeUrl('plain-fn'), '{}', { 'Idempotency-Key': 'i-plain' });
    assert.equal(second.headers.get('idempotent-replayed'), null);
    assert.equal(gw.invoker.calls.length, 2);
  });

  it('does not store a throttled invocation', async () => {
    gw.invoker.script = () => ({ status: 'throttled', payload: null });
    const throttled = await post(invokeUrl('orders'), '{}', { 'Idempotency-Key': 'i-429' });
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers.get('x-amzn-errortype'), 'TooManyRequestsException');
    gw.invoker.script = () => ({});
    const retry = await post(invokeUrl('orders'), '{}', { 'Idempotency-Key': 'i-429' });
    assert.equal(retry.status, 200);
    assert.equal(gw.invoker.calls.length, 2);
  });
});

describe('createIdempotency', () => {
  it('deletes expired keys from the store every five minutes once it has been used, until stopped', async () => {
    const store = createSqliteStore({ path: ':memory:' });
    await store.migrate();
    const clock = new FakeClock();
    const sweeps: number[] = [];
    const repository: IdempotencyRepository = {
      claim: (...args) => store.idempotency.claim(...args),
      complete: (...args) => store.idempotency.complete(...args),
      release: (...args) => store.idempotency.release(...args),
      deleteExpired: async (now) => {
        sweeps.push(now);
        return store.idempotency.deleteExpired(now);
      },
    };
    const idempotency = createIdempotency({ repository, clock });
    try {
      clock.advance(10 * 60_000);
      assert.deepEqual(sweeps, [], 'no sweeping before idempotency is used');
      const request = {
        scope: 'function:f',
        key: 'k',
        fingerprint: 'f',
        requestId: 'r-1',
        ttlMs: 1000,
        timeoutMs: 1000,
      };
      const work = async (): Promise<Outcome> => ({ kind: 'response', status: 200, headers: {}, body: 'ok' });
      assert.equal((await idempotency.run(request, work)).replayed, false);
      clock.advance(5 * 60_000);
      await until('the first sweep', () => sweeps.length === 1);
      // The expired key is gone: claiming it anew succeeds.
      assert.equal((await store.idempotency.claim('function:f', 'k', clock.now(), 1000)).claimed, true);
      await store.idempotency.release('function:f', 'k');
      await until('the next sweep to be scheduled', () => clock.pendingTimers === 1);
      idempotency.stop();
      clock.advance(5 * 60_000);
      assert.equal(sweeps.length, 1);
    } finally {
      idempotency.stop();
      await store.close();
    }
  });
});
