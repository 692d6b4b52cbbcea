import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { list } from 'tar';
import { exclusionFilter, packApp } from './pack.js';

/** Paths of the regular files in a gzip tar archive, sorted. */
function filesIn(archive: Buffer, dir: string): string[] {
  const file = join(dir, 'archive.tgz');
  writeFileSync(file, archive);
  const paths: string[] = [];
  list({
    file,
    sync: true,
    onReadEntry: (entry) => (entry.type === 'File' ? paths.push(entry.path) : undefined),
  });
  return paths.sort();
}

describe('packApp', () => {
  let app: string;
  let scratch: string;

  before(() => {
    app = mkdtempSync(join(tmpdir(), 'gust-pack-'));
    scratch = mkdtempSync(join(tmpdir(), 'gust-pack-out-'));
    const files: Record<string, string> = {
      'gust.yaml': 'service: shop\n',
      'src/hello.js': 'export const handler = async () => 1;\n',
      'node_modules/left-pad/index.js': 'module.exports = 1;\n',
      '.git/config': '[core]\n',
      '.gust/gust.db': 'sqlite',
      'src/.gust/stray.db': 'sqlite',
      'var/data/gust.db': 'sqlite',
      'var/keep.txt': 'keep',
    };
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(app, path)), { recursive: true });
      writeFileSync(join(app, path), content);
    }
  });

  after(() => {
    rmSync(app, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  test('packs the app as gzip with paths relative to the folder, leaving out .gust and .git', async () => {
    const archive = await packApp(app);
    assert.equal(archive[0], 0x1f, 'gzip magic');
    assert.equal(archive[1], 0x8b, 'gzip magic');
    assert.deepEqual(filesIn(archive, scratch), [
      'gust.yaml',
      'node_modules/left-pad/index.js',
      'src/hello.js',
      'var/data/gust.db',
      'var/keep.txt',
    ]);
  });

  test('also leaves out a data dir inside the app, given absolute or relative', async () => {
    const expected = ['gust.yaml', 'node_modules/left-pad/index.js', 'src/hello.js', 'var/keep.txt'];
    assert.deepEqual(filesIn(await packApp(app, { exclude: [join(app, 'var/data')] }), scratch), expected);
    assert.deepEqual(filesIn(await packApp(app, { exclude: ['var/data'] }), scratch), expected);
  });

  test('no entry is absolute or carries ./ or ..', async () => {
    const file = join(scratch, 'entries.tgz');
    writeFileSync(file, await packApp(app));
    const names: string[] = [];
    list({ file, sync: true, onReadEntry: (entry) => names.push(entry.path) });
    assert.ok(names.length > 0);
    for (const name of names) {
      assert.ok(!name.startsWith('/') && !name.startsWith('./') && !name.split('/').includes('..'), name);
    }
  });
});

describe('packApp and symbolic links', () => {
  let app: string;
  let outside: string;
  before(() => {
    app = mkdtempSync(join(tmpdir(), 'gust-pack-links-'));
    outside = mkdtempSync(join(tmpdir(), 'gust-pack-outside-'));
    writeFileSync(join(outside, 'secret.txt'), 'TOP SECRET');
    writeFileSync(join(app, 'gust.yaml'), 'service: shop\n');
    mkdirSync(join(app, 'src'));
    writeFileSync(join(app, 'src/hello.js'), 'export const handler = async () => 1;\n');
  });
  after(() => {
    rmSync(app, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  test('keeps a link inside the folder as a link, without copying what it points to', async () => {
    symlinkSync('hello.js', join(app, 'src/current.js'));
    const file = join(outside, 'inside.tgz');
    writeFileSync(file, await packApp(app));
    const links: Array<[string, string]> = [];
    list({
      file,
      sync: true,
      onReadEntry: (e) => (e.type === 'SymbolicLink' ? links.push([e.path, e.linkpath ?? '']) : undefined),
    });
    assert.deepEqual(links, [['src/current.js', 'hello.js']]);
    rmSync(join(app, 'src/current.js'));
  });

  test('refuses a link that points out of the folder, naming it, instead of following it', async () => {
    symlinkSync(join(outside, 'secret.txt'), join(app, 'src/secret.txt'));
    try {
      await assert.rejects(packApp(app), (error: Error) => {
        assert.match(error.message, /src\/secret\.txt is a symbolic link to .*secret\.txt, outside /);
        assert.match(error.message, /Copy what it points to into the folder/);
        return true;
      });
    } finally {
      rmSync(join(app, 'src/secret.txt'));
    }
  });

  test('refuses a relative link that climbs out, and one that leaves only through another link', async () => {
    symlinkSync('../../', join(app, 'src/up'));
    await assert.rejects(packApp(app), /src\/up is a symbolic link to \.\.\/\.\.\/, outside/);
    rmSync(join(app, 'src/up'));
    // Lexically inside (d/s/.. is d), but d/s is the app folder itself, so d/s/.. is its parent.
    mkdirSync(join(app, 'd'));
    symlinkSync('..', join(app, 'd/s'));
    symlinkSync('d/s/..', join(app, 'a'));
    try {
      await assert.rejects(packApp(app), /a is a symbolic link to d\/s\/\.\., outside/);
    } finally {
      rmSync(join(app, 'a'));
      rmSync(join(app, 'd'), { recursive: true });
    }
  });
});

test('exclusionFilter ignores data dirs outside the app and never excludes the app itself', () => {
  const excluded = exclusionFilter('/apps/shop', ['/elsewhere/data', '/apps/shop', '../shop-data']);
  assert.equal(excluded('gust.yaml'), false);
  assert.equal(excluded('src/index.js'), false);
  assert.equal(excluded('.git'), true);
  assert.equal(excluded('deep/down/.gust/x'), true);
  assert.equal(excluded('.gusty/x'), false);
});
