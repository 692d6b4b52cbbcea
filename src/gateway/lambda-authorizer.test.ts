import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { HttpApiEvent } from './apigw-event.js';
import { startTestGateway, type TestGateway } from './test-support.js';

interface AuthorizerEvent {
  version: string;
  type: string;
  routeArn: string;
  identitySource: string[];
  routeKey: string;
  rawPath: string;
  headers: Record<string, string>;
  requestContext: { requestId: string };
}

describe('gateway: Lambda authorizer routes', () => {
  let gw: TestGateway;
  /** The authorizer's answer per token: true/false, or 'crash' / 'garbage'. */
  let verdicts: Record<string, boolean | 'crash' | 'garbage'>;

  const authorizerCalls = () => gw.invoker.calls.filter((c) => c.functionName === 'auth');
  const targetCalls = () => gw.invoker.calls.filter((c) => c.functionName === 'orders');
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${gw.url}${path}`, { headers });

  before(async () => {
    gw = await startTestGateway();
    gw.registry.add('orders');
    gw.registry.add('auth');
    const authorizer = {
      type: 'authorizer' as const,
      function: 'auth',
      identitySource: ['$request.header.Authorization'],
      ttlSec: 300,
    };
    gw.registry.setRoutes([
      { method: 'GET', path: '/orders/{id}', functionName: 'orders', auth: authorizer },
      {
        method: 'GET',
        path: '/uncached',
        functionName: 'orders',
        auth: { ...authorizer, identitySource: ['$request.querystring.token'], ttlSec: 0 },
      },
    ]);
  });
  after(() => gw.stop());
  beforeEach(() => {
    gw.invoker.calls.length = 0;
    gw.clock.advance(3600_000); // every cached decision has expired
    verdicts = {
      'Bearer good': true,
      'Bearer bad': false,
      good: true,
      'Bearer crash': 'crash',
      'Bearer junk': 'garbage',
    };
    gw.invoker.script = (call) => {
      if (call.functionName !== 'auth') return {};
      const event = JSON.parse(call.payload) as AuthorizerEvent;
      const verdict = verdicts[event.identitySource[0] ?? ''];
      if (verdict === 'crash') {
        return {
          status: 'error',
          payload: null,
          error: { errorType: 'Error', errorMessage: 'boom', trace: [] },
        };
      }
      if (verdict === 'garbage') return { payload: '"yes"' };
      return {
        payload: JSON.stringify({ isAuthorized: verdict === true, context: { user: 'u-1', tier: 2 } }),
      };
    };
  });

  it('invokes the target when the authorizer allows, with its context in requestContext.authorizer.lambda', async () => {
    const response = await get('/orders/42', { authorization: 'Bearer good' });
    assert.equal(response.status, 200);
    const [call] = authorizerCalls();
    assert.equal(call?.options.trigger, 'authorizer');
    const event = JSON.parse(call?.payload ?? '{}') as AuthorizerEvent;
    assert.equal(event.version, '2.0');
    assert.equal(event.type, 'REQUEST');
    assert.deepEqual(event.identitySource, ['Bearer good']);
    assert.equal(event.routeKey, 'GET /orders/{id}');
    assert.equal(event.rawPath, '/orders/42');
    assert.equal(event.routeArn, 'arn:aws:execute-api:us-east-1:000000000000:gust/$default/GET/orders/42');
    const target = gw.invoker.lastEvent() as unknown as HttpApiEvent;
    assert.deepEqual(target.requestContext.authorizer?.lambda, { user: 'u-1', tier: 2 });
  });

  it('answers 403 without invoking the target when the authorizer denies', async () => {
    const response = await get('/orders/42', { authorization: 'Bearer bad' });
    assert.equal(response.status, 403);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'ERR_ACCESS_DENIED');
    assert.equal(targetCalls().length, 0);
  });

  it('caches decisions by identity source for the ttl', async () => {
    await get('/orders/1', { authorization: 'Bearer good' });
    await get('/orders/2', { authorization: 'Bearer good' });
    await get('/orders/3', { authorization: 'Bearer bad' });
    await get('/orders/4', { authorization: 'Bearer bad' });
    assert.equal(authorizerCalls().length, 2, 'one call per identity');
    assert.equal(targetCalls().length, 2);
    gw.clock.advance(300_000);
    await get('/orders/5', { authorization: 'Bearer good' });
    assert.equal(authorizerCalls().length, 3, 'asked again once the ttl passed');
  });

  it('asks every time when ttl is 0, reading a query-string identity source', async () => {
    assert.equal((await get('/uncached?token=good')).status, 200);
    assert.equal((await get('/uncached?token=good')).status, 200);
    assert.equal(authorizerCalls().length, 2);
  });

  it('answers 401 without invoking the authorizer when the identity source is missing', async () => {
    const response = await get('/orders/42');
    assert.equal(response.status, 401);
    const body = (await response.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'ERR_UNAUTHENTICATED');
    assert.match(body.error.message, /\$request\.header\.Authorization/);
    assert.equal(gw.invoker.calls.length, 0);
    assert.equal((await get('/uncached')).status, 401);
  });

  it('answers 500 ERR_AUTHORIZER_FAILED when the authorizer fails or answers nonsense, and does not cache it', async () => {
    for (const token of ['Bearer crash', 'Bearer junk']) {
      const response = await get('/orders/42', { authorization: token });
      assert.equal(response.status, 500);
      const body = (await response.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'ERR_AUTHORIZER_FAILED');
      assert.match(body.error.message, /'auth'/);
    }
    verdicts['Bearer crash'] = true;
    assert.equal((await get('/orders/42', { authorization: 'Bearer crash' })).status, 200);
    assert.equal(targetCalls().length, 1);
  });
});
