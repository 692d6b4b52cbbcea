import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type FakeApi, runAgainst, startFakeApi } from '../fake-api.js';
import { formatUptime } from './status.js';

const sandboxed = { status: 'ok', version: '0.3.0', uptimeMs: 3_723_000, store: 'sqlite', sandbox: 'bwrap' };
const plain = { ...sandboxed, sandbox: 'none', networkNotEnforced: ['convert', 'render'] };

describe('gust status', () => {
  let secure: FakeApi;
  let unsafe: FakeApi;
  before(async () => {
    secure = await startFakeApi({ 'GET /_gust/v1/health': { body: sandboxed } });
    unsafe = await startFakeApi({ 'GET /_gust/v1/health': { body: plain } });
  });
  after(async () => {
    await secure.close();
    await unsafe.close();
  });

  test('shows version, uptime, store and sandbox from the health endpoint, with no warning when sandboxed', async () => {
    const { code, stdout, stderr } = await runAgainst(secure.url, ['status']);
    assert.equal(code, 0);
    assert.match(stdout, /^Endpoint: +http:\/\/127\.0\.0\.1:\d+$/m);
    assert.match(stdout, /^Version: +0\.3\.0$/m);
    assert.match(stdout, /^Uptime: +1h 2m$/m);
    assert.match(stdout, /^Store: +sqlite$/m);
    assert.match(stdout, /^Sandbox: +bwrap /m);
    assert.equal(stderr, '');
    // Health first (public); the node list is asked too and left out when it cannot be had.
    assert.deepEqual(
      secure.requests.map((r) => `${r.method} ${r.path}`),
      ['GET /_gust/v1/health', 'GET /_gust/v1/nodes'],
    );
    // No credentials are configured here, and none are sent.
    assert.equal(secure.requests[0]?.headers.authorization, undefined);
  });

  test('warns loudly when instances are not sandboxed, saying how to fix it', async () => {
    const { code, stdout, stderr } = await runAgainst(unsafe.url, ['status']);
    assert.equal(code, 0);
    assert.match(stdout, /^Sandbox: +none \(instances are NOT sandboxed\)$/m);
    assert.match(
      stderr,
      /^WARNING: function instances are NOT sandboxed: .*apt-get install bubblewrap.*--sandbox/m,
    );
    assert.match(stderr, /^WARNING: network: none is NOT enforced for convert, render: /m);
  });

  test('prints the raw health answer with --json, and no warnings', async () => {
    const { code, stdout, stderr } = await runAgainst(unsafe.url, ['--json', 'status']);
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(stdout), plain);
    assert.equal(stderr, '');
  });

  test('treats a health answer without a sandbox field as unsandboxed', async () => {
    const old = await startFakeApi({ 'GET /_gust/v1/health': { body: { status: 'ok', version: '0.1.0' } } });
    try {
      const { code, stdout, stderr } = await runAgainst(old.url, ['status']);
      assert.equal(code, 0);
      assert.match(stdout, /^Sandbox: +unknown/m);
      assert.match(stderr, /WARNING: function instances are NOT sandboxed/);
    } finally {
      await old.close();
    }
  });

  test('fails with a clear message when the endpoint does not answer with JSON', async () => {
    const other = await startFakeApi({ 'GET /_gust/v1/health': { body: '<html>hello</html>' } });
    try {
      const { code, stderr } = await runAgainst(other.url, ['status']);
      assert.equal(code, 1);
      assert.match(stderr, /did not answer with JSON: is this endpoint a Gust server\?/);
    } finally {
      await other.close();
    }
  });
});

test('formatUptime shows the two largest units', () => {
  assert.equal(formatUptime(42_000), '42s');
  assert.equal(formatUptime(312_000), '5m 12s');
  assert.equal(formatUptime(7_500_000), '2h 5m');
  assert.equal(formatUptime(4 * 86_400_000 + 3 * 3_600_000), '4d 3h');
});

test('lists the nodes sharing the store when the key may see them', async () => {
  const now = Date.now();
  const node = (id: string, alive: boolean) => ({
    id,
    url: `http://10.0.0.${id.length}:7800`,
    version: '0.3.0',
    startedAt: now - 60_000,
    heartbeatAt: alive ? now - 1000 : now - 30_000,
    alive,
    load: { inFlight: 3, instances: 5, rssBytes: 200 * 1024 * 1024 },
  });
  const api = await startFakeApi({
    'GET /_gust/v1/health': { body: { ...sandboxed, node: 'aaaaaaaa-1' } },
    'GET /_gust/v1/nodes': {
      body: { self: 'aaaaaaaa-1', nodes: [node('aaaaaaaa-1', true), node('bbbbbbbb-22', false)] },
    },
  });
  try {
    const { code, stdout } = await runAgainst(api.url, ['status']);
    assert.equal(code, 0);
    assert.match(
      stdout,
      /aaaaaaaa \(this\) +http:\/\/10\.0\.0\.10:7800 +alive +1s ago +3 +5 +200 MB +0\.3\.0/,
    );
    assert.match(stdout, /bbbbbbbb +http:\/\/10\.0\.0\.11:7800 +DEAD +30s ago/);
  } finally {
    await api.close();
  }
});
