import { createHash } from 'node:crypto';
import type { Dirent } from 'node:fs';
import {
  chmod,
  copyFile,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  realpath,
  rename,
  rm,
  symlink,
} from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { GustError } from '../core/errors.js';

/** Lambda's limit for unzipped code. */
export const MAX_CODE_BYTES = 250 * 1024 * 1024;
const MAX_CODE_FILES = 100_000;

export interface StoredCode {
  /** sha256 over every file's relative path, mode and content: equal folders hash equal. */
  hash: string;
  sizeBytes: number;
}

/**
 * Content-addressed storage of function code: a folder is hashed, copied once under its hash and
 * never changed afterwards, so every version's code stays exactly as deployed.
 */
export interface CodeStore {
  /** Hashes `dir` and stores it unless a folder with that hash is already there. */
  put(dir: string, options?: { exclude?: readonly string[] }): Promise<StoredCode>;
  /** Absolute path of stored code. */
  path(hash: string): string;
  /**
   * Makes sure the code with `hash` is at `path(hash)` on this node, fetching it from wherever the
   * cluster keeps code if needed (the shared code store). Absent on a local-only store: code
   * stored there is always on disk.
   */
  ensure?(hash: string): Promise<void>;
}

type Entry =
  | { kind: 'file'; rel: string; abs: string; executable: boolean; size: number }
  | { kind: 'link'; rel: string; target: string }
  | { kind: 'dir'; rel: string };

/** A code store in a local folder (the data directory's code/). */
export function createLocalCodeStore(root: string): CodeStore {
  return {
    path: (hash) => join(root, hash),
    async put(dir, options = {}) {
      const entries = await scan(dir, options.exclude ?? []);
      const { hash, sizeBytes } = await hashEntries(entries);
      const target = join(root, hash);
      if (!(await pathExists(target))) await materialise(entries, target, root);
      return { hash, sizeBytes };
    },
  };
}

/** Walks the code folder; rejects links that leave it and anything that is not a file, folder or link. */
async function scan(dir: string, exclude: readonly string[]): Promise<Entry[]> {
  let rootReal: string;
  try {
    rootReal = await realpath(dir);
  } catch (error) {
    throw new GustError('ERR_INVALID_CODE', `Code folder ${dir} does not exist or cannot be read.`, {
      cause: error,
    });
  }
  const excluded = new Set(exclude.map((p) => resolve(p)));
  const entries: Entry[] = [];
  let total = 0;

  const walk = async (abs: string, rel: string): Promise<void> => {
    let children: Dirent[];
    try {
      children = await readdir(abs, { withFileTypes: true });
    } catch (error) {
      throw new GustError('ERR_INVALID_CODE', `Code folder ${dir}: cannot read ${rel || '.'}.`, {
        cause: error,
      });
    }
    children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const child of children) {
      const childAbs = join(abs, child.name);
      const childRel = rel ? `${rel}/${child.name}` : child.name;
      if (child.name === '.git' || child.name === '.gust' || excluded.has(resolve(childAbs))) continue;
      if (entries.length >= MAX_CODE_FILES) {
        throw new GustError(
          'ERR_INVALID_CODE',
          `Code folder ${dir} has more than ${MAX_CODE_FILES} entries.`,
        );
      }
      if (child.isSymbolicLink()) {
        entries.push({
          kind: 'link',
          rel: childRel,
          target: await checkLink(childAbs, childRel, rootReal, dir),
        });
      } else if (child.isDirectory()) {
        entries.push({ kind: 'dir', rel: childRel });
        await walk(childAbs, childRel);
      } else if (child.isFile()) {
        const stat = await lstat(childAbs);
        total += stat.size;
        if (total > MAX_CODE_BYTES) {
          throw new GustError(
            'ERR_INVALID_CODE',
            `Code folder ${dir} is larger than ${MAX_CODE_BYTES / 1024 / 1024} MB (the limit for a function's code).`,
          );
        }
        entries.push({
          kind: 'file',
          rel: childRel,
          abs: childAbs,
          executable: (stat.mode & 0o111) !== 0,
          size: stat.size,
        });
      } else {
        throw new GustError(
          'ERR_INVALID_CODE',
          `Code folder ${dir}: ${childRel} is not a regular file, folder or link.`,
        );
      }
    }
  };
  await walk(rootReal, '');
  return entries;
}

/** A link may point anywhere inside the code folder; it is kept as a relative link. */
async function checkLink(abs: string, rel: string, rootReal: string, dir: string): Promise<string> {
  const raw = await readlink(abs);
  const lexical = isAbsolute(raw) ? raw : resolve(dirname(abs), raw);
  let real: string;
  try {
    real = await realpath(lexical);
  } catch {
    real = lexical;
  }
  const inside = (p: string) => p === rootReal || p.startsWith(rootReal + sep);
  if (!inside(real) || !inside(lexical)) {
    throw new GustError(
      'ERR_INVALID_CODE',
      `Code folder ${dir}: symlink ${rel} points outside the folder (to ${raw}); copy what it points to into the folder instead.`,
      { details: { entry: rel, target: raw } },
    );
  }
  return relative(dirname(abs), lexical) || '.';
}

async function hashEntries(entries: Entry[]): Promise<StoredCode> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  for (const entry of entries) {
    if (entry.kind === 'dir') hash.update(`d\0${entry.rel}\0`);
    else if (entry.kind === 'link') hash.update(`l\0${entry.rel}\0${entry.target}\0`);
    else {
      const content = await readFile(entry.abs);
      sizeBytes += content.length;
      hash.update(`f\0${entry.rel}\0${entry.executable ? 'x' : '-'}\0${content.length}\0`);
      hash.update(content);
    }
  }
  return { hash: hash.digest('hex'), sizeBytes };
}

/** Copies into a temporary folder and renames it into place, so a half-copied folder is never seen. */
async function materialise(entries: Entry[], target: string, root: string): Promise<void> {
  const staging = join(root, `.staging-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  await mkdir(staging, { recursive: true });
  try {
    for (const entry of entries) {
      const dest = join(staging, entry.rel);
      if (entry.kind === 'dir') await mkdir(dest, { recursive: true });
      else if (entry.kind === 'link') await symlink(entry.target, dest);
      else {
        await copyFile(entry.abs, dest);
        await chmod(dest, entry.executable ? 0o555 : 0o444);
      }
    }
    await moveIntoPlace(staging, target);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Renames a fully written staging folder to its content-addressed place. When another writer got
 * there first, its folder holds the same content by construction: it is kept (the caller removes
 * the staging folder).
 */
export async function moveIntoPlace(staging: string, target: string): Promise<void> {
  try {
    await rename(staging, target);
  } catch (error) {
    if (!(await pathExists(target))) throw error;
  }
}

/** Whether anything (file, folder, link) is at `path`. */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}
