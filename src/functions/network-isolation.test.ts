import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FakeClock } from '../core/clock.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { createLocalCodeStore } from './code-store.js';
import type { FunctionRegistry } from './control-plane.js';
import { isolatedNetworkFunctions, networkIsolationHook, productionDeployHook } from './network-isolation.js';
import { createFunctionRegistry } from './registry.js';

const MANIFEST = `service: shop
functions:
  scrape: { handler: index.handler }
  render: { handler: index.handler, network: none }
  convert: { handler: index.handler, network: none }
`;

describe('network isolation warnings', () => {
  let root: string;
  let store: Store;
  let logged: string[];

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'gust-network-'));
    writeFileSync(join(root, 'index.js'), 'export const handler = () => 1;');
    store = createSqliteStore({ path: ':memory:' });
    await store.migrate();
    logged = [];
  });
  afterEach(async () => {
    await store.close();
    rmSync(root, { recursive: true, force: true });
  });

  async function registryWith(sandbox: 'bwrap' | 'none'): Promise<FunctionRegistry> {
    const registry = createFunctionRegistry({
      store,
      code: createLocalCodeStore(join(root, '.gust', 'code')),
      clock: new FakeClock(),
      maxConcurrency: 10,
    });
    await registry.load();
    registry.addDeployHook(networkIsolationHook(sandbox, (line) => logged.push(line)));
    return registry;
  }

  it('warns at deploy, naming every function whose network: none is not enforced, and still deploys', async () => {
    writeFileSync(join(root, 'gust.yaml'), MANIFEST);
    const registry = await registryWith('none');
    const report = await registry.deployDirectory(root);
    assert.equal(report.functions.length, 3);
    assert.equal(report.warnings?.length, 1);
    assert.match(
      report.warnings?.[0] ?? '',
      /network: none is NOT enforced for convert, render: .*--sandbox/,
    );
    assert.deepEqual(logged, [`gust: WARNING: ${report.warnings?.[0]}`]);
    assert.deepEqual(isolatedNetworkFunctions(registry.list()), ['convert', 'render']);
  });

  it('says nothing when instances are sandboxed or no function asks for network: none', async () => {
    writeFileSync(join(root, 'gust.yaml'), MANIFEST);
    assert.equal((await (await registryWith('bwrap')).deployDirectory(root)).warnings, undefined);
    writeFileSync(
      join(root, 'gust.yaml'),
      'service: shop\nfunctions:\n  scrape: { handler: index.handler }\n',
    );
    assert.equal((await (await registryWith('none')).deployDirectory(root)).warnings, undefined);
    assert.deepEqual(logged, []);
  });
});

describe('provider.production', () => {
  const app = (production: boolean) => ({
    service: 'shop',
    file: 'gust.yaml',
    functions: [],
    queues: [],
    rules: [],
    production,
  });

  it('refuses to deploy a production app on an unsandboxed Gust, saying how to fix it', async () => {
    await assert.rejects(productionDeployHook('none', false).check?.(app(true)) ?? Promise.resolve(), {
      code: 'ERR_SANDBOX_REQUIRED',
      message: /provider\.production: true.*--sandbox/,
    });
  });

  it('deploys it when sandboxed, or when the operator allowed unsandboxed instances', async () => {
    await productionDeployHook('bwrap', false).check?.(app(true));
    await productionDeployHook('none', true).check?.(app(true));
    await productionDeployHook('none', false).check?.(app(false));
  });
});
