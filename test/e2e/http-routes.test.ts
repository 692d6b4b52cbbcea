import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN_AUTH, type RunningServer, startServer } from './harness.js';

const MANIFEST = `
service: routes
provider:
  httpAuth: none # these tests are about the event and response mapping, not auth
functions:
  echo:
    handler: echo.handler
    events:
      - http: ANY /echo/{id}
      - http: ANY /files/{proxy+}
  shaped:
    handler: shaped.handler
    events:
      - http: POST /shaped
  plain:
    handler: plain.handler
    events:
      - http: GET /plain
  bad:
    handler: bad.handler
    events:
      - http: GET /bad
  private:
    handler: plain.handler
    events:
      - http: { method: GET, path: /private, auth: key }
`;

const FILES = {
  'gust.yaml': MANIFEST,
  'package.json': '{"type":"module"}',
  // Returns the event it received, so the test sees exactly what a function sees.
  'echo.js': 'export const handler = async (event, context) => ({ event, requestId: context.awsRequestId });',
  // Returns whatever response shape the request asks for.
  'shaped.js': 'export const handler = async (event) => JSON.parse(event.body);',
  'plain.js': 'export const handler = async () => ({ hello: "world" });',
  'bad.js': 'export const handler = async () => ({ statusCode: "teapot", body: 1 });',
};

let server: RunningServer;

before(async () => {
  server = await startServer(FILES);
});

after(async () => {
  await server.stop();
});

async function echo(path: string, init?: RequestInit) {
  const res = await fetch(server.url + path, init);
  assert.equal(res.status, 200, await res.clone().text());
  return {
    res,
    body: (await res.json()) as {
      event: Record<string, unknown> & { requestContext: Record<string, unknown> };
      requestId: string;
    },
  };
}

describe('HTTP routes', () => {
  it('give the function an API Gateway HTTP API 2.0 event', async () => {
    const { res, body } = await echo('/echo/42?b=2&a=1&a=3', {
      method: 'PUT',
      headers: {
        'content-type': 'application/json',
        'x-custom': 'one',
        cookie: 'c1=v1; c2=v2',
        'user-agent': 'e2e',
      },
      body: '{"x":1}',
    });
    const { event } = body;
    assert.equal(event.version, '2.0');
    assert.equal(event.routeKey, 'ANY /echo/{id}');
    assert.equal(event.rawPath, '/echo/42');
    assert.equal(event.rawQueryString, 'b=2&a=1&a=3');
    assert.deepEqual(event.queryStringParameters, { a: '1,3', b: '2' });
    assert.deepEqual(event.pathParameters, { id: '42' });
    assert.deepEqual(event.cookies, ['c1=v1', 'c2=v2']);
    assert.equal((event.headers as Record<string, string>)['x-custom'], 'one');
    assert.equal((event.headers as Record<string, string>)['content-type'], 'application/json');
    assert.equal(event.body, '{"x":1}');
    assert.equal(event.isBase64Encoded, false);
    const ctx = event.requestContext;
    const http = ctx.http as Record<string, string>;
    assert.equal(http.method, 'PUT');
    assert.equal(http.path, '/echo/42');
    assert.equal(http.protocol, 'HTTP/1.1');
    assert.equal(http.userAgent, 'e2e');
    assert.match(http.sourceIp ?? '', /127\.0\.0\.1/);
    assert.equal(ctx.stage, '$default');
    assert.equal(ctx.routeKey, 'ANY /echo/{id}');
    assert.equal(typeof ctx.timeEpoch, 'number');
    assert.match(String(ctx.time), /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    // The request id the client sees is the one the function got, and the one in the event.
    assert.equal(res.headers.get('x-request-id'), body.requestId);
    assert.equal(ctx.requestId, body.requestId);
  });

  it('base64-encode binary bodies and pass greedy path segments as proxy', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252]);
    const { body } = await echo('/files/a/b/c.bin', {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    assert.equal(body.event.isBase64Encoded, true);
    assert.equal(body.event.body, bytes.toString('base64'));
    assert.deepEqual(body.event.pathParameters, { proxy: 'a/b/c.bin' });
    assert.equal(body.event.routeKey, 'ANY /files/{proxy+}');
  });

  it('map a statusCode result to status, headers, cookies and body', async () => {
    const res = await fetch(`${server.url}/shaped`, {
      method: 'POST',
      body: JSON.stringify({
        statusCode: 201,
        headers: { 'x-made': 'yes', 'content-type': 'text/plain' },
        cookies: ['a=1; Path=/', 'b=2'],
        body: 'created',
      }),
    });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('x-made'), 'yes');
    assert.deepEqual(res.headers.getSetCookie(), ['a=1; Path=/', 'b=2']);
    assert.equal(await res.text(), 'created');
  });

  it('decode a base64 body the function marks as such', async () => {
    const res = await fetch(`${server.url}/shaped`, {
      method: 'POST',
      body: JSON.stringify({
        statusCode: 200,
        isBase64Encoded: true,
        body: Buffer.from([9, 8, 7]).toString('base64'),
      }),
    });
    assert.deepEqual([...new Uint8Array(await res.arrayBuffer())], [9, 8, 7]);
  });

  it('send any other result as a 200 JSON body', async () => {
    const res = await fetch(`${server.url}/plain`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    assert.deepEqual(await res.json(), { hello: 'world' });
  });

  it('answer 502 when the result cannot be mapped', async () => {
    const res = await fetch(`${server.url}/bad`);
    assert.equal(res.status, 502);
    const body = (await res.json()) as { error: { code: string } };
    assert.equal(body.error.code, 'ERR_INVALID_FUNCTION_RESPONSE');
  });

  it('answer 404 for an unknown path and 405 for a known path with another method', async () => {
    const missing = await fetch(`${server.url}/nowhere`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'ERR_ROUTE_NOT_FOUND');
    assert.ok(missing.headers.get('x-request-id'));
    const wrong = await fetch(`${server.url}/plain`, { method: 'DELETE' });
    assert.equal(wrong.status, 405);
    assert.match(wrong.headers.get('allow') ?? '', /GET/);
  });

  it('refuse a body over 6 MB with 413 and keep serving', async () => {
    const res = await fetch(`${server.url}/echo/big`, {
      method: 'POST',
      body: Buffer.alloc(6 * 1024 * 1024 + 1, 97),
    });
    assert.equal(res.status, 413);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'ERR_PAYLOAD_TOO_LARGE');
    assert.equal((await fetch(`${server.url}/plain`)).status, 200);
  });

  it('ask for an API key on a route declared auth: key, and serve it to a key allowed function:Invoke', async () => {
    const anonymous = await fetch(`${server.url}/private`);
    assert.equal(anonymous.status, 401);
    assert.equal(((await anonymous.json()) as { error: { code: string } }).error.code, 'ERR_UNAUTHENTICATED');
    const admin = await fetch(`${server.url}/private`, { headers: ADMIN_AUTH });
    assert.equal(admin.status, 200);
  });
});
