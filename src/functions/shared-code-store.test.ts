import assert from 'node:assert/strict';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { systemClock } from '../core/clock.js';
import { isGustError } from '../core/errors.js';
import type { CodeBlobRepository } from '../store/code-blob-repository.js';
import { createLocalCodeStore } from './code-store.js';
import { createSharedCodeStore } from './shared-code-store.js';

const root = mkdtempSync(join(tmpdir(), 'gust-shared-code-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** The store's code_blobs as a map (the PostgreSQL repository itself is tested with the store). */
function memoryBlobs(): CodeBlobRepository & { puts: number } {
  const blobs = new Map<string, Buffer>();
  return {
    puts: 0,
    async put(hash, archive) {
      this.puts++;
      if (!blobs.has(hash)) blobs.set(hash, archive);
    },
    async get(hash) {
      return blobs.get(hash);
    },
    async has(hash) {
      return blobs.has(hash);
    },
  };
}

test('code deployed on one node is unpacked on another, with files, modes and links as deployed', async () => {
  const app = join(root, 'app');
  mkdirSync(join(app, 'lib'), { recursive: true });
  writeFileSync(join(app, 'index.js'), 'exports.handler = async () => 1;');
  writeFileSync(join(app, 'bootstrap'), '#!/bin/sh\necho hi\n');
  chmodSync(join(app, 'bootstrap'), 0o755);
  writeFileSync(join(app, 'lib', 'util.js'), 'module.exports = 2;');
  symlinkSync('lib/util.js', join(app, 'util-link.js'));
  const blobs = memoryBlobs();
  const nodeA = createSharedCodeStore(createLocalCodeStore(join(root, 'a')), blobs, systemClock);
  const nodeB = createSharedCodeStore(createLocalCodeStore(join(root, 'b')), blobs, systemClock);

  const stored = await nodeA.put(app);
  assert.equal(await blobs.has(stored.hash), true);
  await nodeB.ensure?.(stored.hash);
  const dir = nodeB.path(stored.hash);
  assert.equal(readFileSync(join(dir, 'index.js'), 'utf8'), 'exports.handler = async () => 1;');
  assert.equal(readFileSync(join(dir, 'lib', 'util.js'), 'utf8'), 'module.exports = 2;');
  assert.equal(readlinkSync(join(dir, 'util-link.js')), 'lib/util.js');
  assert.notEqual(statSync(join(dir, 'bootstrap')).mode & 0o111, 0, 'bootstrap stays executable');
  // Stored on B from its own unpacked copy, the code hashes the same: the content is identical.
  assert.equal((await nodeB.put(dir)).hash, stored.hash);
  await nodeB.ensure?.(stored.hash); // already there: nothing to do
});

test('deploying code that is already in the store does not upload it again', async () => {
  const app = join(root, 'again');
  mkdirSync(app, { recursive: true });
  writeFileSync(join(app, 'index.js'), 'x');
  const blobs = memoryBlobs();
  const node = createSharedCodeStore(createLocalCodeStore(join(root, 'c')), blobs, systemClock);
  await node.put(app);
  await node.put(app);
  assert.equal(blobs.puts, 1);
});

test('code that is neither local nor in the store fails with a message that says to deploy again', async () => {
  const node = createSharedCodeStore(createLocalCodeStore(join(root, 'd')), memoryBlobs(), systemClock);
  await assert.rejects(node.ensure?.('f'.repeat(64)) ?? Promise.resolve(), (error: unknown) => {
    return isGustError(error) && /deploy the app again/.test(error.message);
  });
});
