import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { startGust } from './server.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'gust-server-'));
  dirs.push(d);
  return d;
}

describe('starting Gust', () => {
  it('warns loudly when instances are not sandboxed, and reports it in health', async () => {
    const lines: string[] = [];
    const gust = await startGust({
      host: '127.0.0.1',
      port: 0,
      dataDir: dataDir(),
      genericPoolSize: 0,
      logger: (l) => lines.push(l),
    });
    try {
      assert.ok(
        lines.some((l) => /WARNING: function instances are NOT sandboxed/.test(l)),
        lines.join('\n'),
      );
      const health = (await (await fetch(`${gust.url}/_gust/v1/health`)).json()) as { sandbox: string };
      assert.equal(health.sandbox, 'none');
    } finally {
      await gust.stop();
    }
  });

  it('starts an app that sets provider.production: true in production mode, refusing to run it unsandboxed', async () => {
    const app = dataDir();
    writeFileSync(
      join(app, 'gust.yaml'),
      'service: prod\nprovider:\n  production: true\nfunctions:\n  a:\n    handler: a.h\n',
    );
    writeFileSync(join(app, 'a.js'), 'exports.h = async () => 1;');
    await assert.rejects(
      startGust({
        appDir: app,
        host: '127.0.0.1',
        port: 0,
        dataDir: dataDir(),
        sandbox: 'none',
        logger: () => {},
      }),
      { code: 'ERR_SANDBOX_REQUIRED' },
    );
  });

  it('refuses production mode without a sandbox, saying how to fix it', async () => {
    await assert.rejects(
      startGust({
        host: '127.0.0.1',
        port: 0,
        dataDir: dataDir(),
        production: true,
        sandbox: 'none',
        logger: () => {},
      }),
      { code: 'ERR_SANDBOX_REQUIRED', message: /--sandbox .* --allow-unsandboxed/ },
    );
  });

  it('runs production without a sandbox only when told to, still with the warning', async () => {
    const lines: string[] = [];
    const gust = await startGust({
      host: '127.0.0.1',
      port: 0,
      dataDir: dataDir(),
      genericPoolSize: 0,
      production: true,
      allowUnsandboxed: true,
      sandbox: 'none',
      logger: (l) => lines.push(l),
    });
    try {
      assert.ok(lines.some((l) => /NOT sandboxed/.test(l)));
    } finally {
      await gust.stop();
    }
  });
});
