import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { startTestGateway, type TestGateway } from '../../gateway/test-support.js';
import { ASYNC_QUEUE } from '../../queue/system-queues.js';
import { type BusFixture, busFixture, functionRule } from '../bus/test-support.js';
import { createEventsExtension } from './index.js';

let fx: BusFixture | undefined;
let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  await fx?.close();
  gw = undefined;
  fx = undefined;
});

async function start(): Promise<{ fx: BusFixture; gw: TestGateway }> {
  fx = await busFixture({
    functions: { audit: { rules: [functionRule('audit-rule-1', { source: ['shop'] })] } },
    queues: ['orders'],
    topLevel: [
      {
        bus: 'orders',
        name: 'archive',
        pattern: { 'detail-type': ['OrderPlaced'] },
        targets: ['queue:orders'],
        inputTransformer: { inputPathsMap: { id: '$.detail.id' }, inputTemplate: '{"id": <id>}' },
      },
    ],
  });
  gw = await startTestGateway({}, [createEventsExtension(fx.bus, fx.clock)]);
  return { fx, gw };
}

const aws = async (url: string, operation: string, body: unknown) => {
  const res = await fetch(`${url}/`, {
    method: 'POST',
    headers: { 'x-amz-target': `AWSEvents.${operation}`, 'content-type': 'application/x-amz-json-1.1' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('the EventBridge API', () => {
  it('answers PutEvents with an entry per event, failures in place', async () => {
    const { fx, gw } = await start();
    const res = await aws(gw.url, 'PutEvents', {
      Entries: [
        { Source: 'shop', DetailType: 'OrderPlaced', Detail: '{"id":1}' },
        { Source: 'shop', DetailType: 'OrderPlaced', Detail: 'nope' },
      ],
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.FailedEntryCount, 1);
    const entries = res.body.Entries as Record<string, string>[];
    assert.match(entries[0]?.EventId ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(entries[1]?.ErrorCode, 'MalformedDetail');
    assert.equal((await fx.messages(ASYNC_QUEUE)).length, 1);
  });

  it('answers a request without entries with ValidationException', async () => {
    const { gw } = await start();
    const res = await aws(gw.url, 'PutEvents', { Entries: [] });
    assert.equal(res.status, 400);
    assert.equal(res.body.__type, 'ValidationException');
  });

  it('lists and describes the rules and buses that gust.yaml declares', async () => {
    const { gw } = await start();
    const list = await aws(gw.url, 'ListRules', { EventBusName: 'orders' });
    assert.deepEqual(list.body, {
      Rules: [
        {
          Name: 'archive',
          Arn: 'arn:aws:events:eu-west-1:123456789012:rule/orders/archive',
          EventPattern: '{"detail-type":["OrderPlaced"]}',
          State: 'ENABLED',
          EventBusName: 'orders',
          CreatedBy: '123456789012',
        },
      ],
    });
    const described = await aws(gw.url, 'DescribeRule', { Name: 'audit-rule-1' });
    assert.equal(described.body.Arn, 'arn:aws:events:eu-west-1:123456789012:rule/audit-rule-1');
    const targets = await aws(gw.url, 'ListTargetsByRule', { Rule: 'archive', EventBusName: 'orders' });
    assert.deepEqual(targets.body.Targets, [
      {
        Id: 'queue-orders',
        Arn: 'arn:aws:sqs:eu-west-1:123456789012:orders',
        InputTransformer: { InputPathsMap: { id: '$.detail.id' }, InputTemplate: '{"id": <id>}' },
      },
    ]);
    const buses = await aws(gw.url, 'ListEventBuses', { Limit: 1 });
    assert.deepEqual(buses.body, {
      EventBuses: [{ Name: 'default', Arn: 'arn:aws:events:eu-west-1:123456789012:event-bus/default' }],
      NextToken: '1',
    });
    const missing = await aws(gw.url, 'DescribeRule', { Name: 'nope' });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.__type, 'ResourceNotFoundException');
    assert.equal(missing.body.message, 'Rule nope does not exist on EventBus default.');
  });

  it('explains that rules change by deploying', async () => {
    const { gw } = await start();
    const res = await aws(gw.url, 'PutRule', { Name: 'x' });
    assert.equal(res.body.__type, 'UnknownOperationException');
    assert.match(String(res.body.message), /come from gust\.yaml/);
  });
});

describe('the events control API', () => {
  it('publishes an event and says which rules matched', async () => {
    const { fx, gw } = await start();
    const res = await fetch(`${gw.url}/_gust/v1/events`, {
      method: 'POST',
      body: JSON.stringify({ bus: 'orders', source: 'shop', detailType: 'OrderPlaced', detail: { id: 9 } }),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { eventId: string; bus: string; matchedRules: string[] };
    assert.equal(body.bus, 'orders');
    assert.deepEqual(body.matchedRules, ['archive']);
    assert.deepEqual(
      (await fx.messages('orders')).map((m) => m.body),
      ['{"id": 9}'],
    );
  });

  it('names the field that is wrong, and refuses unknown buses', async () => {
    const { gw } = await start();
    const post = (body: unknown) =>
      fetch(`${gw.url}/_gust/v1/events`, { method: 'POST', body: JSON.stringify(body) }).then(async (r) => ({
        status: r.status,
        error: ((await r.json()) as { error: Record<string, unknown> }).error,
      }));
    const noDetail = await post({ source: 's', detailType: 't' });
    assert.equal(noDetail.status, 400);
    assert.equal(noDetail.error.parameter, 'detail');
    const unknown = await post({ bus: 'nope', source: 's', detailType: 't', detail: {} });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.error.code, 'ERR_NOT_FOUND');
  });

  it('lists rules with their owners', async () => {
    const { gw } = await start();
    const res = (await (await fetch(`${gw.url}/_gust/v1/rules`)).json()) as {
      rules: Record<string, unknown>[];
    };
    assert.deepEqual(
      res.rules.map((r) => [r.bus, r.name, r.service, r.function, r.targets]),
      [
        ['default', 'audit-rule-1', 'shop', 'audit', ['function:audit']],
        ['orders', 'archive', 'shop', null, ['queue:orders']],
      ],
    );
  });

  it('takes CloudEvents in binary and structured mode, keeping their ids', async () => {
    const { fx, gw } = await start();
    const binary = await fetch(`${gw.url}/_gust/v1/events/cloudevents`, {
      method: 'POST',
      headers: {
        'ce-specversion': '1.0',
        'ce-id': 'ce-1',
        'ce-source': 'shop',
        'ce-type': 'com.example.order',
        'content-type': 'application/json',
      },
      body: '{"n": 1}',
    });
    assert.equal(binary.status, 200);
    assert.deepEqual(await binary.json(), {
      bus: 'default',
      events: [{ id: 'ce-1', matchedRules: ['audit-rule-1'] }],
    });
    const structured = await fetch(`${gw.url}/_gust/v1/events/cloudevents?bus=orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify({
        specversion: '1.0',
        id: 'ce-2',
        source: 'shop',
        type: 'OrderPlaced',
        data: { id: 3 },
      }),
    });
    assert.deepEqual(await structured.json(), {
      bus: 'orders',
      events: [{ id: 'ce-2', matchedRules: ['archive'] }],
    });
    const [invocation] = await fx.messages(ASYNC_QUEUE);
    const event = JSON.parse(invocation?.body ?? '{}');
    assert.equal(event.id, 'ce-1');
    assert.equal(event['detail-type'], 'com.example.order');
    assert.deepEqual(event.detail, { n: 1 });
    assert.equal(event.cloudevent.specversion, '1.0');
  });

  it('answers a malformed CloudEvent with 400 and what is wrong', async () => {
    const { gw } = await start();
    const res = await fetch(`${gw.url}/_gust/v1/events/cloudevents`, {
      method: 'POST',
      headers: { 'ce-specversion': '1.0', 'ce-source': 'shop', 'ce-type': 't' },
      body: '{}',
    });
    assert.equal(res.status, 400);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(error.code, 'ERR_INVALID_CLOUDEVENT');
    assert.match(error.message, /ce-id is missing/);
  });
});
