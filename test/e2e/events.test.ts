import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EventBridgeClient, ListRulesCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  ADMIN_AUTH,
  ADMIN_KEY,
  type RunningServer,
  runCli,
  startServer,
  waitFor,
  writeApp,
} from './harness.js';

const FILES = {
  'gust.yaml': `
service: events
queues:
  archive:
rules:
  archive-orders:
    pattern: { source: [shop], detail-type: [OrderPlaced] }
    targets: [queue:archive]
    inputTransformer:
      inputPathsMap: { id: $.detail.marker }
      inputTemplate: '{"archived": <id>, "by": <aws.events.rule-name>}'
  results:
    pattern: { source: [lambda], detail-type: [{ prefix: "Lambda Function Invocation Result" }] }
    targets: [function:recorder]
functions:
  onOrder:
    handler: fns.record
    events:
      - eventBridge:
          pattern: { source: [shop], detail: { total: [{ numeric: [">", 100] }] } }
      - eventBridge:
          name: cloud-orders
          pattern: { source: [/cloud/orders] }
  archiver:
    handler: fns.record
    events:
      - queue: archive
  worker:
    handler: fns.work
    destinations: { onSuccess: bus:default }
  recorder:
    handler: fns.record
`,
  'fns.js': `
    exports.record = async (event) => { console.log('GOT ' + JSON.stringify(event)); return 'ok'; };
    exports.work = async (event) => ({ done: event.job });
  `,
};

let server: RunningServer;

before(async () => {
  server = await startServer(FILES);
});

after(async () => {
  await server.stop();
});

/** The events a function logged with `GOT <json>`, oldest first. */
async function received(fn: string): Promise<Record<string, unknown>[]> {
  const page = await server.api<{ logs: { message: string }[] }>(
    `/_gust/v1/functions/${fn}/logs?limit=10000`,
  );
  return page.logs
    .map((l) => /GOT (.*)$/s.exec(l.message)?.[1])
    .filter((text): text is string => text !== undefined)
    .map((text) => JSON.parse(text) as Record<string, unknown>);
}

/** Waits until `fn` logged an event that `pick` accepts. */
function receivedOne(fn: string, what: string, pick: (event: Record<string, unknown>) => boolean) {
  return waitFor(what, async () => (await received(fn)).find(pick));
}

const markerOf = (event: Record<string, unknown>) =>
  (event.detail as { marker?: string } | undefined)?.marker;

const client = () =>
  new EventBridgeClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: ADMIN_KEY,
  });

describe('the event bus through the EventBridge SDK', () => {
  it('delivers a matching event to the function and not a non-matching one', async () => {
    const out = await client().send(
      new PutEventsCommand({
        Entries: [
          { Source: 'shop', DetailType: 'Cheap', Detail: JSON.stringify({ total: 5, marker: 'sdk-miss' }) },
          {
            Source: 'shop',
            DetailType: 'Big',
            Detail: JSON.stringify({ total: 150, marker: 'sdk-hit' }),
            Resources: ['arn:aws:x:1'],
            Time: new Date('2026-03-04T05:06:07Z'),
          },
          { Source: 'shop', DetailType: 'Bad', Detail: 'not json' },
        ],
      }),
    );
    assert.equal(out.FailedEntryCount, 1);
    assert.equal(out.Entries?.[2]?.ErrorCode, 'MalformedDetail');
    const hitId = out.Entries?.[1]?.EventId;
    const event = await receivedOne('onOrder', 'the matching event', (e) => markerOf(e) === 'sdk-hit');
    assert.equal(event.id, hitId);
    assert.equal(event.source, 'shop');
    assert.equal(event['detail-type'], 'Big');
    assert.equal(event.time, '2026-03-04T05:06:07Z');
    assert.deepEqual(event.resources, ['arn:aws:x:1']);
    assert.equal(event.version, '0');
    // Both entries were enqueued in the same transaction, so had the miss matched it would have
    // run by now; give stragglers a moment anyway.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await received('onOrder')).filter((e) => markerOf(e) === 'sdk-miss').length, 0);
    const records = await server.api<{ invocations: { trigger: string }[] }>(
      '/_gust/v1/functions/onOrder/invocations',
    );
    assert.ok(records.invocations.some((r) => r.trigger === 'event'));
  });

  it('routes a top-level rule to a queue, with the input transformed', async () => {
    await client().send(
      new PutEventsCommand({
        Entries: [
          { Source: 'shop', DetailType: 'OrderPlaced', Detail: JSON.stringify({ marker: 'queued-1' }) },
        ],
      }),
    );
    const sqsEvent = await receivedOne('archiver', 'the archive queue message', (e) =>
      JSON.stringify(e).includes('queued-1'),
    );
    const records = sqsEvent.Records as { body: string }[];
    assert.deepEqual(JSON.parse(records[0]?.body ?? '{}'), { archived: 'queued-1', by: 'archive-orders' });
  });

  it('lists the deployed rules', async () => {
    const out = await client().send(new ListRulesCommand({}));
    assert.deepEqual(
      out.Rules?.map((r) => r.Name),
      ['archive-orders', 'cloud-orders', 'onOrder-rule-1', 'results'],
    );
  });
});

describe('CloudEvents over HTTP', () => {
  it('delivers binary and structured mode events with their ids', async () => {
    const binary = await fetch(`${server.url}/_gust/v1/events/cloudevents`, {
      method: 'POST',
      headers: {
        ...ADMIN_AUTH,
        'ce-specversion': '1.0',
        'ce-id': 'bin-1',
        'ce-source': '/cloud/orders',
        'ce-type': 'com.example.order.created',
        'ce-subject': 'order-1',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ marker: 'binary' }),
    });
    assert.equal(binary.status, 200, await binary.clone().text());
    const structured = await fetch(`${server.url}/_gust/v1/events/cloudevents`, {
      method: 'POST',
      headers: { ...ADMIN_AUTH, 'content-type': 'application/cloudevents+json; charset=utf-8' },
      body: JSON.stringify({
        specversion: '1.0',
        id: 'struct-1',
        source: '/cloud/orders',
        type: 'com.example.order.created',
        tenant: 'acme',
        data: { marker: 'structured' },
      }),
    });
    assert.deepEqual(await structured.json(), {
      bus: 'default',
      events: [{ id: 'struct-1', matchedRules: ['cloud-orders'] }],
    });
    const b = await receivedOne('onOrder', 'the binary-mode CloudEvent', (e) => e.id === 'bin-1');
    assert.deepEqual(b.detail, { marker: 'binary' });
    assert.deepEqual(b.resources, ['order-1']);
    assert.equal(b['detail-type'], 'com.example.order.created');
    const s = await receivedOne('onOrder', 'the structured-mode CloudEvent', (e) => e.id === 'struct-1');
    assert.equal((s.cloudevent as { tenant?: string }).tenant, 'acme');
  });

  it('answers a malformed CloudEvent with 400 and what is wrong', async () => {
    const res = await fetch(`${server.url}/_gust/v1/events/cloudevents`, {
      method: 'POST',
      headers: {
        ...ADMIN_AUTH,
        'ce-specversion': '1.0',
        'ce-id': 'x',
        'ce-source': '/s',
        'ce-type': 't',
        'ce-time': 'yesterday',
      },
      body: '',
    });
    assert.equal(res.status, 400);
    const { error } = (await res.json()) as { error: { code: string; message: string; location: string } };
    assert.equal(error.code, 'ERR_INVALID_CLOUDEVENT');
    assert.equal(error.location, 'header ce-time');
    assert.match(error.message, /ce-time must be an RFC 3339 timestamp/);
  });
});

describe('bus destinations', () => {
  it('publish the Lambda destination record, which a rule delivers', async () => {
    const invoke = await server.cli(['invoke', 'worker', '--async', '--payload', '{"job": "dest-1"}']);
    assert.equal(invoke.code, 0, invoke.stderr);
    const event = await receivedOne('recorder', 'the destination event', (e) =>
      JSON.stringify(e.detail).includes('dest-1'),
    );
    assert.equal(event.source, 'lambda');
    assert.equal(event['detail-type'], 'Lambda Function Invocation Result - Success');
    const detail = event.detail as Record<string, Record<string, unknown>>;
    assert.equal(detail.requestContext?.condition, 'Success');
    assert.deepEqual(detail.requestPayload, { job: 'dest-1' });
    assert.deepEqual(detail.responsePayload, { done: 'dest-1' });
  });
});

describe('the gust CLI', () => {
  it('publishes an event with gust events publish and prints its id', async () => {
    const result = await server.cli([
      'events',
      'publish',
      '--source',
      'shop',
      '--detail-type',
      'Big',
      '--detail',
      '{"total": 500, "marker": "cli"}',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const id = result.stdout.trim();
    assert.match(id, /^[0-9a-f-]{36}$/);
    assert.match(result.stderr, /matched rule onOrder-rule-1/);
    const event = await receivedOne('onOrder', 'the CLI event', (e) => markerOf(e) === 'cli');
    assert.equal(event.id, id);
  });

  it('lists rules with gust rules ls', async () => {
    const result = await server.cli(['rules', 'ls']);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^RULE\s+BUS\s+PATTERN\s+TARGETS$/);
    assert.ok(
      lines.some((l) =>
        /^archive-orders\s+default\s+\{"source":\["shop"\].*queue:archive \(transformed\)$/.test(l),
      ),
    );
    assert.ok(lines.some((l) => /^onOrder-rule-1\s+default\s+.*function:onOrder$/.test(l)));
  });

  it('refuses to deploy an invalid pattern, naming the field and the reason', async () => {
    const dir = writeApp({
      'gust.yaml': `
service: broken
functions:
  bad:
    handler: fns.record
    events:
      - eventBridge: { pattern: { source: shop } }
`,
      'fns.js': 'exports.record = async () => 1;',
    });
    const result = await runCli(['deploy', dir, '--endpoint', server.url]);
    assert.notEqual(result.code, 0);
    assert.match(
      result.stderr,
      /gust\.yaml: functions\.bad\.events\.0\.eventBridge\.pattern\.source: must be a list of values or an object of fields, got string "shop"/,
    );
    const functions = await server.api<{ functions: { name: string }[] }>('/_gust/v1/functions');
    assert.ok(!functions.functions.some((f) => f.name === 'bad'));
  });
});
