import assert from 'node:assert/strict';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FakeClock } from '../core/clock.js';
import { GustError } from '../core/errors.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { createLocalCodeStore } from './code-store.js';
import type { FunctionRegistry } from './control-plane.js';
import { createFunctionRegistry } from './registry.js';

let root: string;
let store: Store;
let registry: FunctionRegistry;
let clock: FakeClock;

function app(name: string, manifest: string, files: Record<string, string> = {}): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'gust.yaml'), manifest);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

async function rejection(promise: Promise<unknown>): Promise<GustError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof GustError, `expected a GustError, got ${error}`);
    return error;
  }
  assert.fail('expected the promise to reject');
}

const HELLO =
  'service: shop\nfunctions:\n  hello:\n    handler: index.handler\n    events:\n      - http: GET /hello\n';

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'gust-registry-'));
  store = createSqliteStore({ path: ':memory:' });
  await store.migrate();
  clock = new FakeClock();
  registry = createFunctionRegistry({
    store,
    code: createLocalCodeStore(join(root, 'data', 'code')),
    clock,
    maxConcurrency: 10,
  });
  await registry.load();
});

afterEach(async () => {
  await store.close();
  rmSync(root, { recursive: true, force: true });
});

describe('function registry', () => {
  it('deploys a function, copies its code and serves $LATEST', async () => {
    const dir = app('a', HELLO, { 'index.js': 'export const handler = () => 1;' });
    const report = await registry.deployDirectory(dir);
    assert.equal(report.service, 'shop');
    assert.equal(report.functions[0]?.changed, true);
    const { version, executedVersion } = registry.resolve('hello');
    assert.equal(executedVersion, '$LATEST');
    const codeDir = registry.codeDir(version);
    assert.equal(readFileSync(join(codeDir, 'index.js'), 'utf8'), 'export const handler = () => 1;');
    assert.equal(statSync(join(codeDir, 'index.js')).mode & 0o222, 0, 'stored code is read-only');
    assert.deepEqual(registry.routes(), [{ method: 'GET', path: '/hello', functionName: 'hello' }]);
  });

  it('treats deploying unchanged code and configuration as a no-op', async () => {
    const dir = app('a', HELLO, { 'index.js': 'x' });
    const first = await registry.deployDirectory(dir);
    let notified = 0;
    registry.onChange(() => notified++);
    const second = await registry.deployDirectory(dir);
    assert.equal(second.functions[0]?.changed, false);
    assert.equal(second.functions[0]?.versionId, first.functions[0]?.versionId);
    assert.equal(notified, 0);
    assert.equal((await registry.get('hello')).versions.length, 1);
  });

  it('creates a new version when the code or the configuration changes', async () => {
    const dir = app('a', HELLO, { 'index.js': 'one' });
    const v1 = (await registry.deployDirectory(dir)).functions[0]?.versionId;
    writeFileSync(join(dir, 'index.js'), 'two');
    const v2 = (await registry.deployDirectory(dir)).functions[0]?.versionId;
    writeFileSync(
      join(dir, 'gust.yaml'),
      HELLO.replace('handler: index.handler', 'handler: index.handler\n    memory: 256'),
    );
    const v3 = (await registry.deployDirectory(dir)).functions[0]?.versionId;
    assert.equal(new Set([v1, v2, v3]).size, 3);
    assert.equal(registry.resolve('hello').version.versionId, v3);
  });

  it('publishes numbered versions that stay on their code', async () => {
    const dir = app('a', HELLO, { 'index.js': 'one' });
    await registry.deployDirectory(dir);
    const p1 = await registry.publish('hello');
    assert.equal(p1.number, 1);
    writeFileSync(join(dir, 'index.js'), 'two');
    await registry.deployDirectory(dir);
    const one = registry.resolve('hello', '1');
    assert.equal(one.executedVersion, '1');
    assert.equal(readFileSync(join(registry.codeDir(one.version), 'index.js'), 'utf8'), 'one');
    assert.equal(
      readFileSync(join(registry.codeDir(registry.resolve('hello').version), 'index.js'), 'utf8'),
      'two',
    );
    assert.equal((await registry.publish('hello')).number, 2);
    assert.deepEqual(
      new Set(registry.liveVersionIds('hello')),
      new Set([one.version.versionId, registry.resolve('hello').version.versionId]),
      'the live versions are $LATEST and the published ones',
    );
  });

  it('answers unknown functions, versions and malformed qualifiers with distinct errors', async () => {
    await registry.deployDirectory(app('a', HELLO, { 'index.js': 'x' }));
    assert.throws(() => registry.resolve('nope'), { code: 'ERR_FUNCTION_NOT_FOUND' });
    assert.throws(() => registry.resolve('hello', '7'), { code: 'ERR_VERSION_NOT_FOUND' });
    assert.throws(() => registry.resolve('hello', 'live'), { code: 'ERR_VERSION_NOT_FOUND' });
    assert.throws(() => registry.resolve('hello', 'bad qualifier!'), { code: 'ERR_INVALID_QUALIFIER' });
  });

  it('removes functions that the manifest no longer declares', async () => {
    const dir = app('a', `${HELLO}  bye:\n    handler: index.bye\n`, { 'index.js': 'x' });
    await registry.deployDirectory(dir);
    writeFileSync(join(dir, 'gust.yaml'), HELLO);
    const report = await registry.deployDirectory(dir);
    assert.deepEqual(report.removed, ['bye']);
    assert.deepEqual(
      registry.list().map((f) => f.name),
      ['hello'],
    );
    assert.equal(await store.functions.getFunction('bye'), undefined);
  });

  it('keeps what is deployed across a reload from the store', async () => {
    await registry.deployDirectory(app('a', HELLO, { 'index.js': 'x' }));
    await registry.publish('hello');
    const again = createFunctionRegistry({
      store,
      code: createLocalCodeStore(join(root, 'data', 'code')),
      clock,
      maxConcurrency: 10,
    });
    await again.load();
    assert.equal(again.resolve('hello', '1').executedVersion, '1');
    assert.deepEqual(again.routes(), registry.routes());
  });

  it('rejects a code folder outside the app and symlinks that leave it', async () => {
    const outside = await rejection(
      registry.deployDirectory(app('a', 'service: s\nfunctions:\n  f: { handler: i.h, code: ../other }\n')),
    );
    assert.equal(outside.code, 'ERR_INVALID_CODE');
    assert.match(outside.message, /outside the app folder/);

    const dir = app('b', HELLO, { 'index.js': 'x' });
    symlinkSync('/etc/passwd', join(dir, 'passwd'));
    const link = await rejection(registry.deployDirectory(dir));
    assert.equal(link.code, 'ERR_INVALID_CODE');
    assert.match(link.message, /symlink passwd points outside the folder/);
    assert.throws(() => registry.resolve('hello'), { code: 'ERR_FUNCTION_NOT_FOUND' });
  });

  it('keeps symlinks that stay inside the code folder', async () => {
    const dir = app('a', HELLO, { 'lib/real.js': 'export const handler = () => 1;' });
    symlinkSync('lib/real.js', join(dir, 'index.js'));
    await registry.deployDirectory(dir);
    const codeDir = registry.codeDir(registry.resolve('hello').version);
    assert.equal(readFileSync(join(codeDir, 'index.js'), 'utf8'), 'export const handler = () => 1;');
  });

  it('requires an executable bootstrap for the provided runtime', async () => {
    const manifest = 'service: s\nfunctions:\n  f: { runtime: provided, code: fn }\n';
    const dir = app('a', manifest, { 'fn/bootstrap': '#!/bin/sh\n' });
    const error = await rejection(registry.deployDirectory(dir));
    assert.match(error.message, /executable file named bootstrap/);
    chmodSync(join(dir, 'fn', 'bootstrap'), 0o755);
    await registry.deployDirectory(dir);
    assert.equal(registry.resolve('f').version.config.runtime, 'provided');
  });

  it('refuses a function name or route that another service owns', async () => {
    await registry.deployDirectory(app('a', HELLO, { 'index.js': 'x' }));
    const name = await rejection(registry.deployDirectory(app('b', HELLO.replace('shop', 'other'))));
    assert.equal(name.code, 'ERR_CONFLICT');
    const route = await rejection(
      registry.deployDirectory(app('c', HELLO.replace('shop', 'other').replace('hello:', 'hi:'))),
    );
    assert.match(route.message, /route GET \/hello .* already served by function 'hello'/);
  });

  it('refuses more reserved concurrency than the platform limit', async () => {
    const dir = app('a', 'service: s\nfunctions:\n  f: { handler: i.h, reservedConcurrency: 11 }\n');
    const error = await rejection(registry.deployDirectory(dir));
    assert.equal(error.code, 'ERR_INVALID_MANIFEST');
    assert.match(error.message, /adds up to 11 .* limit of 10/);
  });

  it('deletes a function with its versions', async () => {
    await registry.deployDirectory(app('a', HELLO, { 'index.js': 'x' }));
    await registry.delete('hello');
    assert.throws(() => registry.resolve('hello'), { code: 'ERR_FUNCTION_NOT_FOUND' });
    assert.deepEqual(registry.routes(), []);
    await assert.rejects(registry.delete('hello'), { code: 'ERR_FUNCTION_NOT_FOUND' });
  });
});
