import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import type { Clock } from '../core/clock.js';
import { GustError } from '../core/errors.js';
import type { CodeBlobRepository } from '../store/code-blob-repository.js';
import { type CodeStore, moveIntoPlace, pathExists, type StoredCode } from './code-store.js';

/**
 * The code store of a cluster: code is stored in the local folder as before (functions run from
 * there) and, at deploy, also as a gzipped tar in the shared store (`code_blobs`, by content
 * hash). A node that has not got a version's code unpacks it from the store into its local folder
 * the first time it loads the version (`ensure`), so every node can run any version whichever node
 * deployed it.
 */
export function createSharedCodeStore(local: CodeStore, blobs: CodeBlobRepository, clock: Clock): CodeStore {
  return {
    path: (hash) => local.path(hash),
    async put(dir, options) {
      const stored: StoredCode = await local.put(dir, options);
      if (!(await blobs.has(stored.hash))) {
        await blobs.put(stored.hash, await packFolder(local.path(stored.hash)), clock.now());
      }
      return stored;
    },
    async ensure(hash) {
      const target = local.path(hash);
      if (await pathExists(target)) return;
      const archive = await blobs.get(hash);
      if (archive === undefined) {
        throw new GustError(
          'ERR_INTERNAL',
          `The code of a deployed version (${hash.slice(0, 12)}) is neither on this node nor in the store; deploy the app again.`,
          { details: { codeHash: hash } },
        );
      }
      await unpackInto(archive, target);
    },
  };
}

/** A gzipped tar of a folder (paths relative to it; links kept as links, modes kept). */
async function packFolder(dir: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const stream = tar.c({ gzip: true, cwd: dir, portable: true }, ['.']);
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Unpacks into a staging folder and renames it into place, so a half-unpacked folder is never seen. */
async function unpackInto(archive: Buffer, target: string): Promise<void> {
  const root = dirname(target);
  const staging = join(root, `.unpack-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  await mkdir(staging, { recursive: true });
  try {
    await pipeline(Readable.from([archive]), tar.x({ cwd: staging, strict: true }));
    await moveIntoPlace(staging, target);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
