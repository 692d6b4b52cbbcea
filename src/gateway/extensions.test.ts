import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { trustingAccess } from '../auth/access/test-support.js';
import { GustError } from '../core/errors.js';
import { sendJson } from './send.js';
import { startTestGateway, type TestGateway } from './test-support.js';
import type { AwsJsonService, GatewayExtension } from './types.js';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

const echoService: AwsJsonService = {
  targetPrefix: 'AmazonSQS',
  authorize(_operation, _input, ctx) {
    ctx.auth.require('queue:Get', 'gust:queue:echo');
  },
  async handle(operation, input, ctx) {
    if (operation === 'Fail') {
      throw new GustError('ERR_QUEUE_NOT_FOUND', 'Queue x does not exist.', {
        awsType: 'com.amazonaws.sqs#QueueDoesNotExist',
      });
    }
    return { operation, input, baseUrl: ctx.baseUrl };
  },
  errorHeaders: () => ({ 'x-amzn-query-error': 'AWS.SimpleQueueService.NonExistentQueue;Sender' }),
};

const extension: GatewayExtension = {
  awsJson: [echoService],
  controlRoutes: [
    {
      method: 'GET',
      path: '/things/:name',
      authorize: { action: 'function:Get', resource: (p) => `gust:function:${p.name ?? ''}` },
      handler: async (_req, res, ctx, params) => sendJson(res, 200, { name: params.name }, ctx.requestId),
    },
  ],
};

const call = (url: string, target: string, body: string) =>
  fetch(`${url}/`, {
    method: 'POST',
    headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.0' },
    body,
  });

describe('gateway extensions', () => {
  it('dispatch AWS JSON requests by X-Amz-Target to the service that owns the prefix', async () => {
    gw = await startTestGateway({}, [extension]);
    const res = await call(gw.url, 'AmazonSQS.ListQueues', '{"QueueNamePrefix":"a"}');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/x-amz-json-1.0');
    assert.deepEqual(await res.json(), {
      operation: 'ListQueues',
      input: { QueueNamePrefix: 'a' },
      baseUrl: gw.url,
    });
  });

  it('write service errors in the AWS JSON shape with the service headers', async () => {
    gw = await startTestGateway({}, [extension]);
    const res = await call(gw.url, 'AmazonSQS.Fail', '{}');
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('x-amzn-query-error'), 'AWS.SimpleQueueService.NonExistentQueue;Sender');
    const body = (await res.json()) as { __type: string; message: string };
    assert.equal(body.__type, 'com.amazonaws.sqs#QueueDoesNotExist');
    assert.equal(body.message, 'Queue x does not exist.');
  });

  it('answer unknown services and malformed bodies with clear errors', async () => {
    gw = await startTestGateway({}, [extension]);
    const unknown = await call(gw.url, 'AWSNope.Do', '{}');
    assert.equal(((await unknown.json()) as { __type: string }).__type, 'UnknownOperationException');
    const bad = await call(gw.url, 'AmazonSQS.ListQueues', '{oops');
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { __type: string }).__type, 'SerializationException');
  });

  it('serve control routes that capabilities add', async () => {
    gw = await startTestGateway({}, [extension]);
    const res = await fetch(`${gw.url}/_gust/v1/things/abc`);
    assert.deepEqual(await res.json(), { name: 'abc' });
  });

  it('leave POST / without X-Amz-Target to the app routes', async () => {
    gw = await startTestGateway({}, [extension]);
    const res = await fetch(`${gw.url}/`, { method: 'POST', body: '{}' });
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'ERR_ROUTE_NOT_FOUND');
  });
});

describe('gateway start-up', () => {
  it('answers 503 with Retry-After while listening but not yet started', async () => {
    const { createGateway } = await import('./gateway.js');
    const { FakeClock } = await import('../core/clock.js');
    const { sequentialIds } = await import('../core/ids.js');
    const { FakeInvoker, FakeRegistry, FakeStore } = await import('./test-support.js');
    const registry = new FakeRegistry();
    registry.add('hello');
    const gateway = createGateway({
      invoker: new FakeInvoker(),
      registry,
      store: new FakeStore().asStore(),
      pool: { stats: () => ({ genericReady: 0, instances: [] }) },
      clock: new FakeClock(),
      ids: sequentialIds('req'),
      version: '0.1.0',
      access: trustingAccess(),
      storeKind: 'sqlite',
      config: { host: '127.0.0.1', port: 0, tmpDir: '/tmp/gust-gateway-test' },
    });
    try {
      const { url } = await gateway.listen();
      const early = await fetch(`${url}/2015-03-31/functions/hello/invocations`, {
        method: 'POST',
        body: '{}',
      });
      assert.equal(early.status, 503);
      assert.equal(early.headers.get('retry-after'), '1');
      assert.equal(((await early.json()) as { error: { code: string } }).error.code, 'ERR_STARTING');
      assert.equal((await gateway.start()).url, url, 'start() keeps the address listen() bound');
      const ready = await fetch(`${url}/2015-03-31/functions/hello/invocations`, {
        method: 'POST',
        body: '{}',
      });
      assert.equal(ready.status, 200);
    } finally {
      await gateway.stop();
    }
  });
});
