/**
 * Packs an app folder into the gzip tar archive `POST /_gust/v1/deploy` takes. Entry paths are
 * relative to the folder (`gust.yaml`, `src/hello.js`), never absolute or `./`-prefixed.
 */
import { readdirSync, readlinkSync, realpathSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { create } from 'tar';
import { CliError } from './cli-error.js';

/** Folder names left out wherever they appear: Gust's own data and version control. */
export const ALWAYS_EXCLUDED = ['.gust', '.git'] as const;

export interface PackOptions {
  /** More folders to leave out (absolute, or relative to `dir`), e.g. a --data-dir inside the app. */
  exclude?: readonly string[];
}

/** Returns a predicate over archive-relative paths (`/`-separated) that is true for paths to leave out. */
export function exclusionFilter(dir: string, exclude: readonly string[] = []): (path: string) => boolean {
  const root = resolve(dir);
  const prefixes = exclude
    .map((p) => relative(root, resolve(root, p)))
    // Only folders inside the app matter; '' would exclude everything and '..' paths are outside it.
    .filter((rel) => rel !== '' && !rel.startsWith('..') && !isAbsolute(rel))
    .map((rel) => rel.split(sep).join('/'));
  return (path: string) => {
    const clean = path.replace(/^\.\//, '').replace(/\/+$/, '');
    const segments = clean.split('/');
    if (segments.some((s) => (ALWAYS_EXCLUDED as readonly string[]).includes(s))) return true;
    return prefixes.some((prefix) => clean === prefix || clean.startsWith(`${prefix}/`));
  };
}

/** Packs `dir` as a gzip-compressed tar archive in memory. */
export async function packApp(dir: string, options: PackOptions = {}): Promise<Buffer> {
  const root = resolve(dir);
  const excluded = exclusionFilter(root, options.exclude);
  // Listing the top level ourselves (rather than packing '.') keeps entry paths free of './'.
  const entries = readdirSync(root)
    .filter((name) => !excluded(name))
    .sort();
  if (entries.length === 0) throw new Error(`${root} has nothing to deploy.`);
  // Symlinks are packed as links, never followed (tar's default); one that leads out of the folder
  // is refused here, naming it, rather than uploaded for the server to refuse.
  const escaping: string[] = [];
  const stream = create(
    {
      gzip: true,
      cwd: root,
      portable: true,
      filter: (path, stat) => {
        if (excluded(path)) return false;
        if ((stat as Stats).isSymbolicLink?.() && leavesFolder(root, path)) escaping.push(path);
        return true;
      },
    },
    entries,
  );
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  if (escaping.length > 0) {
    const [first] = escaping;
    throw new CliError(
      `${join(root, first ?? '')} is a symbolic link to ${readlinkSync(join(root, first ?? ''))}, outside ${root}: ` +
        `Gust does not deploy links that leave the app folder. Copy what it points to into the folder instead.` +
        (escaping.length > 1 ? ` (${escaping.length - 1} more: ${escaping.slice(1).join(', ')})` : ''),
    );
  }
  return Buffer.concat(chunks);
}

/** Whether the symlink at `path` (relative to `root`) points, or resolves on disk, outside `root`. */
function leavesFolder(root: string, path: string): boolean {
  const abs = join(root, path);
  const target = readlinkSync(abs);
  const within = (base: string, p: string): boolean => p === base || p.startsWith(base + sep);
  if (!within(root, resolve(dirname(abs), target))) return true;
  try {
    // The native realpath: the JavaScript one resolves `..` after a link lexically, as the kernel does not.
    return !within(realpathSync.native(root), realpathSync.native(abs));
  } catch {
    return false; // Dangling: following it yields nothing from outside.
  }
}
