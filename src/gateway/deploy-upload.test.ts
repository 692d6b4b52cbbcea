import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { Header } from 'tar';
import { startTestGateway, type TestGateway } from './test-support.js';

interface TarEntry {
  path: string;
  type?: 'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'CharacterDevice' | 'FIFO';
  body?: string;
  linkpath?: string;
}

/**
 * Builds a .tar.gz byte by byte, so that entries no well-behaved tar tool would write (`../evil`,
 * links to /etc) can be tested.
 */
function tarGz(entries: TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const type = entry.type ?? 'File';
    const body = Buffer.from(entry.body ?? '');
    const header = new Header({
      path: entry.path,
      type,
      mode: type === 'Directory' ? 0o755 : 0o644,
      size: type === 'File' ? body.length : 0,
      mtime: new Date(0),
      uid: 0,
      gid: 0,
      ...(entry.linkpath === undefined ? {} : { linkpath: entry.linkpath }),
    });
    const block = Buffer.alloc(512);
    header.encode(block, 0);
    blocks.push(block);
    if (type === 'File' && body.length > 0) {
      blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

const MANIFEST = 'service: shop\nfunctions:\n  hello:\n    handler: src/hello.handler\n';

describe('POST /_gust/v1/deploy', () => {
  let gw: TestGateway;
  let tmpDir: string;

  const deploy = (
    body: Uint8Array,
    headers: Record<string, string> = { 'content-type': 'application/gzip' },
  ) => fetch(`${gw.url}/_gust/v1/deploy`, { method: 'POST', body, headers });

  async function expectRejected(response: Response, entry: string): Promise<void> {
    assert.equal(response.status, 400);
    const { error } = (await response.json()) as { error: { code: string; message: string; entry: string } };
    assert.equal(error.code, 'ERR_INVALID_CODE');
    assert.equal(error.entry, entry);
    assert.ok(error.message.includes(entry), error.message);
    assert.equal(gw.registry.deployedDirs.length, 0);
  }

  before(async () => {
    tmpDir = await mkdtemp(join(tmpdir(), 'gust-deploy-test-'));
    gw = await startTestGateway({ tmpDir, maxDeployBytes: 64 * 1024 });
  });
  after(async () => {
    await gw.stop();
    await rm(tmpDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    gw.registry.deployedDirs.length = 0;
    gw.registry.deployedManifests.length = 0;
  });

  it('unpacks the archive, deploys the folder and removes the staging folder afterwards', async () => {
    const archive = tarGz([
      { path: 'gust.yaml', body: MANIFEST },
      { path: 'src/', type: 'Directory' },
      { path: 'src/hello.js', body: 'export const handler = async () => "hi";' },
      { path: 'src/current.js', type: 'SymbolicLink', linkpath: 'hello.js' },
    ]);
    const response = await deploy(archive);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { service: 'shop', functions: [], removed: [] });
    assert.deepEqual(gw.registry.deployedManifests, [MANIFEST]);
    const dir = gw.registry.deployedDirs[0] ?? '';
    assert.ok(dir.startsWith(tmpDir));
    assert.equal(existsSync(dir), false);
    assert.deepEqual(await readdir(tmpDir), []);
  });

  it('deploys the single top-level folder of an archive that wraps the app in one', async () => {
    const response = await deploy(
      tarGz([
        { path: 'shop/', type: 'Directory' },
        { path: 'shop/gust.yaml', body: MANIFEST },
      ]),
    );
    assert.equal(response.status, 200);
    assert.match(gw.registry.deployedDirs[0] ?? '', /shop$/);
  });

  it('passes the registry manifest error through as 400 ERR_INVALID_MANIFEST with its details', async () => {
    const response = await deploy(tarGz([{ path: 'README.md', body: 'no manifest' }]));
    assert.equal(response.status, 400);
    const { error } = (await response.json()) as { error: { code: string; file: string; issues: unknown[] } };
    assert.equal(error.code, 'ERR_INVALID_MANIFEST');
    assert.equal(error.file, 'gust.yaml');
    assert.equal(error.issues.length, 1);
    assert.deepEqual(await readdir(tmpDir), []);
  });

  it('rejects an entry with a .. segment, naming it, and writes nothing outside', async () => {
    const response = await deploy(
      tarGz([
        { path: 'gust.yaml', body: MANIFEST },
        { path: '../evil', body: 'pwned' },
      ]),
    );
    await expectRejected(response, '../evil');
    assert.equal(existsSync(join(tmpDir, 'evil')), false);
    assert.deepEqual(await readdir(tmpDir), []);
  });

  it('rejects an absolute path', async () => {
    await expectRejected(await deploy(tarGz([{ path: '/etc/cron.d/evil', body: 'x' }])), '/etc/cron.d/evil');
  });

  it('rejects a symlink to /etc', async () => {
    const response = await deploy(
      tarGz([
        { path: 'gust.yaml', body: MANIFEST },
        { path: 'config', type: 'SymbolicLink', linkpath: '/etc' },
      ]),
    );
    await expectRejected(response, 'config');
    assert.deepEqual(await readdir(tmpDir), []);
  });

  it('rejects a relative symlink that climbs out of the app folder', async () => {
    await expectRejected(
      await deploy(tarGz([{ path: 'src/up', type: 'SymbolicLink', linkpath: '../../outside' }])),
      'src/up',
    );
  });

  it('rejects a symlink that only escapes through another symlink once on disk', async () => {
    // Lexically 'd/s/..' is 'd', inside; on disk d/s is the root, so d/s/.. is the root's parent.
    const response = await deploy(
      tarGz([
        { path: 'd/', type: 'Directory' },
        { path: 'd/s', type: 'SymbolicLink', linkpath: '..' },
        { path: 'a', type: 'SymbolicLink', linkpath: 'd/s/..' },
      ]),
    );
    await expectRejected(response, 'a');
    assert.deepEqual(await readdir(tmpDir), []);
  });

  it('rejects hard links and device files', async () => {
    await expectRejected(
      await deploy(
        tarGz([
          { path: 'a', body: 'x' },
          { path: 'b', type: 'Link', linkpath: 'a' },
        ]),
      ),
      'b',
    );
    await expectRejected(await deploy(tarGz([{ path: 'tty', type: 'CharacterDevice' }])), 'tty');
    await expectRejected(await deploy(tarGz([{ path: 'pipe', type: 'FIFO' }])), 'pipe');
  });

  it('rejects a body that is not a tar archive with 400 ERR_INVALID_CODE', async () => {
    const response = await deploy(gzipSync(Buffer.from('just some text, not a tar archive')));
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'ERR_INVALID_CODE');
    assert.deepEqual(await readdir(tmpDir), []);
  });

  it('refuses an archive over the deploy limit with 413', async () => {
    const response = await deploy(new Uint8Array(65 * 1024));
    assert.equal(response.status, 413);
    assert.equal(
      ((await response.json()) as { error: { code: string } }).error.code,
      'ERR_PAYLOAD_TOO_LARGE',
    );
  });

  it('refuses a JSON body with 415 ERR_UNSUPPORTED_MEDIA_TYPE', async () => {
    const response = await deploy(Buffer.from('{}'), { 'content-type': 'application/json' });
    assert.equal(response.status, 415);
    assert.equal(
      ((await response.json()) as { error: { code: string } }).error.code,
      'ERR_UNSUPPORTED_MEDIA_TYPE',
    );
  });
});
