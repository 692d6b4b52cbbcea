import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../core/clock.js';
import { GustError } from '../core/errors.js';
import { sequentialIds } from '../core/ids.js';
import type { FunctionConfig, FunctionVersion, InvocationRecord, LogEntry } from '../core/types.js';
import type { FunctionRegistry, FunctionSummary } from '../functions/control-plane.js';
import type {
  AcquireResult,
  FunctionSpec,
  Instance,
  InstancePool,
  InvokeOutcome,
  InvokeRequest,
  LogListener,
} from '../runtime/types.js';
import { createInvoker } from './invoker.js';
import type { Recorder } from './recorder.js';

function version(name: string, config: Partial<FunctionConfig> = {}): FunctionVersion {
  return {
    functionName: name,
    versionId: `${name}-v1`,
    codeHash: 'hash',
    codeSizeBytes: 1,
    createdAt: 0,
    config: {
      runtime: 'nodejs20.x',
      handler: 'index.handler',
      memoryMB: 128,
      timeoutSec: 3,
      environment: {},
      routes: [],
      ...config,
    },
  };
}

function fakeRegistry(versions: FunctionVersion[]): FunctionRegistry {
  const byName = new Map(versions.map((v) => [v.functionName, v]));
  const summaries = (): FunctionSummary[] =>
    versions.map((v) => ({
      name: v.functionName,
      service: 's',
      latestVersionId: v.versionId,
      createdAt: 0,
      updatedAt: 0,
      config: v.config,
    }));
  return {
    load: async () => {},
    deployDirectory: async () => assert.fail('not used'),
    resolve(name, qualifier) {
      const v = byName.get(name);
      if (!v) throw new GustError('ERR_FUNCTION_NOT_FOUND', `Function '${name}' does not exist.`);
      return { version: v, executedVersion: qualifier ?? '$LATEST' };
    },
    codeDir: () => '/code',
    list: summaries,
    get: async (name) => ({ ...summaries().find((s) => s.name === name)!, versions: [], published: [] }),
    delete: async () => {},
    publish: async () => assert.fail('not used'),
    routes: () => [],
    onChange: () => () => {},
    addDeployHook: () => {},
    liveVersionIds: (name) => [byName.get(name)?.versionId ?? ''].filter(Boolean),
  };
}

/** An instance whose invocations the test settles by hand. */
class FakeInstance implements Instance {
  readonly id = 'i1';
  alive = true;
  killed: string | undefined;
  requests: InvokeRequest[] = [];
  #settle: ((o: InvokeOutcome) => void) | undefined;
  constructor(readonly spec: FunctionSpec) {}
  invoke(request: InvokeRequest, onLog: LogListener): Promise<InvokeOutcome> {
    this.requests.push(request);
    onLog({ time: 1, stream: 'stdout', level: 'INFO', message: `handling ${request.requestId}` });
    return new Promise((resolve) => {
      this.#settle = resolve;
    });
  }
  finish(outcome: InvokeOutcome) {
    this.#settle?.(outcome);
  }
  kill(reason: string) {
    this.killed = reason;
    this.alive = false;
    this.finish({
      ok: false,
      fatal: true,
      maxMemoryUsedMB: null,
      error: { errorType: 'Runtime.ExitError', errorMessage: 'killed' },
    });
  }
}

function fakePool(initError?: AcquireResult) {
  const instances: FakeInstance[] = [];
  const released: FakeInstance[] = [];
  const provisioned: [string, number][] = [];
  const pool: InstancePool = {
    async acquire(spec) {
      if (initError) return initError;
      const instance = new FakeInstance(spec);
      instances.push(instance);
      return {
        ok: true,
        instance,
        cold: instances.length === 1,
        initDurationMs: instances.length === 1 ? 12.5 : null,
      };
    },
    release: (i) => void released.push(i as FakeInstance),
    setProvisioned: (spec, n) => void provisioned.push([spec.functionName, n]),
    retire: () => {},
    stats: () => ({ genericReady: 0, instances: [] }),
    start: async () => {},
    stop: async () => {},
  };
  return { pool, instances, released, provisioned };
}

function fakeRecorder() {
  const logs: LogEntry[] = [];
  const records: InvocationRecord[] = [];
  const recorder: Recorder = {
    log: (e) => void logs.push(e),
    record: (r) => void records.push(r),
    flush: async () => {},
    start: () => {},
    stop: async () => {},
  };
  return { recorder, logs, records };
}

function setup(
  versions: FunctionVersion[],
  options: { maxConcurrency?: number; initError?: AcquireResult } = {},
) {
  const clock = new FakeClock();
  const pool = fakePool(options.initError);
  const rec = fakeRecorder();
  const enqueued: {
    functionName: string;
    qualifier: string;
    payload: string;
    requestId: string;
    trigger: string;
  }[] = [];
  const invoker = createInvoker({
    enqueueAsync: async (job) => {
      enqueued.push(job);
    },
    registry: fakeRegistry(versions),
    pool: pool.pool,
    recorder: rec.recorder,
    clock,
    ids: sequentialIds('req'),
    maxConcurrency: options.maxConcurrency ?? 10,
    region: 'us-east-1',
    accountId: '000000000000',
  });
  return { clock, invoker, enqueued, ...pool, ...rec };
}

/** Lets pending promise callbacks run. */
const tick = () => new Promise((r) => setImmediate(r));

describe('invoker', () => {
  it('runs a function and records a cold invocation with START, END and REPORT lines', async () => {
    const t = setup([version('hello', { memoryMB: 256 })]);
    await t.invoker.start();
    const pending = t.invoker.invoke('hello', '{"a":1}', { trigger: 'invoke', logTail: true });
    await tick();
    const instance = t.instances[0]!;
    assert.equal(instance.requests[0]?.payload, '{"a":1}');
    assert.equal(
      instance.requests[0]?.invokedFunctionArn,
      'arn:aws:lambda:us-east-1:000000000000:function:hello',
    );
    instance.finish({ ok: true, payload: '"hi"', maxMemoryUsedMB: 40 });
    const result = await pending;
    assert.equal(result.status, 'success');
    assert.equal(result.payload, '"hi"');
    assert.equal(result.requestId, 'req-1');
    assert.equal(result.cold, true);
    assert.deepEqual(t.released, [instance]);
    const messages = t.logs.map((l) => l.message);
    assert.equal(messages[0], 'START RequestId: req-1 Version: $LATEST');
    assert.equal(messages[1], 'handling req-1');
    assert.equal(messages[2], 'END RequestId: req-1');
    assert.match(
      messages[3] ?? '',
      /^REPORT RequestId: req-1\tDuration: .* ms\tBilled Duration: 1 ms\tMemory Size: 256 MB\tMax Memory Used: 40 MB\tInit Duration: 12.50 ms$/,
    );
    assert.match(result.logTail ?? '', /handling req-1[\s\S]*REPORT RequestId: req-1/);
    const [record] = t.records;
    assert.equal(record?.status, 'success');
    assert.equal(record?.cold, true);
    assert.equal(record?.initDurationMs, 12.5);
    assert.equal(record?.maxMemoryUsedMB, 40);
    assert.equal(record?.trigger, 'invoke');
  });

  it('kills the instance when the timeout passes and reports Sandbox.Timedout', async () => {
    const t = setup([version('slow', { timeoutSec: 2 })]);
    const pending = t.invoker.invoke('slow', '{}', { trigger: 'http' });
    await tick();
    t.clock.advance(1999);
    assert.equal(t.instances[0]?.killed, undefined);
    t.clock.advance(1);
    const result = await pending;
    assert.equal(t.instances[0]?.killed, 'timeout');
    assert.equal(result.status, 'timeout');
    assert.deepEqual(result.error, {
      errorType: 'Sandbox.Timedout',
      errorMessage: 'RequestId: req-1 Error: Task timed out after 2.00 seconds',
    });
    assert.equal(t.records[0]?.status, 'timeout');
    assert.ok(t.logs.some((l) => /Task timed out after 2.00 seconds/.test(l.message)));
  });

  it('answers 429 at once beyond reserved concurrency, and counts the throttle', async () => {
    const t = setup([version('busy', { reservedConcurrency: 1 })]);
    await t.invoker.start();
    const first = t.invoker.invoke('busy', '{}', { trigger: 'invoke' });
    await tick();
    await assert.rejects(t.invoker.invoke('busy', '{}', { trigger: 'invoke' }), (error: GustError) => {
      assert.equal(error.code, 'ERR_TOO_MANY_REQUESTS');
      assert.equal(error.awsType, 'TooManyRequestsException');
      assert.equal(error.headers?.['Retry-After'], '1');
      assert.match(error.message, /reserved concurrency of 1/);
      return true;
    });
    assert.equal(t.invoker.counters().throttles, 1);
    t.instances[0]?.finish({ ok: true, payload: 'null', maxMemoryUsedMB: null });
    await first;
    const again = t.invoker.invoke('busy', '{}', { trigger: 'invoke' });
    await tick();
    t.instances[1]?.finish({ ok: true, payload: 'null', maxMemoryUsedMB: null });
    assert.equal((await again).status, 'success');
  });

  it('answers 429 beyond the platform-wide limit', async () => {
    const t = setup([version('a'), version('b')], { maxConcurrency: 1 });
    void t.invoker.invoke('a', '{}', { trigger: 'invoke' });
    await tick();
    await assert.rejects(t.invoker.invoke('b', '{}', { trigger: 'invoke' }), {
      code: 'ERR_TOO_MANY_REQUESTS',
    });
  });

  it('reports an init failure as the invocation error', async () => {
    const t = setup([version('broken')], {
      initError: {
        ok: false,
        initDurationMs: 3,
        error: { errorType: 'Runtime.ImportModuleError', errorMessage: 'Error: Cannot find module' },
      },
    });
    const result = await t.invoker.invoke('broken', '{}', { trigger: 'invoke' });
    assert.equal(result.status, 'error');
    assert.equal(result.error?.errorType, 'Runtime.ImportModuleError');
    assert.equal(t.records[0]?.errorType, 'Runtime.ImportModuleError');
    assert.equal(t.records[0]?.cold, true);
    assert.ok(t.logs.some((l) => l.level === 'ERROR' && l.message.includes('Runtime.ImportModuleError')));
  });

  it('records a function error with its type and message', async () => {
    const t = setup([version('fails')]);
    const pending = t.invoker.invoke('fails', '{}', { trigger: 'invoke' });
    await tick();
    t.instances[0]?.finish({
      ok: false,
      fatal: false,
      maxMemoryUsedMB: 30,
      error: { errorType: 'TypeError', errorMessage: 'x is not a function' },
    });
    const result = await pending;
    assert.equal(result.status, 'error');
    assert.equal(t.records[0]?.errorType, 'TypeError');
    assert.equal(t.records[0]?.errorMessage, 'x is not a function');
    assert.equal(t.invoker.counters().errors, 1);
  });

  it('hands Event invocations to the async queue and answers at once', async () => {
    const t = setup([version('later')]);
    const accepted = await t.invoker.invoke('later', '{"x":1}', {
      trigger: 'invoke',
      invocationType: 'Event',
      qualifier: '3',
    });
    assert.equal(accepted.status, 'accepted');
    assert.equal(t.instances.length, 0, 'nothing runs in the request');
    assert.deepEqual(t.enqueued, [
      {
        functionName: 'later',
        qualifier: '3',
        payload: '{"x":1}',
        requestId: accepted.requestId,
        trigger: 'async',
      },
    ]);
  });

  it('refuses an Event invocation of an unknown function before enqueueing it', async () => {
    const t = setup([version('x')]);
    await assert.rejects(t.invoker.invoke('nope', '{}', { trigger: 'invoke', invocationType: 'Event' }), {
      code: 'ERR_FUNCTION_NOT_FOUND',
    });
    assert.equal(t.enqueued.length, 0);
  });

  it('checks the function on DryRun without running it', async () => {
    const t = setup([version('x')]);
    assert.equal(
      (await t.invoker.invoke('x', '{}', { trigger: 'invoke', invocationType: 'DryRun' })).status,
      'dry-run',
    );
    assert.equal(t.instances.length, 0);
    await assert.rejects(t.invoker.invoke('nope', '{}', { trigger: 'invoke', invocationType: 'DryRun' }), {
      code: 'ERR_FUNCTION_NOT_FOUND',
    });
  });

  it('keeps provisioned instances in step with the registry on start', async () => {
    const t = setup([version('warm', { provisionedConcurrency: 2 }), version('cold')]);
    await t.invoker.start();
    assert.deepEqual(t.provisioned, [
      ['warm', 2],
      ['cold', 0],
    ]);
  });

  it('refuses new work once stopping, after letting running invocations finish', async () => {
    const t = setup([version('x')]);
    const running = t.invoker.invoke('x', '{}', { trigger: 'invoke' });
    await tick();
    const stopped = t.invoker.stop();
    await assert.rejects(t.invoker.invoke('x', '{}', { trigger: 'invoke' }), { code: 'ERR_SHUTTING_DOWN' });
    t.instances[0]?.finish({ ok: true, payload: '1', maxMemoryUsedMB: null });
    assert.equal((await running).payload, '1');
    await stopped;
  });
});
