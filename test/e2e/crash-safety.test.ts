import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { QueueView } from '../../src/queue/queue-views.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { ADMIN_KEY, invoke, REPO, type RunningServer, startServer, waitFor, writeApp } from './harness.js';

const ACCEPTED = 2000;
const ASYNC_QUEUE = 'gust-async';

const FILES = {
  'gust.yaml': `
service: crash
functions:
  work:
    handler: work.handler
    reservedConcurrency: 8
    maximumRetryAttempts: 2
`,
  // A few milliseconds of work per event, so that thousands are still queued or running when the
  // server is killed.
  'work.js':
    'exports.handler = async (event) => { await new Promise((r) => setTimeout(r, 3)); return event.n; };',
};

const MESSAGES = 3000;

/** The app the queue test's server starts with; the worker app is deployed once the URL is known. */
const STARTER = {
  'gust.yaml': 'service: crash-starter\nfunctions:\n  noop:\n    handler: fn.noop\n',
  'fn.js': 'exports.noop = async () => ({});',
};

/**
 * A queue consumer that reports every message it handles by sending `{id}` to `done` through the
 * SQS SDK from inside the function, and the same to `done-once` with the id as deduplication key.
 * A few milliseconds of work per record make the run last a few seconds.
 */
const WORKER = `
const { SQSClient, GetQueueUrlCommand, SendMessageBatchCommand } = require(process.env.SDK_PATH);
const sqs = new SQSClient({});
const urls = new Map();
const urlOf = async (name) => {
  if (!urls.has(name)) urls.set(name, (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl);
  return urls.get(name);
};
const sendAll = async (queue, entries) => {
  const { Failed = [] } = await sqs.send(new SendMessageBatchCommand({ QueueUrl: await urlOf(queue), Entries: entries }));
  if (Failed.length > 0) throw new Error(queue + ': ' + Failed.length + ' not sent: ' + Failed[0].Message);
};
exports.handler = async (event) => {
  const ids = [];
  for (const record of event.Records) {
    await new Promise((r) => setTimeout(r, 5));
    ids.push(JSON.parse(record.body).id);
  }
  await sendAll('done', ids.map((id, i) => ({ Id: 'm' + i, MessageBody: JSON.stringify({ id }) })));
  await sendAll('done-once', ids.map((id, i) => ({
    Id: 'm' + i, MessageBody: JSON.stringify({ id }), MessageDeduplicationId: 'job-' + id,
  })));
  return {};
};
`;

function workerApp(url: string): string {
  const sdk = createRequire(join(REPO, 'package.json')).resolve('@aws-sdk/client-sqs');
  return writeApp({
    'gust.yaml': `
service: crash-queues
provider:
  permissions:
    - Effect: Allow
      Action: [queue:Get, queue:Send]
      Resource: "gust:queue:*"
  environment:
    AWS_ENDPOINT_URL_SQS: "${url}"
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true"
    SDK_PATH: "${sdk}"
queues:
  jobs-dlq: {}
  jobs: { visibilityTimeout: 5, maxReceiveCount: 5, deadLetterQueue: jobs-dlq }
  done: {}
  done-once: {}
functions:
  worker:
    handler: worker.handler
    events:
      - queue: { name: jobs, batchSize: 10, maximumConcurrency: 4 }
`,
    'worker.js': WORKER,
  });
}

let server: RunningServer | undefined;
let store: Store | undefined;
// The queue test's own, so that one test failing leaves nothing of the other running.
let queueServer: RunningServer | undefined;
let queueStore: Store | undefined;
let sqs: SQSClient | undefined;
let workerDir: string | undefined;

after(async () => {
  await store?.close();
  await server?.stop();
  sqs?.destroy();
  await queueStore?.close();
  await queueServer?.stop();
  if (workerDir) rmSync(workerDir, { recursive: true, force: true });
});

function sqsClient(url: string): SQSClient {
  return new SQSClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: ADMIN_KEY,
  });
}

/** Receives and deletes everything in a queue (four receivers at once); returns the bodies' ids. */
async function drainIds(client: SQSClient, url: string, queue: string): Promise<number[]> {
  const QueueUrl = `${url}/000000000000/${queue}`;
  const ids: number[] = [];
  const receiver = async () => {
    for (;;) {
      const { Messages = [] } = await client.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }),
      );
      if (Messages.length === 0) return;
      for (const m of Messages) ids.push((JSON.parse(m.Body ?? '{}') as { id: number }).id);
      const deleted = await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl,
          Entries: Messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
        }),
      );
      assert.deepEqual(deleted.Failed ?? [], [], `deleted every message received from ${queue}`);
    }
  };
  await Promise.all([receiver(), receiver(), receiver(), receiver()]);
  return ids;
}

/** Reads the server's own database through the Store port (safe alongside the server: WAL). */
async function openStore(dataDir: string): Promise<Store> {
  const s = createSqliteStore({ path: join(dataDir, 'gust.db') });
  await s.migrate();
  return s;
}

describe('crash safety', () => {
  it('runs every accepted async invocation after the server is killed with SIGKILL mid-work', async () => {
    server = await startServer(FILES);
    const { appDir, dataDir } = server;
    const url = server.url;

    // Accept thousands of Event invocations, 50 requests at a time.
    const ids: string[] = [];
    for (let start = 0; start < ACCEPTED; start += 50) {
      const batch = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          invoke(url, 'work', { n: start + i }, { 'X-Amz-Invocation-Type': 'Event' }),
        ),
      );
      for (const res of batch) {
        assert.equal(res.status, 202);
        ids.push(res.headers.get('x-amzn-requestid') ?? '');
      }
    }
    assert.equal(new Set(ids).size, ACCEPTED);

    // Kill it while it is working through them.
    store = await openStore(dataDir);
    const live = store;
    await waitFor('some invocations to finish', async () => {
      const done = (await live.asyncInvocations.list({ functionName: 'work', limit: 1000 })).filter(
        (r) => r.status === 'succeeded',
      );
      return done.length >= 100 ? true : undefined;
    });
    await server.kill9();
    const left = await store.queues.stats(ASYNC_QUEUE, Date.now());
    assert.ok(left.total > 0, 'the kill came while work was still queued or running');

    // Restart on the same data: the leases of what was running run out, and everything runs.
    server = await startServer({}, { reuse: { appDir, dataDir } });
    await waitFor(
      'the async queue to drain after the restart',
      async () => ((await live.queues.stats(ASYNC_QUEUE, Date.now())).total === 0 ? true : undefined),
      120_000,
    );
    const statuses = new Map<string, number>();
    for (const id of ids) {
      const status = (await store.asyncInvocations.get(id))?.status ?? 'missing';
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    assert.deepEqual(
      Object.fromEntries(statuses),
      { succeeded: ACCEPTED },
      'every accepted invocation ran, none was lost',
    );
  });

  it('processes every queued message after the server is killed with SIGKILL mid-batch', async () => {
    queueServer = await startServer(STARTER);
    const { appDir, dataDir, url } = queueServer;
    const queueStats = async (name: string) =>
      (await (queueServer as RunningServer).api<QueueView>(`/_gust/v1/queues/${name}`)).stats;

    workerDir = workerApp(url);
    const deployed = await queueServer.cli(['deploy', workerDir]);
    assert.equal(deployed.code, 0, deployed.stderr);

    // Thousands of messages, ten per SendMessageBatch, twenty batches at a time.
    sqs = sqsClient(url);
    const client = sqs;
    const batches = Array.from({ length: MESSAGES / 10 }, (_, b) =>
      Array.from({ length: 10 }, (_, i) => ({
        Id: `m${i}`,
        MessageBody: JSON.stringify({ id: b * 10 + i }),
      })),
    );
    for (let start = 0; start < batches.length; start += 20) {
      await Promise.all(
        batches.slice(start, start + 20).map(async (Entries) => {
          const sent = await client.send(
            new SendMessageBatchCommand({ QueueUrl: `${url}/000000000000/jobs`, Entries }),
          );
          assert.equal(sent.Successful?.length, 10);
        }),
      );
    }

    // Kill it once some hundreds were handled, while the worker is busy with more.
    await waitFor(
      'some hundreds of messages handled',
      async () => ((await queueStats('done')).total >= 300 ? true : undefined),
      30_000,
    );
    await queueServer.kill9();
    sqs.destroy();
    queueStore = await openStore(dataDir);
    const atKill = await queueStore.queues.stats('jobs', Date.now());
    const doneAtKill = (await queueStore.queues.stats('done', Date.now())).total;
    console.log(
      `crash-safety: killed with ${doneAtKill} handled; jobs left: ${atKill.visible} visible, ${atKill.inFlight} in flight`,
    );
    assert.ok(atKill.total > 0, 'the kill came while messages were still queued');
    assert.ok(atKill.inFlight > 0, 'and while batches were being handled (leased)');
    await queueStore.close();
    queueStore = undefined;

    // Restart on the same data and port (the functions' environment names the URL): the leases of
    // the batches that were running run out, and everything is handled.
    const port = new URL(url).port;
    queueServer = await startServer({}, { reuse: { appDir, dataDir }, extraArgs: ['--port', port] });
    assert.equal(queueServer.url, url);
    await waitFor(
      'jobs to be empty after the restart',
      async () => ((await queueStats('jobs')).total === 0 ? true : undefined),
      60_000,
    );
    assert.equal((await queueStats('jobs-dlq')).total, 0, 'no message was dead-lettered');

    sqs = sqsClient(url);
    const done = await drainIds(sqs, url, 'done');
    const seen = new Set(done);
    const missing = Array.from({ length: MESSAGES }, (_, id) => id).filter((id) => !seen.has(id));
    console.log(
      `crash-safety: ${done.length} reports for ${seen.size} messages (${done.length - seen.size} duplicates)`,
    );
    assert.deepEqual(missing, [], 'every message was handled at least once, none was lost');
    assert.equal(seen.size, MESSAGES, 'and nothing else was reported');

    const once = await drainIds(sqs, url, 'done-once');
    assert.equal(new Set(once).size, MESSAGES, 'every message was reported with its deduplication key');
    assert.equal(once.length, MESSAGES, 'and the deduplication key let each report in once');

    for (const name of ['jobs', 'jobs-dlq', 'done', 'done-once'])
      assert.equal((await queueStats(name)).total, 0, `${name} is empty`);
  });
});
