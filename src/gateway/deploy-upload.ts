import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { type ReadEntry, Unpack } from 'tar';
import { GustError } from '../core/errors.js';
import {
  type ArchiveLimits,
  ArchivePolicy,
  DEFAULT_ARCHIVE_LIMITS,
  rejectedEntry,
} from './archive-policy.js';
import { checkDeclaredLength, discardBody, keptBody } from './read-body.js';

export interface UploadOptions {
  /** Parent of the staging folders. */
  tmpDir: string;
  /** Largest compressed upload. */
  maxBytes: number;
  limits?: ArchiveLimits;
}

/** Content types a deploy upload may declare (or none at all). */
const ARCHIVE_TYPES = new Set([
  'application/gzip',
  'application/x-gzip',
  'application/x-tar',
  'application/x-gtar',
  'application/x-compressed-tar',
  'application/octet-stream',
]);

const MANIFEST_FILES = ['gust.yaml', 'gust.yml'];

function checkContentType(req: IncomingMessage): void {
  const header = req.headers['content-type'];
  if (header === undefined) return;
  const type = (header.split(';')[0] ?? '').trim().toLowerCase();
  if (!ARCHIVE_TYPES.has(type)) {
    throw new GustError(
      'ERR_UNSUPPORTED_MEDIA_TYPE',
      `A deploy body must be a gzip-compressed tar archive (Content-Type: application/gzip), got ${type}.`,
    );
  }
}

/** Tar's own complaints (bad archive, escaping paths, links in the way) are the client's fault; I/O failures are ours. */
function classifyTarError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const system = 'syscall' in error && (error as { code?: unknown }).code !== 'TAR_SYMLINK_ERROR';
  if (system) return error;
  return new GustError(
    'ERR_INVALID_CODE',
    `The deploy body is not a valid gzip tar archive: ${error.message}`,
    {
      cause: error,
    },
  );
}

/**
 * Streams the request body through tar into `dir`, never buffering the whole archive. The policy
 * vets every entry before tar writes it; the first refusal aborts the extraction. Resolves once every
 * file is on disk.
 */
function extractInto(
  req: IncomingMessage,
  dir: string,
  maxBytes: number,
  policy: ArchivePolicy,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let refusal: GustError | undefined;
    let received = 0;

    const unpack = new Unpack({
      cwd: dir,
      strict: true,
      // Never chown to the archive's uids, even when the server runs as root.
      preserveOwner: false,
      filter: (path, entry) => {
        const readEntry = entry as ReadEntry;
        const reason = policy.check({
          path,
          type: readEntry.type,
          linkpath: readEntry.linkpath,
          size: readEntry.size,
        });
        if (reason !== undefined) {
          refusal ??= rejectedEntry(path, reason);
          unpack.abort(new Error(reason));
          return false;
        }
        // No setuid/setgid/sticky bits, and the owner can always read and write what it unpacked.
        if (typeof readEntry.mode === 'number') {
          readEntry.mode = (readEntry.mode & 0o755) | (readEntry.type === 'Directory' ? 0o700 : 0o600);
        }
        return true;
      },
    });

    const finish = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('aborted', onAborted);
      if (error === undefined) {
        resolve();
        return;
      }
      if (!req.complete) discardBody(req);
      reject(error);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > maxBytes) {
        finish(
          new GustError(
            'ERR_PAYLOAD_TOO_LARGE',
            `The deploy archive is larger than the limit of ${maxBytes} bytes.`,
            {
              details: { limit: maxBytes },
            },
          ),
        );
        return;
      }
      if (!unpack.write(chunk)) req.pause();
    };
    const onEnd = (): void => {
      unpack.end();
    };
    const onAborted = (): void => {
      finish(
        new GustError(
          'ERR_BAD_REQUEST',
          'The client closed the connection before sending the whole archive.',
        ),
      );
    };

    unpack.on('drain', () => req.resume());
    unpack.on('error', (error: unknown) => finish(refusal ?? classifyTarError(error)));
    unpack.on('close', () => finish(refusal));
    const kept = keptBody(req);
    if (kept !== undefined) {
      // Already read (to check its signature): feed it to tar as one chunk.
      onData(kept);
      if (!settled) onEnd();
      return;
    }
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('aborted', onAborted);
  });
}

/**
 * The folder to deploy: the staging root, or, when the archive wraps the app in one top-level
 * folder (`tar czf app.tgz shop/`) and the root has no manifest, that folder.
 */
async function findAppDir(staging: string): Promise<string> {
  const entries = await readdir(staging, { withFileTypes: true });
  if (entries.some((e) => MANIFEST_FILES.includes(e.name))) return staging;
  const only = entries.length === 1 ? entries[0] : undefined;
  if (only?.isDirectory()) {
    const inner = await readdir(join(staging, only.name));
    if (inner.some((name) => MANIFEST_FILES.includes(name))) return join(staging, only.name);
  }
  return staging;
}

/** A deploy upload unpacked into a fresh staging folder. Call `remove()` when done, whatever happens. */
export interface StagedUpload {
  /** The folder that holds the app (gust.yaml). */
  appDir: string;
  remove(): Promise<void>;
}

/**
 * Receives a gzip tar upload into a fresh staging folder under `tmpDir`, with strict safety: no
 * absolute paths, `..`, hard links, devices, or symlinks resolving outside; size and entry caps.
 * Throws 400 ERR_INVALID_CODE naming the offending entry, 413 for an oversized upload, 415 for a
 * body that declares a non-archive type. Leaves nothing behind when it throws.
 */
export async function receiveUpload(req: IncomingMessage, options: UploadOptions): Promise<StagedUpload> {
  checkDeclaredLength(req, options.maxBytes);
  try {
    checkContentType(req);
  } catch (error) {
    discardBody(req);
    throw error;
  }
  if (req.headers['content-length'] === '0') {
    throw new GustError(
      'ERR_INVALID_CODE',
      'The deploy body is empty: send the app folder as a gzip tar archive.',
    );
  }
  await mkdir(options.tmpDir, { recursive: true });
  const staging = await mkdtemp(join(options.tmpDir, 'deploy-'));
  // After a refusal aborts tar, writes it had already started can still land while the folder is
  // being removed (ENOTEMPTY): retry, so nothing is left behind.
  const remove = (): Promise<void> =>
    rm(staging, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 });
  try {
    const policy = new ArchivePolicy(options.limits ?? DEFAULT_ARCHIVE_LIMITS);
    await extractInto(req, staging, options.maxBytes, policy);
    await policy.verifySymlinks(staging);
    return { appDir: await findAppDir(staging), remove };
  } catch (error) {
    // The client's error is the answer, whatever the cleanup meets (it must not become a 500).
    await remove().catch(() => {});
    throw error;
  }
}
