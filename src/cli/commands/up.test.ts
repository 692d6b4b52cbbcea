import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { credentialsPath } from '../../auth/access/credentials-file.js';
import { fakeRoutes } from '../api-fixtures.js';
import { captureIo, type FakeApi, startFakeApi } from '../fake-api.js';
import { runCli } from '../main.js';
import type { GustOptions } from './up.js';

let api: FakeApi;
before(async () => {
  api = await startFakeApi(fakeRoutes);
});
after(() => api.close());

describe('up', () => {
  let app: string;
  before(() => {
    app = mkdtempSync(join(tmpdir(), 'gust-cli-up-'));
    writeFileSync(join(app, 'gust.yaml'), 'service: shop\n');
  });
  after(() => rmSync(app, { recursive: true, force: true }));

  /** A stand-in for src/server.ts's startGust that serves the fake API. */
  function fakeServer() {
    const calls: GustOptions[] = [];
    let stops = 0;
    return {
      calls,
      stops: () => stops,
      startGust: async (options: GustOptions) => {
        calls.push(options);
        return {
          url: api.url,
          deployReport: {
            service: 'shop',
            functions: [{ name: 'hello', versionId: '3f2a9c0b1d2e3f40', changed: true, routes: [] }],
            removed: [],
          },
          redeploy: async () => {
            throw new Error('not used');
          },
          stop: async () => {
            stops += 1;
          },
        };
      },
    };
  }

  async function waitFor(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise((resolve) => setImmediate(resolve));
  }

  test('starts Gust for the folder, prints the URL, functions and routes, and stops on Ctrl+C', async () => {
    const server = fakeServer();
    const captured = captureIo({ startGust: server.startGust, cwd: tmpdir() });
    const running = runCli(
      ['up', app, '--port', '0', '--host', '0.0.0.0', '--idle-timeout', '1.5', '--max-concurrency', '8'],
      captured.io,
    );
    await waitFor(() => captured.stdout().includes('Press Ctrl+C to stop.'));
    assert.deepEqual(
      { ...server.calls[0], logger: undefined },
      {
        appDir: app,
        host: '0.0.0.0',
        port: 0,
        dataDir: join(app, '.gust'),
        idleTimeoutMs: 1500,
        maxConcurrency: 8,
        logger: undefined,
        env: {},
        credentialsFile: credentialsPath({}),
      },
    );
    const out = captured.stdout();
    assert.match(out, new RegExp(`^Gust is running at ${api.url}\n`));
    assert.match(out, /^ {2}hello +nodejs20\.x +256 MB/m);
    assert.match(out, /^Routes\n {2}METHOD +PATH +FUNCTION\n {2}GET +\/hello\/\{name\} +hello$/m);
    assert.equal(server.stops(), 0);

    captured.signal('SIGINT');
    assert.equal(await running, 0);
    assert.equal(server.stops(), 1);
    assert.deepEqual(captured.exits, []);
  });

  test('a second signal while stopping exits at once', async () => {
    const server = fakeServer();
    const captured = captureIo({ startGust: server.startGust });
    const running = runCli(['up', app, '--data-dir', join(app, 'state')], captured.io);
    await waitFor(() => captured.stdout().includes('Press Ctrl+C to stop.'));
    assert.equal(server.calls[0]?.dataDir, join(app, 'state'));
    captured.signal('SIGTERM');
    captured.signal('SIGINT');
    assert.deepEqual(captured.exits, [130]);
    await running;
  });

  test('a start failure is reported as one line and exits 1', async () => {
    const captured = captureIo({
      startGust: async () => {
        throw Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:7800'), {
          code: 'EADDRINUSE',
        });
      },
    });
    assert.equal(await runCli(['up', app], captured.io), 1);
    assert.equal(
      captured.stderr(),
      'gust: 127.0.0.1:7800 is already in use; stop what runs there or pick another port with --port.\n',
    );
  });
});
