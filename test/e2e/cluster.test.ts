/**
 * Many nodes, one PostgreSQL: three `gust up --store postgres://...` processes on loopback share a
 * fresh schema of the real server (GUST_TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/test).
 * Deploy propagation, work spreading, schedules firing once, the global concurrency cap, losing a
 * node, losing the database for a while, and a node refusing a newer schema.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { ADMIN_AUTH, type RunningServer, runCli, startServer, waitFor, writeApp } from './harness.js';

const BASE_URL = process.env.GUST_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SQS_SDK = createRequire(import.meta.url).resolve('@aws-sdk/client-sqs');
const MASTER_KEY = randomBytes(32).toString('base64');

/** A store URL for a new schema (dropped at the end). */
function schemaUrl(schema: string, base = BASE_URL): string {
  const url = new URL(base);
  url.searchParams.set('schema', schema);
  return url.toString();
}

const schemas: string[] = [];
function newSchema(): string {
  const name = `gust_e2e_${randomBytes(5).toString('hex')}`;
  schemas.push(name);
  return name;
}

after(async () => {
  const client = new pg.Client({ connectionString: BASE_URL });
  await client.connect();
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
});

async function startNode(storeUrl: string): Promise<RunningServer> {
  return startServer(
    {},
    { app: false, extraArgs: ['--store', storeUrl], env: { GUST_MASTER_KEY: MASTER_KEY } },
  );
}

async function json<T>(
  url: string,
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(url + path, { ...init, headers: { ...ADMIN_AUTH, ...(init.headers as object) } });
  const text = await res.text();
  return { status: res.status, body: (text === '' ? null : JSON.parse(text)) as T };
}

/** Messages in a queue, read without receiving them (as `gust queues` does). */
async function peek(url: string, queue: string): Promise<{ body: string }[]> {
  const { status, body } = await json<{ messages: { body: string }[] }>(
    url,
    `/_gust/v1/queues/${queue}/messages?limit=1000`,
  );
  assert.equal(status, 200);
  return body.messages;
}

async function queueDepth(url: string, queue: string): Promise<number> {
  const { body } = await json<{ stats: { total: number } }>(url, `/_gust/v1/queues/${queue}`);
  return body.stats.total;
}

async function sendMessages(url: string, queue: string, bodies: string[]): Promise<void> {
  for (let i = 0; i < bodies.length; i += 10) {
    const res = await json(url, `/_gust/v1/queues/${queue}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ entries: bodies.slice(i, i + 10).map((body) => ({ body })) }),
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }
}

const APP = {
  'gust.yaml': `
service: cluster
provider:
  httpAuth: none
  environment:
    SQS_SDK: "${SQS_SDK}"
    AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: "1"
  permissions:
    - Effect: Allow
      Action: [queue:Get, queue:Send]
      Resource: "gust:queue:*"
workflows:
  fan-out:
    definition: ./fan-out.asl.json
queues:
  jobs: { visibilityTimeout: 5 }
  seen: {}
  ticks: {}
functions:
  where:
    handler: fn.where
    events:
      - http: GET /where
  work:
    handler: fn.work
    timeout: 10
    events:
      - queue: { name: jobs, batchSize: 5 }
  tick:
    handler: fn.tick
    events:
      - schedule: { cron: "* * * * * *", name: every-second }
  slow:
    handler: fn.slow
    reservedConcurrency: 2
    timeout: 10
`,
  'fan-out.asl.json': JSON.stringify({
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemsPath: '$.items',
        MaxConcurrency: 6,
        ItemProcessor: {
          StartAt: 'Where',
          States: { Where: { Type: 'Task', Resource: 'where', End: true } },
        },
        Next: 'Done',
      },
      Done: { Type: 'Succeed' },
    },
  }),
  'fn.js': `
const { SQSClient, GetQueueUrlCommand, SendMessageBatchCommand, SendMessageCommand } = require(process.env.SQS_SDK);
const sqs = new SQSClient({});
const urls = new Map();
const urlOf = async (name) => {
  if (!urls.has(name)) urls.set(name, (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl);
  return urls.get(name);
};
exports.where = async () => ({ statusCode: 200, body: process.env.GUST_ENDPOINT });
exports.work = async (event) => {
  await new Promise((r) => setTimeout(r, 20));
  await sqs.send(new SendMessageBatchCommand({
    QueueUrl: await urlOf('seen'),
    Entries: event.Records.map((r, i) => ({ Id: 'm' + i, MessageBody: JSON.stringify({ id: r.body, node: process.env.GUST_ENDPOINT }) })),
  }));
  return {};
};
exports.tick = async (event) => {
  await sqs.send(new SendMessageCommand({ QueueUrl: await urlOf('ticks'), MessageBody: JSON.stringify({ time: event.time, id: event.id }) }));
};
exports.slow = async () => {
  const start = Date.now();
  await new Promise((r) => setTimeout(r, 500));
  return { start, end: Date.now(), node: process.env.GUST_ENDPOINT };
};
`,
};

describe('three nodes sharing one PostgreSQL', () => {
  const nodes: RunningServer[] = [];
  let storeUrl: string;

  before(async () => {
    storeUrl = schemaUrl(newSchema());
    // One node first, so it migrates and creates the admin key; then the other two.
    nodes.push(await startNode(storeUrl));
    nodes.push(...(await Promise.all([startNode(storeUrl), startNode(storeUrl)])));
  });

  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
  });

  it('lists every node as alive, from any node', async () => {
    for (const node of nodes) {
      const { body } = await json<{ nodes: { url: string; alive: boolean }[] }>(node.url, '/_gust/v1/nodes');
      assert.deepEqual(
        body.nodes
          .filter((n) => n.alive)
          .map((n) => n.url)
          .sort(),
        nodes.map((n) => n.url).sort(),
      );
    }
  });

  it('serves a deploy made through one node from every node', async () => {
    const app = writeApp(APP);
    const deployed = await runCli(['deploy', app, '--endpoint', nodes[0]?.url ?? '']);
    assert.equal(deployed.code, 0, deployed.stderr);
    const started = Date.now();
    for (const node of nodes) {
      const answer = await waitFor(`GET /where on ${node.url}`, async () => {
        const res = await fetch(`${node.url}/where`);
        return res.status === 200 ? await res.text() : undefined;
      });
      // Each node runs the function itself: the instance reports its own node's endpoint.
      assert.equal(answer, node.url);
    }
    process.stdout.write(`# deploy propagated to 3 nodes in ${Date.now() - started} ms\n`);
  });

  it('spreads queue work over the nodes, each message handled', async () => {
    const ids = Array.from({ length: 150 }, (_, i) => `job-${i}`);
    await sendMessages(nodes[0]?.url ?? '', 'jobs', ids);
    await waitFor(
      'every job handled',
      async () => ((await queueDepth(nodes[1]?.url ?? '', 'seen')) >= ids.length ? true : undefined),
      60_000,
    );
    const seen = (await peek(nodes[2]?.url ?? '', 'seen')).map(
      (m) => JSON.parse(m.body) as { id: string; node: string },
    );
    assert.deepEqual([...new Set(seen.map((s) => s.id))].sort(), [...ids].sort());
    const byNode = new Set(seen.map((s) => s.node));
    assert.ok(byNode.size >= 2, `work ran on ${byNode.size} node(s): ${[...byNode].join(', ')}`);
  });

  it('fires each schedule tick once across the nodes', async () => {
    await waitFor(
      'five ticks',
      async () => ((await queueDepth(nodes[0]?.url ?? '', 'ticks')) >= 5 ? true : undefined),
      20_000,
    );
    // A tick fired twice would be two events (two ids) for one time; the same event delivered
    // again (at least once, after a retry) keeps its id and is not a second firing.
    const ticks = (await peek(nodes[0]?.url ?? '', 'ticks')).map(
      (m) => JSON.parse(m.body) as { time: string; id: string },
    );
    const idsByTime = new Map<string, Set<string>>();
    for (const t of ticks) idsByTime.set(t.time, (idsByTime.get(t.time) ?? new Set()).add(t.id));
    const twice = [...idsByTime].filter(([, ids]) => ids.size > 1).map(([time]) => time);
    assert.deepEqual(twice, [], `ticks fired twice: ${twice.join(', ')}`);
  });

  it('advances a workflow on the nodes, each transition once', async () => {
    const started = await json<{ name: string }>(
      nodes[0]?.url ?? '',
      '/_gust/v1/workflows/fan-out/executions',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'fan-1', input: { items: Array.from({ length: 12 }, (_, i) => i) } }),
      },
    );
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const done = await waitFor(
      'the execution to end',
      async () => {
        const { body } = await json<{ status: string; output: unknown }>(
          nodes[2]?.url ?? '',
          '/_gust/v1/workflows/fan-out/executions/fan-1',
        );
        return body.status === 'RUNNING' ? undefined : body;
      },
      60_000,
    );
    assert.equal(done.status, 'SUCCEEDED');
    const output = (typeof done.output === 'string' ? JSON.parse(done.output) : done.output) as {
      statusCode: number;
      body: string;
    }[];
    assert.equal(output.length, 12);
    const { body } = await json<{ events: { type: string; id: number }[] }>(
      nodes[1]?.url ?? '',
      '/_gust/v1/workflows/fan-out/executions/fan-1/history?limit=10000',
    );
    const ids = body.events.map((e) => e.id);
    assert.equal(new Set(ids).size, ids.length, 'no history event is recorded twice');
    const count = (type: string) => body.events.filter((e) => e.type === type).length;
    assert.equal(count('MapIterationStarted'), 12);
    assert.equal(count('MapIterationSucceeded'), 12);
    assert.equal(count('ExecutionSucceeded'), 1);
    process.stdout.write(`# Map iterations ran on ${new Set(output.map((o) => o.body)).size} node(s)\n`);
  });

  it("holds a function's reservedConcurrency as a cap over all nodes", async () => {
    const calls = nodes.flatMap((node) =>
      [0, 1, 2].map(() =>
        json<{ start: number; end: number }>(node.url, '/2015-03-31/functions/slow/invocations', {
          method: 'POST',
          body: '{}',
        }),
      ),
    );
    const results = await Promise.all(calls);
    const ran = results.filter((r) => r.status === 200).map((r) => r.body);
    const throttled = results.filter((r) => r.status === 429).length;
    assert.equal(ran.length + throttled, results.length);
    assert.ok(ran.length >= 1);
    let most = 0;
    for (const a of ran) most = Math.max(most, ran.filter((b) => b.start < a.end && a.start < b.end).length);
    assert.ok(most <= 2, `${most} invocations ran at once; the cap is 2`);
  });
});

describe('losing a node', () => {
  it('redelivers the work a killed node held to the others, losing nothing', async () => {
    const storeUrl = schemaUrl(newSchema());
    const nodes = [await startNode(storeUrl)];
    nodes.push(...(await Promise.all([startNode(storeUrl), startNode(storeUrl)])));
    try {
      const app = writeApp(APP);
      assert.equal((await runCli(['deploy', app, '--endpoint', nodes[0]?.url ?? ''])).code, 0);
      const ids = Array.from({ length: 600 }, (_, i) => `job-${i}`);
      await sendMessages(nodes[0]?.url ?? '', 'jobs', ids);
      // Kill a node while it works.
      await waitFor(
        'some work done',
        async () => ((await queueDepth(nodes[0]?.url ?? '', 'seen')) > 60 ? true : undefined),
        30_000,
      );
      const killedAt = Date.now();
      await nodes[1]?.kill9();
      await waitFor(
        'every job handled by the survivors',
        async () => {
          const seen = (await peek(nodes[0]?.url ?? '', 'seen')).map(
            (m) => (JSON.parse(m.body) as { id: string }).id,
          );
          return new Set(seen).size >= ids.length ? seen : undefined;
        },
        90_000,
      );
      process.stdout.write(`# all work done ${Date.now() - killedAt} ms after the kill\n`);
      // The survivors stop counting the dead node once its heartbeats are 10 s old.
      await waitFor(
        'the killed node reported dead',
        async () => {
          const { body } = await json<{ nodes: { url: string; alive: boolean }[] }>(
            nodes[0]?.url ?? '',
            '/_gust/v1/nodes',
          );
          const alive = body.nodes.filter((n) => n.alive).map((n) => n.url);
          return alive.length === 2 && !alive.includes(nodes[1]?.url ?? '') ? true : undefined;
        },
        20_000,
      );
    } finally {
      await Promise.all(nodes.map((n) => n.stop()));
    }
  });
});

/** A TCP proxy in front of PostgreSQL that the test can cut and restore. */
async function startProxy(): Promise<{
  url: string;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}> {
  const target = new URL(BASE_URL);
  const sockets = new Set<Socket>();
  let server: Server;
  const listen = (port: number) =>
    new Promise<number>((resolve) => {
      server = createServer((client) => {
        const upstream = tcpConnect(Number(target.port || 5432), target.hostname);
        sockets.add(client);
        sockets.add(upstream);
        client.pipe(upstream).pipe(client);
        const end = () => {
          client.destroy();
          upstream.destroy();
        };
        client.on('error', end);
        upstream.on('error', end);
        client.on('close', end);
        upstream.on('close', end);
      });
      server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
    });
  const port = await listen(0);
  const url = new URL(BASE_URL);
  url.host = `127.0.0.1:${port}`;
  const cut = async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
      sockets.clear();
    });
  };
  return {
    url: url.toString(),
    cut,
    restore: async () => {
      await listen(port);
    },
    close: cut,
  };
}

describe('losing the database for a while', () => {
  it('reports the store unhealthy, answers 503, keeps serving warm invocations, and recovers by itself', async () => {
    const proxy = await startProxy();
    const node = await startNode(schemaUrl(newSchema(), proxy.url));
    try {
      const app = writeApp(APP);
      assert.equal((await runCli(['deploy', app, '--endpoint', node.url])).code, 0);
      assert.equal((await fetch(`${node.url}/where`)).status, 200);
      await proxy.cut();
      const health = await waitFor('the store reported unavailable', async () => {
        const h = (await (await fetch(`${node.url}/_gust/v1/health`)).json()) as {
          status: string;
          storeStatus: string;
        };
        return h.storeStatus === 'unavailable' ? h : undefined;
      });
      assert.equal(health.status, 'degraded');
      const needsStore = await json<{ error: { code: string } }>(
        node.url,
        '/_gust/v1/functions/where/invocations',
      );
      assert.equal(needsStore.status, 503);
      assert.equal(needsStore.body.error.code, 'ERR_STORE_UNAVAILABLE');
      // The function is deployed and warm in memory: it still answers.
      const warm = await fetch(`${node.url}/where`);
      assert.equal(warm.status, 200);
      await proxy.restore();
      await waitFor(
        'the node using the store again',
        async () =>
          (await json(node.url, '/_gust/v1/functions/where/invocations')).status === 200 ? true : undefined,
        30_000,
      );
      const h = (await (await fetch(`${node.url}/_gust/v1/health`)).json()) as { status: string };
      assert.equal(h.status, 'ok');
    } finally {
      await node.stop();
      await proxy.close();
    }
  });
});

describe('schema versions', () => {
  it('refuses to start a node on a database a newer Gust migrated, saying so', async () => {
    const schema = newSchema();
    const node = await startNode(schemaUrl(schema));
    await node.stop();
    const client = new pg.Client({ connectionString: BASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT * FROM ${schema}.schema_migrations LIMIT 1`);
      const columns = Object.keys(rows[0] ?? {});
      const values = columns.map((c) =>
        c === 'version' || c === 'id' ? 999 : (rows[0] as Record<string, unknown>)[c],
      );
      await client.query(
        `INSERT INTO ${schema}.schema_migrations (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
        values,
      );
    } finally {
      await client.end();
    }
    await assert.rejects(startNode(schemaUrl(schema)), /schema version 999|newer/i);
  });
});
