import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { keyAccess } from './test-access.js';
import { startTestGateway, type TestGateway } from './test-support.js';

async function codeOf(response: Response): Promise<string> {
  return ((await response.json()) as { error: { code: string } }).error.code;
}

describe('gateway: route auth with API keys (the default)', () => {
  let gw: TestGateway;
  let access: ReturnType<typeof keyAccess>;

  before(async () => {
    access = keyAccess();
    gw = await startTestGateway({ keyRateLimit: { rate: 1, burst: 2 } }, [], access);
    gw.registry.add('orders');
    gw.registry.setRoutes([
      { method: 'GET', path: '/orders', functionName: 'orders' },
      { method: 'GET', path: '/public', functionName: 'orders', auth: { type: 'none' } },
      {
        method: 'GET',
        path: '/limited',
        functionName: 'orders',
        auth: { type: 'none' },
        rateLimit: { rate: 2, burst: 2 },
      },
    ]);
  });
  after(() => gw.stop());
  beforeEach(() => {
    gw.invoker.calls.length = 0;
    gw.clock.advance(60_000); // every bucket is full again
  });

  it('answers 401 without invoking when a key route gets no credentials', async () => {
    const response = await fetch(`${gw.url}/orders`);
    assert.equal(response.status, 401);
    assert.equal(await codeOf(response), 'ERR_UNAUTHENTICATED');
    assert.equal(gw.invoker.calls.length, 0);
  });

  it('answers 403 when the key may not function:Invoke the route function, and audits the denial', async () => {
    const response = await fetch(`${gw.url}/orders`, { headers: { authorization: 'Bearer reader' } });
    assert.equal(response.status, 403);
    const body = (await response.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'ERR_ACCESS_DENIED');
    assert.match(body.error.message, /function:Invoke on gust:function:orders/);
    assert.equal(gw.invoker.calls.length, 0);
    const denial = access.entries.find((e) => e.principal === 'GKREADERREADERREADER');
    assert.equal(denial?.outcome, 'denied');
  });

  it('invokes the function for a key allowed function:Invoke on it', async () => {
    const response = await fetch(`${gw.url}/orders`, { headers: { authorization: 'Bearer invoker' } });
    assert.equal(response.status, 200);
    assert.equal(gw.invoker.calls.length, 1);
  });

  it('answers 403 for credentials the authenticator refuses', async () => {
    const response = await fetch(`${gw.url}/orders`, { headers: { authorization: 'Bearer forged' } });
    assert.equal(response.status, 403);
    assert.equal(await codeOf(response), 'ERR_INVALID_CREDENTIALS');
  });

  it('serves a route declared auth: none to anyone', async () => {
    const response = await fetch(`${gw.url}/public`);
    assert.equal(response.status, 200);
    assert.equal(gw.invoker.calls.length, 1);
  });

  it('limits each key to its rate, with Retry-After, and lets it in again once tokens refill', async () => {
    const auth = { authorization: 'Bearer invoker' };
    assert.equal((await fetch(`${gw.url}/orders`, { headers: auth })).status, 200);
    assert.equal((await fetch(`${gw.url}/orders`, { headers: auth })).status, 200);
    const limited = await fetch(`${gw.url}/orders`, { headers: auth });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '1');
    const body = (await limited.json()) as { error: { code: string; reason: string } };
    assert.equal(body.error.code, 'ERR_TOO_MANY_REQUESTS');
    assert.equal(body.error.reason, 'KeyRateLimitExceeded');
    // Another key has its own bucket.
    assert.equal(
      (await fetch(`${gw.url}/orders`, { headers: { authorization: 'Bearer other' } })).status,
      200,
    );
    gw.clock.advance(1000);
    assert.equal((await fetch(`${gw.url}/orders`, { headers: auth })).status, 200);
    assert.equal(gw.invoker.calls.length, 4);
  });

  it('applies the per-key limit to the Invoke API too', async () => {
    gw.registry.add('orders');
    const auth = { authorization: 'Bearer other' };
    const invoke = () =>
      fetch(`${gw.url}/2015-03-31/functions/orders/invocations`, {
        method: 'POST',
        headers: auth,
        body: '{}',
      });
    assert.equal((await invoke()).status, 200);
    assert.equal((await invoke()).status, 200);
    assert.equal((await invoke()).status, 429);
  });

  it("limits a route's callers together with rateLimit, and recovers after the window", async () => {
    const get = () => fetch(`${gw.url}/limited`);
    assert.equal((await get()).status, 200);
    assert.equal((await get()).status, 200);
    const limited = await get();
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '1');
    assert.equal(
      ((await limited.json()) as { error: { reason: string } }).error.reason,
      'RouteRateLimitExceeded',
    );
    gw.clock.advance(400);
    assert.equal((await get()).status, 429);
    gw.clock.advance(200);
    assert.equal((await get()).status, 200);
    assert.equal(gw.invoker.calls.length, 3);
  });
});
