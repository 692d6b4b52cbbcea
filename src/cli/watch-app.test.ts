import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ignoredPathFilter, type WatchFn, watchApp } from './watch-app.js';

/** Fake fs.watch and timers: tests fire file events and run the debounce timer by hand. */
function harness(root: string) {
  const watchers = new Map<
    string,
    { recursive: boolean; emit: (filename: string) => void; closed: boolean }
  >();
  const watch: WatchFn = (path, options, listener) => {
    const entry = { recursive: options.recursive, emit: (f: string) => listener('change', f), closed: false };
    watchers.set(relative(root, path) || '.', entry);
    return {
      close: () => {
        entry.closed = true;
      },
      on: () => undefined,
    };
  };
  let timer: (() => void) | undefined;
  const batches: string[][] = [];
  let finishChange: (() => void) | undefined;
  return {
    watchers,
    batches,
    options: {
      watch,
      setTimer: (callback: () => void) => {
        timer = callback;
        return callback;
      },
      clearTimer: () => {
        timer = undefined;
      },
      onChange: (paths: string[]) => {
        batches.push(paths);
        return new Promise<void>((resolve) => {
          finishChange = resolve;
        });
      },
    },
    /** Runs the pending debounce timer, as if the quiet period had passed. */
    elapse() {
      const callback = timer;
      timer = undefined;
      callback?.();
    },
    timerPending: () => timer !== undefined,
    /** Settles the running onChange. */
    async finish() {
      finishChange?.();
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

describe('watchApp', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'gust-watch-'));
    for (const dir of ['src', 'node_modules/x', '.git', '.gust', 'data'])
      mkdirSync(join(root, dir), { recursive: true });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('watches the root alone and each top-level folder recursively, skipping ignored ones', () => {
    const h = harness(root);
    const watcher = watchApp({ dir: root, ignore: [join(root, 'data')], ...h.options });
    assert.deepEqual([...h.watchers.keys()].sort(), ['.', 'src']);
    assert.equal(h.watchers.get('.')?.recursive, false);
    assert.equal(h.watchers.get('src')?.recursive, true);
    watcher.close();
    assert.ok([...h.watchers.values()].every((w) => w.closed));
  });

  test('a burst of changes is delivered once, as sorted unique relative paths', async () => {
    const h = harness(root);
    const watcher = watchApp({ dir: root, ...h.options });
    h.watchers.get('src')?.emit('b.js');
    h.watchers.get('src')?.emit('a.js');
    h.watchers.get('.')?.emit('gust.yaml');
    h.watchers.get('src')?.emit('a.js');
    assert.equal(h.batches.length, 0, 'nothing before the quiet period');
    h.elapse();
    assert.deepEqual(h.batches, [['gust.yaml', 'src/a.js', 'src/b.js']]);
    await h.finish();
    watcher.close();
  });

  test('changes to ignored paths never trigger a redeploy', () => {
    const h = harness(root);
    const watcher = watchApp({ dir: root, ignore: ['data'], ...h.options });
    for (const name of ['.git', '.gust', 'node_modules', 'data']) h.watchers.get('.')?.emit(name);
    h.watchers.get('src')?.emit('node_modules/dep/index.js');
    assert.equal(h.timerPending(), false);
    assert.equal(h.batches.length, 0);
    watcher.close();
  });

  test('changes during a redeploy wait for it to finish, then come as the next batch', async () => {
    const h = harness(root);
    const watcher = watchApp({ dir: root, ...h.options });
    h.watchers.get('src')?.emit('a.js');
    h.elapse();
    h.watchers.get('src')?.emit('b.js');
    h.elapse();
    assert.equal(h.batches.length, 1, 'no second redeploy while the first runs');
    await h.finish();
    h.elapse();
    assert.deepEqual(h.batches, [['src/a.js'], ['src/b.js']]);
    await h.finish();
    watcher.close();
  });

  test('nothing is delivered after close', () => {
    const h = harness(root);
    const watcher = watchApp({ dir: root, ...h.options });
    h.watchers.get('src')?.emit('a.js');
    watcher.close();
    h.elapse();
    assert.equal(h.batches.length, 0);
  });

  test('close waits for a redeploy in flight to settle', async () => {
    const h = harness(root);
    const watcher = watchApp({ dir: root, ...h.options });
    h.watchers.get('src')?.emit('a.js');
    h.elapse();
    let closed = false;
    const closing = watcher.close().then(() => {
      closed = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(closed, false, 'still redeploying');
    await h.finish();
    await closing;
    assert.equal(closed, true);
  });

  test('a folder created at the top level gets its own recursive watcher', () => {
    const h = harness(root);
    const watcher = watchApp({ dir: root, ...h.options });
    mkdirSync(join(root, 'lib'));
    h.watchers.get('.')?.emit('lib');
    assert.equal(h.watchers.get('lib')?.recursive, true);
    h.watchers.get('lib')?.emit('util.js');
    h.elapse();
    assert.deepEqual(h.batches, [['lib', 'lib/util.js']]);
    watcher.close();
  });
});

test('ignoredPathFilter ignores .git, .gust and node_modules at any depth, and given folders', () => {
  const ignored = ignoredPathFilter('/app', ['/app/var/db', '/elsewhere']);
  assert.equal(ignored('src/a.js'), false);
  assert.equal(ignored('packages/x/node_modules/y.js'), true);
  assert.equal(ignored('.git/index'), true);
  assert.equal(ignored('var/db/gust.db'), true);
  assert.equal(ignored('var/dbx'), false);
});
