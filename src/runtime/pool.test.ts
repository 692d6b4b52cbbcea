import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { FakeClock } from '../core/clock.js';
import { isGustError } from '../core/errors.js';
import { createInstancePool, type InstancePoolDeps } from './pool.js';
import {
  childPids,
  makeTempDir,
  processExists,
  removeDir,
  request,
  specFor,
  waitFor,
  writeFunction,
} from './test-support.js';
import type { AcquireResult, FunctionSpec, Instance, InstancePool, PoolInstanceInfo } from './types.js';

const IDLE_MS = 60_000;

let root: string;
let codeDir: string;
let clock: FakeClock;
let pool: InstancePool;
let dataDir: string;
let pools = 0;

function newPool(overrides: Partial<InstancePoolDeps> = {}): InstancePool {
  dataDir = join(root, `data-${++pools}`);
  pool = createInstancePool({
    clock,
    dataDir,
    genericPoolSize: 0,
    idleTimeoutMs: IDLE_MS,
    ...overrides,
  });
  return pool;
}

function spec(overrides: Partial<FunctionSpec> = {}): FunctionSpec {
  return specFor(codeDir, { functionName: 'pooled', versionId: 'v1', ...overrides });
}

async function acquireOk(s: FunctionSpec): Promise<Extract<AcquireResult, { ok: true }>> {
  const acquired = await pool.acquire(s, () => {});
  if (!acquired.ok) assert.fail(`acquire failed: ${JSON.stringify(acquired.error)}`);
  return acquired;
}

async function run(instance: Instance): Promise<{ pid: number; initType: string }> {
  const outcome = await instance.invoke(request(), () => {});
  if (!outcome.ok) assert.fail(JSON.stringify(outcome.error));
  return JSON.parse(outcome.payload);
}

const provisioned = (): PoolInstanceInfo[] => pool.stats().instances.filter((i) => i.provisioned);

describe('instance pool', () => {
  before(() => {
    root = makeTempDir('pool');
    codeDir = writeFunction(root, 'fn', {
      'index.mjs': `export const handler = async () => ({ pid: process.pid, initType: process.env.AWS_LAMBDA_INITIALIZATION_TYPE });`,
    });
  });

  afterEach(async () => {
    await pool.stop();
  });

  after(() => removeDir(root));

  it('stops an instance idle for idleTimeoutMs: its process and tmp dir are gone', async () => {
    clock = new FakeClock();
    newPool();
    const { instance } = await acquireOk(spec());
    const { pid } = await run(instance);
    pool.release(instance);
    const tmpDir = join(dataDir, 'tmp', instance.id);
    assert.ok(existsSync(tmpDir));

    clock.advance(IDLE_MS - 1);
    assert.ok(processExists(pid), 'still warm just before the timeout');
    assert.equal(pool.stats().instances.length, 1);

    clock.advance(1);
    await waitFor(() => !processExists(pid), 'the idle process to exit');
    await waitFor(() => pool.stats().instances.length === 0, 'the instance to leave the pool');
    await waitFor(() => !existsSync(tmpDir), 'the instance tmp dir to be removed');
    const acquired = await acquireOk(spec());
    assert.equal(acquired.cold, true, 'scaled to zero: the next acquire is cold');
    pool.release(acquired.instance);
  });

  it('keeps provisioned instances past the idle timeout, replaces ones that die, and scales to zero at 0', async () => {
    clock = new FakeClock();
    newPool();
    const s = spec();
    pool.setProvisioned(s, 2);
    await waitFor(() => provisioned().filter((i) => !i.busy).length === 2, 'two provisioned instances');

    const warm = await acquireOk(s);
    assert.equal(warm.cold, false, 'a provisioned instance serves without a cold start');
    assert.equal((await run(warm.instance)).initType, 'provisioned-concurrency');
    pool.release(warm.instance);

    clock.advance(IDLE_MS * 10);
    const before = provisioned().map((i) => i.pid);
    assert.equal(before.length, 2);
    assert.ok(
      before.every((pid) => processExists(pid)),
      'provisioned instances ignore the idle timeout',
    );

    const victim = before[0]!;
    process.kill(victim, 'SIGKILL');
    await waitFor(() => {
      const now = provisioned();
      return now.length === 2 && !now.some((i) => i.pid === victim);
    }, 'the dead provisioned instance to be replaced');

    pool.setProvisioned(s, 0);
    assert.equal(provisioned().length, 0);
    clock.advance(IDLE_MS);
    await waitFor(() => pool.stats().instances.length === 0, 'unprovisioned instances to scale to zero');
  });

  it('moves provisioning to a new version and retires the old version', async () => {
    clock = new FakeClock();
    newPool();
    pool.setProvisioned(spec({ versionId: 'v1' }), 1);
    await waitFor(() => provisioned().length === 1, 'v1 provisioned');
    const oldPid = provisioned()[0]?.pid;
    pool.setProvisioned(spec({ versionId: 'v2' }), 1);
    await waitFor(
      () => pool.stats().instances.every((i) => i.versionId === 'v2') && provisioned().length === 1,
      'only v2 instances, provisioned',
    );
    await waitFor(() => !processExists(oldPid), 'the v1 process to exit');
  });

  it('gives a cold acquire a pre-started generic process and refills the generic pool', async () => {
    clock = new FakeClock();
    newPool({ genericPoolSize: 1 });
    await pool.start();
    assert.equal(pool.stats().genericReady, 1);
    const prestarted = childPids();
    const { instance, cold } = await acquireOk(spec());
    assert.equal(cold, true);
    const { pid } = await run(instance);
    assert.ok(prestarted.includes(pid), 'the instance is the process started before the acquire');
    await waitFor(() => pool.stats().genericReady === 1, 'the generic pool to refill');
    pool.release(instance);
  });

  it('scales out for concurrent acquires and reuses the most recently used idle instance', async () => {
    clock = new FakeClock();
    newPool();
    const s = spec();
    const [a, b] = await Promise.all([acquireOk(s), acquireOk(s)]);
    assert.notEqual(a.instance, b.instance);
    pool.release(a.instance);
    clock.advance(1);
    pool.release(b.instance);
    const next = await acquireOk(s);
    assert.equal(next.instance, b.instance);
    pool.release(next.instance);
  });

  it('keeps $LATEST and a published version apart even when they share the code', async () => {
    clock = new FakeClock();
    newPool();
    const latest = await acquireOk(spec({ executedVersion: '$LATEST' }));
    pool.release(latest.instance);
    const published = await acquireOk(spec({ executedVersion: '3' }));
    assert.equal(published.cold, true);
    assert.notEqual(published.instance, latest.instance);
    pool.release(published.instance);
  });

  it('retires idle instances of other versions now and busy ones when released', async () => {
    clock = new FakeClock();
    newPool();
    const idle = await acquireOk(spec({ versionId: 'old-idle' }));
    const busy = await acquireOk(spec({ versionId: 'old-busy' }));
    const kept = await acquireOk(spec({ versionId: 'new' }));
    pool.release(idle.instance);
    pool.release(kept.instance);

    pool.retire('pooled', ['new']);
    await waitFor(() => !idle.instance.alive, 'the idle old instance to stop');
    assert.equal(busy.instance.alive, true, 'a busy instance finishes its invocation');
    await run(busy.instance);
    pool.release(busy.instance);
    await waitFor(() => !busy.instance.alive, 'the busy old instance to stop on release');
    assert.equal(kept.instance.alive, true);
    assert.equal((await acquireOk(spec({ versionId: 'new' }))).instance, kept.instance);
    pool.release(kept.instance);
  });

  it('stops every process, removes the tmp dirs and refuses new work', async () => {
    clock = new FakeClock();
    newPool({ genericPoolSize: 1 });
    await pool.start();
    const { instance } = await acquireOk(spec());
    const { pid } = await run(instance);
    const pids = [...childPids()];
    assert.ok(readdirSync(join(dataDir, 'tmp')).length >= 1);

    await pool.stop();
    assert.ok(!processExists(pid));
    assert.ok(
      pids.every((p) => !processExists(p)),
      'generic processes are stopped too',
    );
    assert.ok(!existsSync(join(dataDir, 'tmp')), 'per-instance tmp dirs are removed');
    await assert.rejects(
      pool.acquire(spec(), () => {}),
      (error) => isGustError(error) && error.code === 'ERR_SHUTTING_DOWN',
    );
  });
});
