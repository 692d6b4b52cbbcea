import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { once } from 'node:events';
import { request } from 'node:http';
import type { Socket } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { GustError } from '../core/errors.js';
import type { HttpApiEvent } from './apigw-event.js';
import { startTestGateway, type TestGateway } from './test-support.js';

interface ErrorBody {
  error: { code: string; message: string; requestId: string; [key: string]: unknown };
}

async function errorOf(response: Response): Promise<ErrorBody['error']> {
  assert.equal(response.headers.get('content-type'), 'application/json');
  return ((await response.json()) as ErrorBody).error;
}

/** A body that arrives in chunks with no Content-Length (chunked transfer encoding). */
function chunkedBody(chunks: number, size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent++ === chunks) controller.close();
      else controller.enqueue(new Uint8Array(size).fill(97));
    },
  });
}

describe('gateway: app routes', () => {
  let gw: TestGateway;

  before(async () => {
    gw = await startTestGateway({ maxBodyBytes: 1024 });
    gw.registry.add('hello');
    gw.registry.setRoutes([
      { method: 'GET', path: '/hello/{name}', functionName: 'hello' },
      { method: 'POST', path: '/hello/{name}', functionName: 'hello' },
      { method: 'ANY', path: '/files/{proxy+}', functionName: 'files' },
    ]);
  });
  after(() => gw.stop());
  beforeEach(() => {
    gw.invoker.calls.length = 0;
    gw.invoker.script = () => ({});
  });

  it('invokes the route function with the 2.0 event and the response request id as awsRequestId', async () => {
    gw.invoker.script = () => ({
      payload: JSON.stringify({ statusCode: 200, body: 'hi', headers: { 'x-a': '1' } }),
    });
    const response = await fetch(`${gw.url}/hello/world?x=1&x=2`, { headers: { cookie: 'k=v' } });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), 'hi');
    assert.equal(response.headers.get('x-a'), '1');
    const requestId = response.headers.get('x-request-id');
    assert.ok(requestId);
    assert.equal(response.headers.get('x-amzn-requestid'), requestId);

    const [call] = gw.invoker.calls;
    assert.equal(call?.functionName, 'hello');
    assert.equal(call?.options.trigger, 'http');
    assert.equal(call?.options.requestId, requestId);
    const event = gw.invoker.lastEvent() as unknown as HttpApiEvent;
    assert.equal(event.routeKey, 'GET /hello/{name}');
    assert.equal(event.rawPath, '/hello/world');
    assert.equal(event.rawQueryString, 'x=1&x=2');
    assert.deepEqual(event.queryStringParameters, { x: '1,2' });
    assert.deepEqual(event.pathParameters, { name: 'world' });
    assert.deepEqual(event.cookies, ['k=v']);
    assert.equal(event.requestContext.requestId, requestId);
    assert.equal(event.requestContext.http.sourceIp, '127.0.0.1');
    assert.equal(event.requestContext.time, '26/Nov/2026:22:01:19 +0000');
  });

  it('passes a POST body to the function and sends cookies back as Set-Cookie headers', async () => {
    gw.invoker.script = () => ({ payload: JSON.stringify({ statusCode: 201, cookies: ['a=1', 'b=2'] }) });
    const response = await fetch(`${gw.url}/hello/x`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"n":1}',
    });
    assert.equal(response.status, 201);
    assert.deepEqual(response.headers.getSetCookie(), ['a=1', 'b=2']);
    const event = gw.invoker.lastEvent();
    assert.equal(event.body, '{"n":1}');
    assert.equal(event.isBase64Encoded, false);
  });

  it('returns a result without statusCode as a 200 JSON body', async () => {
    gw.invoker.script = () => ({ payload: '{"hello":"world"}' });
    const response = await fetch(`${gw.url}/files/a/b.txt`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.deepEqual(await response.json(), { hello: 'world' });
    assert.deepEqual(gw.invoker.lastEvent().pathParameters, { proxy: 'a/b.txt' });
  });

  it('answers an unknown path with 404 ERR_ROUTE_NOT_FOUND and the request id', async () => {
    const response = await fetch(`${gw.url}/nope`);
    assert.equal(response.status, 404);
    const error = await errorOf(response);
    assert.equal(error.code, 'ERR_ROUTE_NOT_FOUND');
    assert.equal(error.requestId, response.headers.get('x-request-id'));
    assert.equal(gw.invoker.calls.length, 0);
  });

  it('answers a known path with the wrong method with 405 and Allow', async () => {
    const response = await fetch(`${gw.url}/hello/world`, { method: 'DELETE' });
    assert.equal(response.status, 405);
    assert.equal(response.headers.get('allow'), 'GET, POST');
    assert.equal((await errorOf(response)).code, 'ERR_METHOD_NOT_ALLOWED');
  });

  it('refuses a body whose Content-Length is over the limit with 413, and keeps the connection usable', async () => {
    const response = await fetch(`${gw.url}/hello/x`, { method: 'POST', body: 'x'.repeat(5000) });
    assert.equal(response.status, 413);
    assert.equal((await errorOf(response)).code, 'ERR_PAYLOAD_TOO_LARGE');
    assert.equal(gw.invoker.calls.length, 0);
    assert.equal((await fetch(`${gw.url}/nope`)).status, 404);
  });

  it('refuses a chunked body that grows over the limit with 413', async () => {
    const response = await fetch(`${gw.url}/hello/x`, {
      method: 'POST',
      body: chunkedBody(8, 512),
      duplex: 'half',
    } as RequestInit);
    assert.equal(response.status, 413);
    assert.equal((await errorOf(response)).code, 'ERR_PAYLOAD_TOO_LARGE');
    assert.equal(gw.invoker.calls.length, 0);
  });

  it('accepts a chunked body under the limit', async () => {
    const response = await fetch(`${gw.url}/hello/x`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: chunkedBody(2, 100),
      duplex: 'half',
    } as RequestInit);
    assert.equal(response.status, 200);
    assert.equal(gw.invoker.lastEvent().body, 'a'.repeat(200));
  });

  it('answers a function error with 502 ERR_FUNCTION_ERROR without the function stack', async () => {
    gw.invoker.script = () => ({
      status: 'error',
      payload: null,
      error: {
        errorType: 'Error',
        errorMessage: 'db password wrong',
        trace: ['at handler (/code/index.js:3:9)'],
      },
    });
    const response = await fetch(`${gw.url}/hello/x`);
    assert.equal(response.status, 502);
    const text = await response.text();
    assert.equal(JSON.parse(text).error.code, 'ERR_FUNCTION_ERROR');
    assert.ok(!text.includes('db password') && !text.includes('index.js'));
    assert.ok(text.includes(response.headers.get('x-request-id') ?? 'missing'));
  });

  it('answers a timeout with 504 ERR_FUNCTION_TIMEOUT', async () => {
    gw.invoker.script = () => ({ status: 'timeout', payload: null });
    const response = await fetch(`${gw.url}/hello/x`);
    assert.equal(response.status, 504);
    assert.equal((await errorOf(response)).code, 'ERR_FUNCTION_TIMEOUT');
  });

  it('answers an unmappable response with 502 ERR_INVALID_FUNCTION_RESPONSE', async () => {
    gw.invoker.script = () => ({ payload: '{"statusCode":200,"body":{"not":"a string"}}' });
    const response = await fetch(`${gw.url}/hello/x`);
    assert.equal(response.status, 502);
    assert.equal((await errorOf(response)).code, 'ERR_INVALID_FUNCTION_RESPONSE');
  });

  it('answers a throttled invocation with 429 and Retry-After', async () => {
    gw.invoker.script = () => {
      throw new GustError('ERR_TOO_MANY_REQUESTS', 'Rate exceeded.');
    };
    const response = await fetch(`${gw.url}/hello/x`);
    assert.equal(response.status, 429);
    assert.equal(response.headers.get('retry-after'), '1');
    assert.equal((await errorOf(response)).code, 'ERR_TOO_MANY_REQUESTS');
  });

  it('answers an unexpected failure with 500 ERR_INTERNAL without leaking it, and reports it on the channel', async () => {
    const reported: unknown[] = [];
    const listener = (message: unknown): void => {
      reported.push(message);
    };
    subscribe('gust:gateway:internal-error', listener);
    try {
      gw.invoker.script = () => {
        throw new Error('ENOENT /srv/secret/path');
      };
      const response = await fetch(`${gw.url}/hello/x`);
      assert.equal(response.status, 500);
      const text = await response.text();
      assert.equal(JSON.parse(text).error.code, 'ERR_INTERNAL');
      assert.ok(!text.includes('secret') && !text.includes('at '));
      assert.equal(reported.length, 1);
    } finally {
      unsubscribe('gust:gateway:internal-error', listener);
    }
  });

  it('rebuilds the route table when the registry changes', async () => {
    assert.equal((await fetch(`${gw.url}/new`)).status, 404);
    gw.registry.setRoutes([...gw.registry.routes(), { method: 'GET', path: '/new', functionName: 'hello' }]);
    assert.equal((await fetch(`${gw.url}/new`)).status, 200);
  });
});

describe('gateway: reserved prefixes and lifecycle', () => {
  it('answers unknown /_gust/ paths with 404 ERR_NOT_FOUND even when an app route would match', async () => {
    const gw = await startTestGateway();
    try {
      gw.registry.setRoutes([{ method: 'ANY', path: '/{proxy+}', functionName: 'all' }]);
      const response = await fetch(`${gw.url}/_gust/v1/nothing-here`);
      assert.equal(response.status, 404);
      assert.equal((await errorOf(response)).code, 'ERR_NOT_FOUND');
      assert.equal(gw.invoker.calls.length, 0);
      assert.equal((await fetch(`${gw.url}/anything`)).status, 200);
    } finally {
      await gw.stop();
    }
  });

  it('stops listening on stop() and closes idle keep-alive connections', async () => {
    const gw = await startTestGateway();
    // Open a keep-alive connection and leave it idle.
    const socket = await new Promise<Socket>((resolve, reject) => {
      const req = request(`${gw.url}/_gust/v1/health`, { headers: { connection: 'keep-alive' } }, (res) => {
        assert.equal(res.headers.connection, 'keep-alive');
        res.resume();
        res.on('end', () => resolve(req.socket as Socket));
      });
      req.on('error', reject);
      req.end();
    });
    socket.ref(); // The agent unrefs idle sockets; keep the test alive until the server closes it.
    const closed = once(socket, 'close');
    await gw.stop();
    await closed;
    await assert.rejects(fetch(`${gw.url}/_gust/v1/health`));
  });
});
