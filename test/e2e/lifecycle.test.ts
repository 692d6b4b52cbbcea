import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { invoke, type RunningServer, startServer, waitFor } from './harness.js';

const MANIFEST = `
service: lifecycle
functions:
  counter:
    handler: counter.handler
  slowcap:
    handler: slow.handler
    reservedConcurrency: 2
    timeout: 10
  warm:
    handler: counter.handler
    provisionedConcurrency: 2
`;

const FILES = {
  'gust.yaml': MANIFEST,
  'counter.js': 'let n = 0; exports.handler = async () => ({ n: ++n, pid: process.pid });',
  // Holds its instance until told to finish, so the test controls concurrency without timing.
  'slow.js': `
    exports.handler = async (event) => {
      const started = Date.now();
      while (Date.now() - started < (event.holdMs ?? 0)) await new Promise((r) => setTimeout(r, 20));
      return 'done';
    };`,
};

interface Record {
  requestId: string;
  cold: boolean;
  initDurationMs: number | null;
  status: string;
}
interface Summary {
  name: string;
  instances: { busy: number; idle: number };
}

let server: RunningServer;

before(async () => {
  server = await startServer(FILES, { idleTimeoutSec: 2 });
});

after(async () => {
  await server.stop();
});

const instancesOf = async (name: string) => {
  const { functions } = await server.api<{ functions: Summary[] }>('/_gust/v1/functions');
  return functions.find((f) => f.name === name)?.instances ?? { busy: 0, idle: 0 };
};

describe('instance lifecycle', () => {
  it('starts cold, then reuses the warm instance and its module state', async () => {
    const first = await invoke(server.url, 'counter');
    const second = await invoke(server.url, 'counter');
    assert.equal(first.status, 200);
    const a = first.body as { n: number; pid: number };
    const b = second.body as { n: number; pid: number };
    assert.equal(a.n, 1);
    assert.equal(b.n, 2, 'module state survives between warm invocations');
    assert.equal(a.pid, b.pid);
    const { invocations } = await waitFor('two invocation records', async () => {
      const r = await server.api<{ invocations: Record[] }>('/_gust/v1/functions/counter/invocations');
      return r.invocations.length >= 2 ? r : undefined;
    });
    const [newest, oldest] = invocations;
    assert.equal(oldest?.cold, true);
    assert.equal(typeof oldest?.initDurationMs, 'number');
    assert.equal(newest?.cold, false);
    assert.equal(newest?.initDurationMs, null);
  });

  it('answers 429 at once beyond reserved concurrency, and serves again after', async () => {
    const holders = [1, 2].map(() => invoke(server.url, 'slowcap', { holdMs: 1500 }));
    await waitFor('both slots busy', async () =>
      (await instancesOf('slowcap')).busy === 2 ? true : undefined,
    );
    const throttled = await invoke(server.url, 'slowcap', {});
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers.get('x-amzn-errortype'), 'TooManyRequestsException');
    assert.ok(throttled.headers.get('retry-after'));
    for (const h of await Promise.all(holders)) assert.equal(h.status, 200);
    assert.equal((await invoke(server.url, 'slowcap', {})).status, 200);
  });

  it('stops idle instances after the idle timeout, and starts cold again', async () => {
    await invoke(server.url, 'counter');
    assert.ok((await instancesOf('counter')).idle >= 1);
    await waitFor(
      'scale to zero',
      async () => ((await instancesOf('counter')).idle === 0 ? true : undefined),
      20_000,
    );
    const again = await invoke(server.url, 'counter');
    assert.equal((again.body as { n: number }).n, 1, 'a fresh instance has fresh module state');
  });

  it('keeps provisioned instances initialized, also past the idle timeout', async () => {
    await waitFor('two provisioned instances', async () =>
      (await instancesOf('warm')).idle === 2 ? true : undefined,
    );
    const result = await invoke(server.url, 'warm');
    assert.equal(result.status, 200);
    const { invocations } = await waitFor('the record', async () => {
      const r = await server.api<{ invocations: Record[] }>('/_gust/v1/functions/warm/invocations');
      return r.invocations.length > 0 ? r : undefined;
    });
    assert.equal(invocations[0]?.cold, false, 'a provisioned instance serves without a cold start');
    // Idle timeout is 2 s; provisioned instances stay.
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal((await instancesOf('warm')).idle, 2);
  });
});
