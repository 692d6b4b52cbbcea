import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { Header } from 'tar';
import type { GustError } from '../core/errors.js';
import { receiveUpload } from './deploy-upload.js';

/** A .tar.gz of regular files; `declared` overrides the size a header claims (a lying archive). */
function tarGz(files: Array<{ path: string; body?: Buffer; declared?: number }>): Buffer {
  const blocks: Buffer[] = [];
  for (const file of files) {
    const body = file.body ?? Buffer.alloc(0);
    const header = new Header({
      path: file.path,
      type: 'File',
      mode: 0o644,
      size: file.declared ?? body.length,
      mtime: new Date(0),
    });
    const block = Buffer.alloc(512);
    header.encode(block, 0);
    blocks.push(block, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

const MANIFEST = Buffer.from('service: shop\nfunctions:\n  hello:\n    handler: src/hello.handler\n');
const MAX_BYTES = 1024 * 1024;
const LIMITS = { maxExtractedBytes: 64 * 1024, maxEntries: 5 };

describe('deploy uploads past the unpacking limits', () => {
  let tmpDir: string;
  let server: Server;
  let url: string;
  let received: string[];

  before(async () => {
    tmpDir = await mkdtemp(join(tmpdir(), 'gust-upload-limits-'));
    received = [];
    // The upload step alone, with small limits: what the control API's deploy route runs first.
    server = createServer(async (req, res) => {
      try {
        const upload = await receiveUpload(req, { tmpDir, maxBytes: MAX_BYTES, limits: LIMITS });
        received.push(upload.appDir);
        await upload.remove();
        res.writeHead(200).end('{}');
      } catch (error) {
        const e = error as GustError;
        res
          .writeHead(e.status ?? 500, { 'content-type': 'application/json' })
          .end(JSON.stringify({ code: e.code, message: e.message, ...e.details }));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(async () => {
    server.close();
    await rm(tmpDir, { recursive: true, force: true });
  });

  async function upload(
    body: Buffer,
  ): Promise<{ status: number; code: string; entry: string; reason: string }> {
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/gzip' },
    });
    return {
      status: response.status,
      ...((await response.json()) as { code: string; entry: string; reason: string }),
    };
  }

  it('refuses a decompression bomb by what it would unpack to, writing nothing', async () => {
    const bomb = tarGz([
      { path: 'gust.yaml', body: MANIFEST },
      { path: 'bomb.bin', body: Buffer.alloc(8 * 1024 * 1024) },
    ]);
    // Small on the wire: the compressed-size limit is not what stops it.
    assert.ok(bomb.length < MAX_BYTES / 8, `${bomb.length} bytes`);
    const answer = await upload(bomb);
    assert.equal(answer.status, 400);
    assert.equal(answer.code, 'ERR_INVALID_CODE');
    assert.equal(answer.entry, 'bomb.bin');
    assert.match(answer.reason, /unpacks to more than 65536 bytes/);
    assert.deepEqual(received, []);
    assert.deepEqual(await readdir(tmpDir), []);
  });

  it('refuses an entry whose header claims a huge size, before reading its body', async () => {
    const answer = await upload(
      tarGz([
        { path: 'gust.yaml', body: MANIFEST },
        { path: 'huge.bin', declared: 8 * 1024 ** 3 },
      ]),
    );
    assert.equal(answer.status, 400);
    assert.equal(answer.entry, 'huge.bin');
    assert.deepEqual(await readdir(tmpDir), []);
  });

  it('refuses too many entries, naming the first one over the limit', async () => {
    const files = [{ path: 'gust.yaml', body: MANIFEST }];
    for (let i = 1; i <= 5; i++) files.push({ path: `f${i}.js`, body: Buffer.from('x') });
    const answer = await upload(tarGz(files));
    assert.equal(answer.status, 400);
    assert.equal(answer.entry, 'f5.js');
    assert.match(answer.reason, /more than 5 entries/);
    assert.deepEqual(received, []);
    assert.deepEqual(await readdir(tmpDir), []);
  });

  it('accepts an archive within the limits (so the refusals above are about the limits)', async () => {
    const answer = await upload(
      tarGz([
        { path: 'gust.yaml', body: MANIFEST },
        { path: 'src/hello.js', body: Buffer.from('export const handler = () => 1;') },
      ]),
    );
    assert.equal(answer.status, 200);
    assert.equal(received.length, 1);
    assert.deepEqual(await readdir(tmpDir), []);
  });
});
