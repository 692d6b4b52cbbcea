import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { keyAccess } from './test-access.js';
import { startTestGateway, type TestGateway } from './test-support.js';

const APP = 'https://app.example.test';

describe('gateway: CORS', () => {
  let gw: TestGateway;

  before(async () => {
    gw = await startTestGateway({}, [], keyAccess());
    gw.registry.add('orders');
    gw.registry.setRoutes([
      {
        method: 'POST',
        path: '/orders',
        functionName: 'orders',
        cors: {
          allowOrigins: [APP],
          allowMethods: ['GET', 'POST'],
          allowHeaders: ['content-type', 'authorization'],
          exposeHeaders: ['x-total'],
          maxAgeSec: 600,
          allowCredentials: true,
        },
      },
      {
        method: 'GET',
        path: '/open',
        functionName: 'orders',
        auth: { type: 'none' },
        cors: {
          allowOrigins: ['*'],
          allowMethods: ['*'],
          allowHeaders: ['*'],
          exposeHeaders: [],
          allowCredentials: false,
        },
      },
      { method: 'GET', path: '/plain', functionName: 'orders', auth: { type: 'none' } },
    ]);
  });
  after(() => gw.stop());
  beforeEach(() => {
    gw.invoker.calls.length = 0;
    gw.invoker.script = () => ({});
  });

  const preflight = (path: string, origin: string, method: string, headers = 'content-type') =>
    fetch(`${gw.url}${path}`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers },
    });

  it('answers a preflight itself with 204, without credentials and without invoking', async () => {
    const response = await preflight('/orders', APP, 'POST');
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('access-control-allow-origin'), APP);
    assert.equal(response.headers.get('access-control-allow-methods'), 'GET,POST');
    assert.equal(response.headers.get('access-control-allow-headers'), 'content-type,authorization');
    assert.equal(response.headers.get('access-control-max-age'), '600');
    assert.equal(response.headers.get('access-control-allow-credentials'), 'true');
    assert.equal(gw.invoker.calls.length, 0);
  });

  it('gives a disallowed origin no CORS headers, on preflights and on responses', async () => {
    const pre = await preflight('/orders', 'https://evil.example', 'POST');
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), null);
    const response = await fetch(`${gw.url}/orders`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', authorization: 'Bearer invoker' },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), null);
  });

  it("adds Allow-Origin, Expose-Headers and Allow-Credentials to responses, over the function's own", async () => {
    gw.invoker.script = () => ({
      payload: JSON.stringify({
        statusCode: 201,
        headers: { 'access-control-allow-origin': '*', 'x-total': '3' },
      }),
    });
    const response = await fetch(`${gw.url}/orders`, {
      method: 'POST',
      headers: { origin: APP, authorization: 'Bearer invoker' },
    });
    assert.equal(response.status, 201);
    assert.equal(response.headers.get('access-control-allow-origin'), APP);
    assert.equal(response.headers.get('access-control-expose-headers'), 'x-total');
    assert.equal(response.headers.get('access-control-allow-credentials'), 'true');
    assert.equal(response.headers.get('vary'), 'origin');
  });

  it('puts CORS headers on error responses too, so the browser can read a 401', async () => {
    const response = await fetch(`${gw.url}/orders`, { method: 'POST', headers: { origin: APP } });
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('access-control-allow-origin'), APP);
  });

  it('answers * routes with * and echoes the requested method and headers', async () => {
    const pre = await preflight('/open', 'https://any.example', 'GET', 'x-custom');
    assert.equal(pre.headers.get('access-control-allow-origin'), '*');
    assert.equal(pre.headers.get('access-control-allow-methods'), 'GET');
    assert.equal(pre.headers.get('access-control-allow-headers'), 'x-custom');
    const response = await fetch(`${gw.url}/open`, { headers: { origin: 'https://any.example' } });
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
  });

  it('leaves routes without CORS alone: a preflight is an ordinary OPTIONS request (405 here)', async () => {
    const pre = await preflight('/plain', APP, 'GET');
    assert.equal(pre.status, 405);
    const response = await fetch(`${gw.url}/plain`, { headers: { origin: APP } });
    assert.equal(response.headers.get('access-control-allow-origin'), null);
  });
});
