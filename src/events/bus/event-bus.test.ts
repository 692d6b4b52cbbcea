import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { isGustError } from '../../core/errors.js';
import { ASYNC_QUEUE } from '../../queue/system-queues.js';
import { type BusFixture, busFixture, functionRule } from './test-support.js';

let fx: BusFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const order = (extra: Record<string, unknown> = {}) => ({
  Source: 'shop',
  DetailType: 'OrderPlaced',
  Detail: JSON.stringify({ id: 7, total: 42 }),
  ...extra,
});

describe('the event bus', () => {
  it('turns a matching event into one async invocation of each function target, in the async queue', async () => {
    fx = await busFixture({
      functions: { audit: { rules: [functionRule('audit-rule-1', { source: ['shop'] })] } },
    });
    const out = await fx.bus.putEvents([order({ Resources: ['arn:aws:x'] })]);
    assert.equal(out.FailedEntryCount, 0);
    const eventId = (out.Entries[0] as { EventId: string }).EventId;
    const [message, ...rest] = await fx.messages(ASYNC_QUEUE);
    assert.equal(rest.length, 0);
    assert.deepEqual(JSON.parse(message?.body ?? ''), {
      version: '0',
      id: eventId,
      'detail-type': 'OrderPlaced',
      source: 'shop',
      account: '123456789012',
      time: '2026-01-02T03:04:05Z',
      region: 'eu-west-1',
      resources: ['arn:aws:x'],
      detail: { id: 7, total: 42 },
    });
    assert.equal(message?.meta?.functionName, 'audit');
    assert.equal(message?.meta?.qualifier, '$LATEST');
    assert.equal(message?.meta?.trigger, 'event');
    assert.equal(typeof message?.meta?.requestId, 'string');
  });

  it('accepts an event that matches no rule and delivers it nowhere', async () => {
    fx = await busFixture({
      functions: { audit: { rules: [functionRule('audit-rule-1', { source: ['billing'] })] } },
    });
    const out = await fx.bus.putEvents([order()]);
    assert.equal(out.FailedEntryCount, 0);
    assert.ok('EventId' in (out.Entries[0] ?? {}));
    assert.deepEqual(await fx.messages(ASYNC_QUEUE), []);
  });

  it('fans one event out to every target of every matching rule', async () => {
    fx = await busFixture({
      functions: {
        audit: { rules: [functionRule('audit-rule-1', { 'detail-type': ['OrderPlaced'] })] },
        ship: {},
      },
      queues: ['orders'],
      topLevel: [
        {
          bus: 'default',
          name: 'archive',
          pattern: { source: ['shop'] },
          targets: ['queue:orders', 'function:ship'],
        },
        { bus: 'default', name: 'never', pattern: { source: ['nope'] }, targets: ['queue:orders'] },
      ],
    });
    const out = await fx.bus.putEvents([order()]);
    assert.equal(out.FailedEntryCount, 0);
    const orders = await fx.messages('orders');
    assert.equal(orders.length, 1);
    assert.equal(JSON.parse(orders[0]?.body ?? '').detail.id, 7);
    const invocations = (await fx.messages(ASYNC_QUEUE)).map((m) => m.meta?.functionName).sort();
    assert.deepEqual(invocations, ['audit', 'ship']);
    const published = await fx.bus.publish('default', { source: 'shop', detailType: 'X', detail: {} });
    assert.deepEqual(published.matchedRules, ['archive']);
  });

  it('routes an event only to the rules of the bus it was put on (by name or ARN)', async () => {
    fx = await busFixture({
      functions: { audit: { rules: [functionRule('audit-rule-1', { source: ['shop'] }, { bus: 'audit' })] } },
    });
    await fx.bus.putEvents([order()]);
    assert.equal((await fx.messages(ASYNC_QUEUE)).length, 0);
    await fx.bus.putEvents([order({ EventBusName: 'audit' })]);
    await fx.bus.putEvents([
      order({ EventBusName: 'arn:aws:events:eu-west-1:123456789012:event-bus/audit' }),
    ]);
    assert.equal((await fx.messages(ASYNC_QUEUE)).length, 2);
    assert.deepEqual(fx.bus.buses(), ['audit', 'default']);
  });

  it('fails bad entries one by one and still delivers the good ones', async () => {
    fx = await busFixture({ functions: { audit: { rules: [functionRule('r', { source: ['shop'] })] } } });
    const out = await fx.bus.putEvents([
      order({ Detail: '[1, 2]' }),
      order(),
      order({ EventBusName: 'nowhere' }),
      order({ Source: undefined }),
    ]);
    assert.equal(out.FailedEntryCount, 3);
    assert.equal((out.Entries[0] as { ErrorCode: string }).ErrorCode, 'MalformedDetail');
    assert.ok('EventId' in (out.Entries[1] ?? {}));
    assert.deepEqual(out.Entries[2], {
      ErrorCode: 'ResourceNotFoundException',
      ErrorMessage:
        "Event bus 'nowhere' does not exist: 'default' always does, others once a rule in gust.yaml names them.",
    });
    assert.deepEqual(out.Entries[3], {
      ErrorCode: 'InvalidArgument',
      ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.',
    });
    assert.equal((await fx.messages(ASYNC_QUEUE)).length, 1);
  });

  it('fails an entry whose rule targets a missing queue, delivering none of its targets', async () => {
    fx = await busFixture({
      functions: { audit: {} },
      topLevel: [
        {
          bus: 'default',
          name: 'broken',
          pattern: { source: ['shop'] },
          targets: ['function:audit', 'queue:gone'],
        },
      ],
    });
    const out = await fx.bus.putEvents([order(), order({ Source: 'other' })]);
    assert.equal(out.FailedEntryCount, 1);
    const failed = out.Entries[0] as { ErrorCode: string; ErrorMessage: string };
    assert.equal(failed.ErrorCode, 'InternalFailure');
    assert.match(
      failed.ErrorMessage,
      /Rule 'broken' on bus 'default' targets queue:gone, which does not exist/,
    );
    assert.deepEqual(await fx.messages(ASYNC_QUEUE), []);
  });

  it('enqueues every delivery of one call in a single sendBatches transaction', async () => {
    fx = await busFixture({
      functions: { audit: { rules: [functionRule('r', { source: ['shop'] })] } },
      queues: ['orders'],
      topLevel: [
        { bus: 'default', name: 'archive', pattern: { source: ['shop'] }, targets: ['queue:orders'] },
      ],
    });
    const calls: number[] = [];
    const original = fx.queues.sendBatches.bind(fx.queues);
    fx.queues.sendBatches = async (batches) => {
      calls.push(batches.reduce((n, b) => n + b.inputs.length, 0));
      return original(batches);
    };
    await fx.bus.putEvents([order(), order(), order()]);
    assert.deepEqual(calls, [6]);
  });

  it('gives the target the transformed input when the rule has an input transformer', async () => {
    const inputTransformer = {
      inputPathsMap: { id: '$.detail.id', type: '$.detail-type' },
      inputTemplate: '{"order": <id>, "what": "<type> via <aws.events.rule-name>"}',
    };
    fx = await busFixture({
      functions: { audit: { rules: [functionRule('r1', { source: ['shop'] }, { inputTransformer })] } },
      queues: ['texts'],
      topLevel: [
        {
          bus: 'default',
          name: 'texts',
          pattern: { source: ['shop'] },
          targets: ['queue:texts', 'function:audit'],
          inputTransformer: { inputPathsMap: { id: '$.detail.id' }, inputTemplate: 'order <id> placed' },
        },
      ],
    });
    await fx.bus.putEvents([order()]);
    assert.deepEqual(
      (await fx.messages('texts')).map((m) => m.body),
      ['order 7 placed'],
    );
    const payloads = (await fx.messages(ASYNC_QUEUE)).map((m) => JSON.parse(m.body)).sort();
    assert.deepEqual(payloads, [{ order: 7, what: 'OrderPlaced via r1' }, 'order 7 placed']);
  });

  it('publishes built events all or nothing', async () => {
    fx = await busFixture({
      queues: ['orders'],
      topLevel: [
        { bus: 'default', name: 'ok', pattern: { source: ['a'] }, targets: ['queue:orders'] },
        { bus: 'default', name: 'broken', pattern: { source: ['b'] }, targets: ['queue:gone'] },
      ],
    });
    const event = (source: string) => ({
      version: '0' as const,
      id: `e-${source}`,
      'detail-type': 't',
      source,
      account: '1',
      time: '2026-01-01T00:00:00Z',
      region: 'r',
      resources: [],
      detail: {},
    });
    await assert.rejects(fx.bus.publishEvents('default', [event('a'), event('b')]), (e) => isGustError(e));
    assert.deepEqual(await fx.messages('orders'), []);
    const results = await fx.bus.publishEvents('default', [event('a')]);
    assert.deepEqual(results, [{ eventId: 'e-a', bus: 'default', matchedRules: ['ok'] }]);
    assert.equal((await fx.messages('orders')).length, 1);
  });

  it('refuses a request with no entries or more than ten', async () => {
    fx = await busFixture();
    for (const entries of [[], Array.from({ length: 11 }, () => order()), undefined]) {
      await assert.rejects(
        fx.bus.putEvents(entries),
        (e) => isGustError(e) && e.awsType === 'ValidationException' && /1 to 10 entries/.test(e.message),
      );
    }
  });

  it('rebuilds its rules when functions change, and knows the buses bus: destinations name', async () => {
    fx = await busFixture();
    assert.deepEqual(fx.bus.rules(), []);
    fx.registry.add('audit', {
      rules: [functionRule('r', { source: ['shop'] }, { bus: 'orders' })],
      async: { maximumRetryAttempts: 0, maximumEventAgeSec: 60, onSuccess: 'bus:results' },
    });
    fx.registry.setRoutes([]);
    assert.deepEqual(
      fx.bus.rules().map((r) => [r.bus, r.name, r.function, r.targets]),
      [['orders', 'r', 'audit', ['function:audit']]],
    );
    assert.deepEqual(fx.bus.buses(), ['default', 'orders', 'results']);
  });

  it('loads the top-level rules that earlier deploys stored when it starts', async () => {
    fx = await busFixture({
      topLevel: [
        { bus: 'default', name: 'archive', pattern: { source: ['shop'] }, targets: ['queue:orders'] },
      ],
    });
    assert.deepEqual(
      fx.bus.rules().map((r) => [r.name, r.service, r.function]),
      [['archive', 'shop', undefined]],
    );
  });
});
