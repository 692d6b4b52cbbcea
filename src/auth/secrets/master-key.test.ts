import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { inspect, promisify } from 'node:util';
import { isGustError } from '../../core/errors.js';
import { loadMasterKey, MASTER_KEY_ENV, masterKeyFromBytes } from './master-key.js';

const posix = process.platform !== 'win32';
let root: string;
let dirs = 0;
const freshDir = () => join(root, `data-${++dirs}`);

before(() => {
  root = mkdtempSync(join(tmpdir(), 'gust-master-key-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

function assertMasterKeyError(error: unknown, ...fragments: string[]): true {
  assert.ok(isGustError(error), `expected a GustError, got ${String(error)}`);
  assert.equal(error.code, 'ERR_MASTER_KEY');
  assert.equal(error.status, 500);
  for (const fragment of fragments)
    assert.ok(error.message.includes(fragment), `"${error.message}" mentions ${fragment}`);
  return true;
}

describe('loadMasterKey', () => {
  it('creates a 32-byte key file readable only by its owner on first start, and loads the same key after', async () => {
    const dataDir = freshDir();
    const first = await loadMasterKey({ dataDir, env: {} });
    const path = join(dataDir, 'master.key');
    assert.equal(first.source, 'file');
    assert.equal(first.path, path);
    assert.equal(readFileSync(path).length, 32);
    if (posix) assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.match(first.id, /^[0-9a-f]{8}$/);
    const second = await loadMasterKey({ dataDir, env: {} });
    assert.equal(second.id, first.id);
    assert.deepEqual(second.key.export(), first.key.export());
    assert.deepEqual(readdirSync(dataDir), ['master.key'], 'no temporary file is left behind');
  });

  it('creates the key file with mode 0600 even when the umask would allow more', {
    skip: !posix,
  }, async () => {
    const previous = process.umask(0);
    try {
      const dataDir = freshDir();
      await loadMasterKey({ dataDir, env: {} });
      assert.equal(statSync(join(dataDir, 'master.key')).mode & 0o777, 0o600);
    } finally {
      process.umask(previous);
    }
  });

  it('names a key by the first 8 hex digits of its SHA-256, as sha256sum would', () => {
    const bytes = Buffer.alloc(32, 1);
    // printf '\x01%.0s' {1..32} | sha256sum
    assert.equal(masterKeyFromBytes(bytes).id, '72cd6e84');
  });

  it('uses GUST_MASTER_KEY instead of the file when it is set, and creates no file', async () => {
    const dataDir = freshDir();
    const fileKey = await loadMasterKey({ dataDir, env: {} });
    const bytes = randomBytes(32);
    const key = await loadMasterKey({ dataDir, env: { [MASTER_KEY_ENV]: `${bytes.toString('base64')}\n` } });
    assert.equal(key.source, 'env');
    assert.equal(key.path, undefined);
    assert.deepEqual(key.key.export(), bytes);
    assert.notEqual(key.id, fileKey.id);

    const other = freshDir();
    await loadMasterKey({ dataDir: other, env: { [MASTER_KEY_ENV]: bytes.toString('base64') } });
    assert.throws(() => statSync(other), { code: 'ENOENT' });
  });

  it('rejects a GUST_MASTER_KEY that is not base64 of 32 bytes, saying the format and how to make one, without echoing it', async () => {
    const bad = [
      '',
      'not-a-key',
      randomBytes(16).toString('base64'),
      randomBytes(33).toString('base64'),
      randomBytes(32).toString('hex'),
      `-${randomBytes(32).toString('base64').slice(1)}`, // base64url alphabet
      `${randomBytes(32).toString('base64').slice(0, 40)} ${randomBytes(3).toString('base64')}`,
    ];
    for (const value of bad) {
      await assert.rejects(
        loadMasterKey({ dataDir: freshDir(), env: { [MASTER_KEY_ENV]: value } }),
        (error) => {
          assertMasterKeyError(error, MASTER_KEY_ENV, 'base64', '32', 'openssl rand -base64 32');
          if (value !== '')
            assert.ok(!(error as Error).message.includes(value), 'the value is not in the message');
          return true;
        },
      );
    }
  });

  it('refuses a key file that group or others can read, and says to chmod 600 it', {
    skip: !posix,
  }, async () => {
    for (const mode of [0o644, 0o640, 0o604, 0o660]) {
      const dataDir = freshDir();
      const first = await loadMasterKey({ dataDir, env: {} });
      const path = join(dataDir, 'master.key');
      chmodSync(path, mode);
      await assert.rejects(loadMasterKey({ dataDir, env: {} }), (error) =>
        assertMasterKeyError(error, `chmod 600 ${path}`, mode.toString(8)),
      );
      chmodSync(path, 0o600);
      assert.equal((await loadMasterKey({ dataDir, env: {} })).id, first.id, 'after the fix it loads');
    }
  });

  it('refuses a key file that is not 32 bytes and does not replace it', async () => {
    const dataDir = freshDir();
    await loadMasterKey({ dataDir, env: {} });
    const path = join(dataDir, 'master.key');
    for (const size of [0, 31, 33, 44]) {
      writeFileSync(path, randomBytes(size), { mode: 0o600 });
      await assert.rejects(loadMasterKey({ dataDir, env: {} }), (error) =>
        assertMasterKeyError(error, path, `${size} bytes`, 'backup'),
      );
      assert.equal(readFileSync(path).length, size, 'the file is left as it was');
    }
  });

  it('says how to fix a data directory that is not one', async () => {
    const blocker = join(root, `blocker-${++dirs}`);
    writeFileSync(blocker, '');
    await assert.rejects(loadMasterKey({ dataDir: join(blocker, 'data'), env: {} }), (error) =>
      assertMasterKeyError(error, 'Cannot read', 'data directory', 'chmod 600'),
    );
  });

  // Root may write to any directory, so this can only be shown as another user.
  it('says how to fix a data directory it cannot create the key in', {
    skip: !posix || process.getuid?.() === 0,
  }, async () => {
    const dataDir = freshDir();
    mkdirSync(dataDir, { mode: 0o500 });
    try {
      await assert.rejects(loadMasterKey({ dataDir, env: {} }), (error) =>
        assertMasterKeyError(error, 'Cannot create', 'writable', MASTER_KEY_ENV, 'openssl rand -base64 32'),
      );
    } finally {
      chmodSync(dataDir, 0o700);
    }
  });

  it('ends with one key when several loads race to create it', async () => {
    for (let round = 0; round < 10; round++) {
      const dataDir = freshDir();
      const keys = await Promise.all(Array.from({ length: 8 }, () => loadMasterKey({ dataDir, env: {} })));
      const onDisk = masterKeyFromBytes(readFileSync(join(dataDir, 'master.key')));
      assert.deepEqual(new Set(keys.map((k) => k.id)), new Set([onDisk.id]));
      assert.deepEqual(readdirSync(dataDir), ['master.key']);
    }
  });

  it('ends with one key when several processes start at once on an empty data directory', async () => {
    const dataDir = freshDir();
    const module = new URL('./master-key.js', import.meta.url).href;
    const script = `const { loadMasterKey } = await import(${JSON.stringify(module)});
      const key = await loadMasterKey({ dataDir: ${JSON.stringify(dataDir)}, env: {} });
      process.stdout.write(key.id);`;
    const run = promisify(execFile);
    const results = await Promise.all(
      Array.from({ length: 4 }, () => run(process.execPath, ['--input-type=module', '-e', script])),
    );
    const onDisk = masterKeyFromBytes(readFileSync(join(dataDir, 'master.key')));
    assert.deepEqual(
      results.map((r) => r.stdout),
      Array.from({ length: 4 }, () => onDisk.id),
    );
  });

  it('never shows the key bytes when a MasterKey is logged or serialized', async () => {
    const bytes = randomBytes(32);
    const key = await loadMasterKey({
      dataDir: freshDir(),
      env: { [MASTER_KEY_ENV]: bytes.toString('base64') },
    });
    for (const shown of [JSON.stringify(key), inspect(key, { depth: 10, showHidden: true }), String(key)]) {
      for (const form of [bytes.toString('base64'), bytes.toString('hex'), bytes.toString('base64url')]) {
        assert.ok(!shown.includes(form), `${shown} has no key bytes`);
      }
    }
  });
});
