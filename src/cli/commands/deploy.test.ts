import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { list } from 'tar';
import { fakeRoutes } from '../api-fixtures.js';
import type { CliIo } from '../context.js';
import { captureIo, type FakeApi, runAgainst, startFakeApi } from '../fake-api.js';
import { runCli } from '../main.js';

let api: FakeApi;
before(async () => {
  api = await startFakeApi(fakeRoutes);
});
after(() => api.close());

/** Runs `gust --endpoint <fake> ...args` in-process. */
const gust = (args: string[], overrides: Partial<CliIo> = {}) => runAgainst(api.url, args, overrides);

describe('deploy', () => {
  let app: string;
  before(() => {
    app = mkdtempSync(join(tmpdir(), 'gust-cli-app-'));
    mkdirSync(join(app, 'src'));
    mkdirSync(join(app, '.gust'));
    writeFileSync(join(app, 'gust.yaml'), 'service: shop\n');
    writeFileSync(join(app, 'src/hello.js'), 'export const handler = async () => "hi";\n');
    writeFileSync(join(app, '.gust/gust.db'), 'not for upload');
  });
  after(() => rmSync(app, { recursive: true, force: true }));

  test('uploads the folder as a gzip tar and prints the report', async () => {
    const uploaded: string[] = [];
    let contentType: string | undefined;
    const deployApi = await startFakeApi({
      'POST /_gust/v1/deploy': (req) => {
        contentType = req.headers['content-type'];
        const file = join(app, '..', `${app.split('/').pop()}-upload.tgz`);
        writeFileSync(file, req.body);
        list({
          file,
          sync: true,
          onReadEntry: (e) => (e.type === 'File' ? uploaded.push(e.path) : undefined),
        });
        rmSync(file);
        return {
          body: {
            service: 'shop',
            functions: [
              {
                name: 'hello',
                versionId: '3f2a9c0b1d2e3f40',
                changed: true,
                routes: [{ method: 'GET', path: '/hello/{name}', functionName: 'hello' }],
              },
              { name: 'cron-job', versionId: '77aa88bb99cc', changed: false, routes: [] },
            ],
            removed: ['old-fn'],
          },
        };
      },
    });
    try {
      const captured = captureIo({ cwd: app });
      const code = await runCli(['--endpoint', deployApi.url, 'deploy'], captured.io);
      assert.equal(code, 0, captured.stderr());
      assert.equal(contentType, 'application/gzip');
      assert.deepEqual(uploaded.sort(), ['gust.yaml', 'src/hello.js']);
      const lines = captured.stdout().split('\n');
      assert.match(
        lines[0] ?? '',
        new RegExp(`^Deployed shop to ${deployApi.url} \\(\\d+(\\.\\d)? (B|KB) packed\\)$`),
      );
      assert.deepEqual(lines.slice(1), [
        '  FUNCTION  VERSION   STATUS     ROUTES',
        '  hello     3f2a9c0b  changed    GET /hello/{name}',
        '  cron-job  77aa88bb  unchanged  -',
        '  Removed: old-fn',
        '',
      ]);
    } finally {
      await deployApi.close();
    }
  });

  test('a folder without gust.yaml is refused before anything is sent', async () => {
    const before = api.requests.length;
    const { code, stderr } = await gust(['deploy', join(app, 'src')]);
    assert.equal(code, 1);
    assert.equal(
      stderr,
      `gust: ${join(app, 'src')} has no gust.yaml; an app folder holds its manifest at the top.\n`,
    );
    assert.equal(api.requests.length, before);
  });
});
