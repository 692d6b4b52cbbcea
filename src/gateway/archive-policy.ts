import { realpath } from 'node:fs/promises';
import { join, posix, sep } from 'node:path';
import { GustError } from '../core/errors.js';

/** Caps on what one deploy archive may unpack to. */
export interface ArchiveLimits {
  /** Total size of all files once unpacked. */
  maxExtractedBytes: number;
  /** Number of entries (files, folders, links). */
  maxEntries: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxExtractedBytes: 250 * 1024 * 1024,
  maxEntries: 50_000,
};

/** The facts about a tar entry the policy looks at (a subset of tar's ReadEntry). */
export interface ArchiveEntry {
  path: string;
  type: string;
  linkpath?: string | undefined;
  size: number;
}

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);

export function rejectedEntry(path: string, reason: string): GustError {
  return new GustError('ERR_INVALID_CODE', `Deploy archive entry "${path}" was rejected: ${reason}.`, {
    details: { entry: path, reason },
  });
}

function isAbsolute(path: string): boolean {
  return path.startsWith('/') || path.startsWith('\\') || /^[A-Za-z]:/.test(path);
}

function hasDotDot(path: string): boolean {
  return path.split(/[\\/]/).includes('..');
}

/**
 * Decides, entry by entry and before anything is written, whether an uploaded archive is safe to
 * unpack: only files, folders and symbolic links; no absolute paths or `..` segments; links must
 * stay inside the archive; total size and entry count are capped. Remembers the symlinks so that
 * `verifySymlinks` can check them again on disk once everything is unpacked.
 */
export class ArchivePolicy {
  readonly #limits: ArchiveLimits;
  #bytes = 0;
  #entries = 0;
  readonly #symlinks: string[] = [];

  constructor(limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS) {
    this.#limits = limits;
  }

  /** Why `entry` must be refused, or undefined when it may be unpacked. */
  check(entry: ArchiveEntry): string | undefined {
    const { path, type } = entry;
    if (path === '' || path.includes('\0')) return 'the path is empty or has a NUL byte';
    if (isAbsolute(path)) return 'absolute paths are not allowed';
    if (hasDotDot(path)) return "'..' path segments are not allowed";
    if (++this.#entries > this.#limits.maxEntries) {
      return `the archive has more than ${this.#limits.maxEntries} entries`;
    }
    if (FILE_TYPES.has(type)) {
      this.#bytes += entry.size;
      if (this.#bytes > this.#limits.maxExtractedBytes) {
        return `the archive unpacks to more than ${this.#limits.maxExtractedBytes} bytes`;
      }
      return undefined;
    }
    switch (type) {
      case 'Directory':
        return undefined;
      case 'SymbolicLink': {
        const target = entry.linkpath ?? '';
        if (target === '' || target.includes('\0')) return 'the symbolic link has no target';
        if (isAbsolute(target)) return `the symbolic link points to an absolute path (${target})`;
        const resolved = posix.normalize(
          posix.join(posix.dirname(path.replaceAll('\\', '/')), target.replaceAll('\\', '/')),
        );
        if (resolved === '..' || resolved.startsWith('../')) {
          return `the symbolic link points outside the app folder (${target})`;
        }
        this.#symlinks.push(path);
        return undefined;
      }
      case 'Link':
        return 'hard links are not allowed';
      case 'CharacterDevice':
      case 'BlockDevice':
        return 'device files are not allowed';
      case 'FIFO':
        return 'FIFOs are not allowed';
      default:
        return `entries of type ${type} are not allowed`;
    }
  }

  /**
   * Checks every unpacked symlink again with the file system's own resolution (which a lexical
   * check cannot fully predict once links point through other links). Dangling links are allowed.
   */
  async verifySymlinks(root: string): Promise<void> {
    if (this.#symlinks.length === 0) return;
    const realRoot = await realpath(root);
    for (const link of this.#symlinks) {
      let target: string;
      try {
        target = await realpath(join(root, link));
      } catch {
        continue; // Dangling (or a loop): following it yields nothing from outside.
      }
      if (target !== realRoot && !target.startsWith(realRoot + sep)) {
        throw rejectedEntry(link, 'the symbolic link resolves outside the app folder');
      }
    }
  }
}
