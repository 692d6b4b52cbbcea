/**
 * Watches an app folder for `gust up --watch` and reports settled batches of changed files.
 *
 * Node 20 implements `fs.watch(dir, { recursive: true })` on Linux by walking the tree and watching
 * every folder, so watching the app root recursively would also walk node_modules and .git. Instead
 * the root is watched on its own and each top-level folder that is not ignored gets a recursive
 * watcher; folders created later at the top level are picked up as they appear.
 *
 * Invariants: `onChange` is never running twice at once; changes that arrive while it runs are
 * kept and delivered, debounced, once it settles; nothing is delivered after `close()`.
 */
import { watch as fsWatch, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

/** Folder names whose churn never triggers a redeploy, at any depth. */
export const IGNORED_NAMES = ['.git', '.gust', 'node_modules'] as const;

/** The part of fs.FSWatcher the watcher uses. */
export interface WatchHandle {
  close(): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export type WatchFn = (
  path: string,
  options: { recursive: boolean },
  listener: (event: string, filename: string | null) => void,
) => WatchHandle;

export interface AppWatcherOptions {
  dir: string;
  /** More folders to ignore (absolute, or relative to `dir`), such as the data dir. */
  ignore?: readonly string[];
  /** Quiet time before a batch is delivered; default 200 ms. */
  debounceMs?: number;
  /** Receives the changed paths (relative to `dir`, `/`-separated, sorted, unique). */
  onChange: (paths: string[]) => Promise<void>;
  /** Called when `onChange` rejects or a watcher fails; defaults to ignoring it. */
  onError?: (error: unknown) => void;
  /** Seams for tests. */
  watch?: WatchFn;
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export interface AppWatcher {
  /** Stops watching; resolves once an `onChange` already running has settled. */
  close(): Promise<void>;
}

/** Returns a predicate over `/`-separated paths relative to `dir` that is true for ignored paths. */
export function ignoredPathFilter(dir: string, ignore: readonly string[] = []): (path: string) => boolean {
  const root = resolve(dir);
  const prefixes = ignore
    .map((p) => relative(root, resolve(root, p)))
    .filter((rel) => rel !== '' && !rel.startsWith('..') && !isAbsolute(rel))
    .map((rel) => rel.split(sep).join('/'));
  return (path) => {
    const clean = path.split(sep).join('/').replace(/\/+$/, '');
    if (clean.split('/').some((s) => (IGNORED_NAMES as readonly string[]).includes(s))) return true;
    return prefixes.some((prefix) => clean === prefix || clean.startsWith(`${prefix}/`));
  };
}

export function watchApp(options: AppWatcherOptions): AppWatcher {
  const root = resolve(options.dir);
  const isIgnored = ignoredPathFilter(root, options.ignore);
  const watchFn: WatchFn = options.watch ?? ((path, opts, listener) => fsWatch(path, opts, listener));
  const setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
  const clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as NodeJS.Timeout));
  const debounceMs = options.debounceMs ?? 200;
  const onError = options.onError ?? (() => {});

  const subWatchers = new Map<string, WatchHandle>();
  const pending = new Set<string>();
  let timer: unknown;
  /** The `onChange` in flight, if any. */
  let running: Promise<void> | undefined;
  let closed = false;

  const schedule = () => {
    if (timer !== undefined) clearTimer(timer);
    timer = setTimer(flush, debounceMs);
  };

  const flush = () => {
    timer = undefined;
    if (closed || running !== undefined || pending.size === 0) return;
    const paths = [...pending].sort();
    pending.clear();
    running = options
      .onChange(paths)
      .catch(onError)
      .finally(() => {
        running = undefined;
        if (!closed && pending.size > 0) schedule();
      });
  };

  const record = (path: string) => {
    if (closed || path === '' || isIgnored(path)) return;
    pending.add(path);
    if (running === undefined) schedule();
  };

  const watchFolder = (name: string) => {
    if (subWatchers.has(name) || isIgnored(name)) return;
    try {
      const watcher = watchFn(join(root, name), { recursive: true }, (_event, filename) => {
        record(filename === null ? name : `${name}/${filename.split(sep).join('/')}`);
      });
      watcher.on('error', () => {
        // The folder went away (or became unwatchable); the root watcher reports its removal.
        watcher.close();
        subWatchers.delete(name);
      });
      subWatchers.set(name, watcher);
    } catch (error) {
      onError(error);
    }
  };

  const isFolder = (name: string) => {
    try {
      return statSync(join(root, name)).isDirectory();
    } catch {
      return false;
    }
  };

  const rootWatcher = watchFn(root, { recursive: false }, (_event, filename) => {
    if (filename === null) return;
    if (isFolder(filename)) watchFolder(filename);
    else if (subWatchers.has(filename)) {
      subWatchers.get(filename)?.close();
      subWatchers.delete(filename);
    }
    record(filename);
  });
  rootWatcher.on('error', onError);
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (entry.isDirectory()) watchFolder(entry.name);
  }

  return {
    close() {
      closed = true;
      if (timer !== undefined) clearTimer(timer);
      rootWatcher.close();
      for (const watcher of subWatchers.values()) watcher.close();
      subWatchers.clear();
      return running ?? Promise.resolve();
    },
  };
}
