import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { invoke, type RunningServer, startServer, waitFor } from './harness.js';

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

let server: RunningServer | undefined;
let store: Store | undefined;

after(async () => {
  await store?.close();
  await server?.stop();
});

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
});
