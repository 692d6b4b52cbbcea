import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '../../core/clock.js';
import { createInstancePool } from '../pool.js';
import {
  logCollector,
  makeTempDir,
  processExists,
  removeDir,
  request,
  specFor,
  waitFor,
  writeFunction,
} from '../test-support.js';
import type { AcquireResult, FunctionSpec, Instance, InstancePool, InvokeOutcome } from '../types.js';

const LEAK_MARKER = 'GUST_TEST_PLATFORM_SECRET';

let root: string;
let pool: InstancePool;

function fn(
  name: string,
  files: Record<string, string>,
  overrides: Partial<FunctionSpec> = {},
): FunctionSpec {
  return specFor(writeFunction(root, name, files), { functionName: name, ...overrides });
}

async function acquireOk(spec: FunctionSpec): Promise<Extract<AcquireResult, { ok: true }>> {
  const acquired = await pool.acquire(spec, () => {});
  if (!acquired.ok) assert.fail(`acquire failed: ${JSON.stringify(acquired.error)}`);
  return acquired;
}

/** Acquires, invokes once with `event`, releases; returns the outcome. */
async function invokeOnce(spec: FunctionSpec, event: unknown = {}): Promise<InvokeOutcome> {
  const { instance } = await acquireOk(spec);
  const outcome = await instance.invoke(request(event), () => {});
  pool.release(instance);
  return outcome;
}

function payloadOf(outcome: InvokeOutcome): unknown {
  if (!outcome.ok) assert.fail(`invocation failed: ${JSON.stringify(outcome.error)}`);
  return JSON.parse(outcome.payload);
}

function errorOf(outcome: InvokeOutcome): Extract<InvokeOutcome, { ok: false }> {
  if (outcome.ok) assert.fail(`expected an error, got ${outcome.payload}`);
  return outcome;
}

async function initError(spec: FunctionSpec) {
  const acquired = await pool.acquire(spec, () => {});
  if (acquired.ok) assert.fail('expected init to fail');
  return acquired.error;
}

describe('Node.js runtime', () => {
  before(async () => {
    process.env[LEAK_MARKER] = 'must-not-leak';
    root = makeTempDir('node-runtime');
    pool = createInstancePool({ clock: systemClock, dataDir: root, memoryPollMs: 20 });
    await pool.start();
  });

  after(async () => {
    await pool.stop();
    delete process.env[LEAK_MARKER];
    removeDir(root);
  });

  it('runs an async handler with the event, a Lambda context and only the Lambda environment', async () => {
    const spec = fn(
      'ctx',
      {
        'index.mjs': `
          import { tmpdir } from 'node:os';
          export const handler = async (event, context) => ({
            event,
            context: { ...context, remaining: context.getRemainingTimeInMillis() },
            env: { ...process.env },
            cwd: process.cwd(),
            tmp: tmpdir(),
          });`,
      },
      {
        memoryMB: 512,
        environment: { GREETING: 'hi', TZ: 'Europe/Paris', AWS_LAMBDA_FUNCTION_NAME: 'spoofed' },
      },
    );
    const clientContext = Buffer.from(JSON.stringify({ client: { app: 'x' } })).toString('base64');
    const { instance } = await acquireOk(spec);
    const req = request({ hello: 'world' }, { clientContext });
    const result = payloadOf(await instance.invoke(req, () => {})) as {
      event: unknown;
      context: Record<string, unknown>;
      env: Record<string, string>;
      cwd: string;
      tmp: string;
    };
    pool.release(instance);

    assert.deepEqual(result.event, { hello: 'world' });
    assert.equal(result.context.functionName, 'ctx');
    assert.equal(result.context.functionVersion, '$LATEST');
    assert.equal(result.context.memoryLimitInMB, '512');
    assert.equal(result.context.awsRequestId, req.requestId);
    assert.equal(result.context.invokedFunctionArn, req.invokedFunctionArn);
    assert.equal(result.context.logGroupName, '/aws/lambda/ctx');
    assert.match(String(result.context.logStreamName), /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    assert.equal(result.context.callbackWaitsForEmptyEventLoop, true);
    assert.deepEqual(result.context.clientContext, { client: { app: 'x' } });
    assert.ok(Number(result.context.remaining) > 0);

    const env = result.env;
    assert.equal(env[LEAK_MARKER], undefined, 'the platform environment must not leak');
    assert.equal(env.GREETING, 'hi');
    assert.equal(env.TZ, 'Europe/Paris', 'non-reserved defaults can be overridden');
    assert.equal(env.AWS_LAMBDA_FUNCTION_NAME, 'ctx', 'reserved names cannot be overridden');
    assert.equal(env.AWS_LAMBDA_FUNCTION_VERSION, '$LATEST');
    assert.equal(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, '512');
    assert.equal(env.AWS_LAMBDA_LOG_GROUP_NAME, '/aws/lambda/ctx');
    assert.equal(env.AWS_LAMBDA_LOG_STREAM_NAME, result.context.logStreamName);
    assert.equal(env.AWS_REGION, 'eu-west-1');
    assert.equal(env.AWS_DEFAULT_REGION, 'eu-west-1');
    assert.equal(env.AWS_EXECUTION_ENV, 'AWS_Lambda_nodejs20.x');
    assert.equal(env.AWS_LAMBDA_INITIALIZATION_TYPE, 'on-demand');
    assert.equal(env._HANDLER, 'index.handler');
    assert.equal(env.LAMBDA_TASK_ROOT, spec.codeDir);
    assert.ok(env.LAMBDA_RUNTIME_DIR);
    assert.equal(env._X_AMZN_TRACE_ID, req.traceId);
    assert.equal(env.LANG, 'en_US.UTF-8');
    assert.ok(env.PATH?.includes('/usr/bin'));
    assert.equal(env.NODE_PATH, spec.codeDir);
    assert.equal(env.TMPDIR, result.tmp);
    assert.ok(result.tmp.startsWith(root), 'os.tmpdir() is the instance tmp dir under dataDir/tmp');
    assert.equal(result.cwd, spec.codeDir);
  });

  it('supports the callback form and returns as soon as the callback is called', async () => {
    const spec = fn('callback', {
      'index.js': `
        exports.handler = function (event, context, callback) {
          context.callbackWaitsForEmptyEventLoop = true;
          setTimeout(() => {}, 3600000); // would keep Lambda's event loop busy; Gust does not wait
          callback(null, { doubled: event.n * 2 });
        };`,
    });
    assert.deepEqual(payloadOf(await invokeOnce(spec, { n: 21 })), { doubled: 42 });

    const failing = fn('callback-error', {
      'index.js': `exports.handler = (event, context, callback) => callback(new RangeError('too big'));`,
    });
    const error = errorOf(await invokeOnce(failing)).error;
    assert.equal(error.errorType, 'RangeError');
    assert.equal(error.errorMessage, 'too big');
  });

  it('loads .mjs, .cjs, ES modules by package.json type, nested export paths and subdirectories', async () => {
    const cases: Array<[string, Record<string, string>, string]> = [
      ['mjs', { 'index.mjs': `export const handler = async () => 'mjs';` }, 'index.handler'],
      ['cjs', { 'index.cjs': `module.exports.handler = async () => 'cjs';` }, 'index.handler'],
      ['cjs-js', { 'index.js': `module.exports = { handler: async () => 'cjs-js' };` }, 'index.handler'],
      [
        'esm-js',
        { 'package.json': '{"type":"module"}', 'index.js': `export const handler = async () => 'esm-js';` },
        'index.handler',
      ],
      [
        'nested',
        { 'app.mjs': `export const api = { v1: { get: async () => 'nested' } };` },
        'app.api.v1.get',
      ],
      [
        'subdir',
        { 'src/handlers/hello.mjs': `export const handler = async () => 'subdir';` },
        'src/handlers/hello.handler',
      ],
    ];
    for (const [name, files, handler] of cases) {
      assert.equal(payloadOf(await invokeOnce(fn(name, files, { handler }))), name, name);
    }
  });

  it('reports a thrown error with its type, message and stack lines', async () => {
    const spec = fn('throws', {
      'index.mjs': `
        class ValidationError extends Error { constructor(m) { super(m); this.name = 'ValidationError'; } }
        export const handler = async () => { throw new ValidationError('name is required'); };`,
    });
    const outcome = errorOf(await invokeOnce(spec));
    assert.equal(outcome.fatal, false);
    assert.equal(outcome.error.errorType, 'ValidationError');
    assert.equal(outcome.error.errorMessage, 'name is required');
    assert.equal(outcome.error.trace?.[0], 'ValidationError: name is required');
    assert.ok(outcome.error.trace?.some((line) => line.includes('index.mjs')));

    const sync = fn('throws-sync', {
      'index.js': `exports.handler = () => { throw new TypeError('sync'); };`,
    });
    assert.equal(errorOf(await invokeOnce(sync)).error.errorType, 'TypeError');
  });

  it('reports a rejected promise and a thrown non-Error value as Lambda does', async () => {
    const rejected = fn('rejects', {
      'index.mjs': `export const handler = () => Promise.reject(new Error('nope'));`,
    });
    const error = errorOf(await invokeOnce(rejected)).error;
    assert.deepEqual([error.errorType, error.errorMessage], ['Error', 'nope']);

    const thrownString = fn('throws-string', {
      'index.mjs': `export const handler = async () => { throw 'plain'; };`,
    });
    const stringError = errorOf(await invokeOnce(thrownString)).error;
    assert.deepEqual([stringError.errorType, stringError.errorMessage], ['string', 'plain']);
  });

  it('turns a result that is not JSON-serializable into an error, keeping the instance', async () => {
    const spec = fn('circular', {
      'index.mjs': `export const handler = async () => { const a = {}; a.self = a; return a; };`,
    });
    const { instance } = await acquireOk(spec);
    const outcome = errorOf(await instance.invoke(request(), () => {}));
    assert.equal(outcome.error.errorMessage, 'Unable to stringify response body');
    assert.equal(outcome.fatal, false);
    assert.equal(instance.alive, true);
    pool.release(instance);
  });

  it('rejects a response over 6 MB', async () => {
    const spec = fn('large', {
      'index.mjs': `export const handler = async () => 'x'.repeat(7 * 1024 * 1024);`,
    });
    const outcome = errorOf(await invokeOnce(spec));
    assert.equal(outcome.error.errorType, 'Function.ResponseSizeTooLarge');
  });

  it('fails init with Runtime.ImportModuleError when the module is missing', async () => {
    const error = await initError(fn('missing', { 'other.js': '' }));
    assert.equal(error.errorType, 'Runtime.ImportModuleError');
    assert.equal(error.errorMessage, "Error: Cannot find module 'index'");

    const missingDep = await initError(fn('missing-dep', { 'index.mjs': `import 'no-such-package-xyz';` }));
    assert.equal(missingDep.errorType, 'Runtime.ImportModuleError');
    assert.match(missingDep.errorMessage, /no-such-package-xyz/);
  });

  it('fails init with Runtime.UserCodeSyntaxError on a syntax error', async () => {
    const error = await initError(fn('syntax', { 'index.mjs': 'export const handler = async () => {{;' }));
    assert.equal(error.errorType, 'Runtime.UserCodeSyntaxError');
    assert.match(error.errorMessage, /^SyntaxError: /);
  });

  it('fails init with Runtime.HandlerNotFound when the export is missing or not a function', async () => {
    const missing = await initError(
      fn('no-export', { 'index.mjs': 'export const other = 1;' }, { handler: 'index.nope' }),
    );
    assert.equal(missing.errorType, 'Runtime.HandlerNotFound');
    assert.equal(missing.errorMessage, 'index.nope is undefined or not exported');

    const notFn = await initError(fn('not-fn', { 'index.mjs': 'export const handler = 42;' }));
    assert.equal(notFn.errorType, 'Runtime.HandlerNotFound');
    assert.equal(notFn.errorMessage, 'index.handler is not a function');

    const malformed = await initError(fn('malformed', { 'index.mjs': '' }, { handler: 'index' }));
    assert.equal(malformed.errorType, 'Runtime.MalformedHandlerName');
  });

  it('reports an error thrown while the module initializes, and its init logs', async () => {
    const spec = fn('init-throws', {
      'index.mjs': `console.log('starting up'); throw new Error('no config');`,
    });
    const logs = logCollector();
    const acquired = await pool.acquire(spec, logs.listener);
    assert.equal(acquired.ok, false);
    if (acquired.ok) return;
    assert.deepEqual([acquired.error.errorType, acquired.error.errorMessage], ['Error', 'no config']);
    assert.ok(acquired.initDurationMs !== null);
    assert.ok(logs.messages().includes('starting up'));
  });

  it('reports process.exit as a fatal Runtime.ExitError and keeps serving', async () => {
    const spec = fn('exits', {
      'index.mjs': `export const handler = async (event) => { if (event.exit) process.exit(3); return 'alive'; };`,
    });
    const { instance } = await acquireOk(spec);
    const req = request({ exit: true });
    const outcome = errorOf(await instance.invoke(req, () => {}));
    assert.equal(outcome.fatal, true);
    assert.equal(outcome.error.errorType, 'Runtime.ExitError');
    assert.equal(
      outcome.error.errorMessage,
      `RequestId: ${req.requestId} Error: Runtime exited with error: exit status 3`,
    );
    assert.equal(instance.alive, false);
    pool.release(instance);

    const next = await acquireOk(spec);
    assert.equal(next.cold, true);
    assert.notEqual(next.instance.id, instance.id);
    assert.equal(payloadOf(await next.instance.invoke(request(), () => {})), 'alive');
    pool.release(next.instance);
  });

  it('reports an uncaught exception and an unhandled rejection during an invocation as fatal', async () => {
    const uncaught = fn('uncaught', {
      'index.mjs': `export const handler = () => new Promise(() => { setTimeout(() => { throw new Error('async boom'); }, 1); });`,
    });
    const first = errorOf(await invokeOnce(uncaught));
    assert.deepEqual(
      [first.error.errorType, first.error.errorMessage, first.fatal],
      ['Error', 'async boom', true],
    );

    const unhandled = fn('unhandled', {
      'index.mjs': `export const handler = () => new Promise(() => { Promise.reject(new Error('lost')); });`,
    });
    const second = errorOf(await invokeOnce(unhandled));
    assert.equal(second.error.errorType, 'Runtime.UnhandledPromiseRejection');
    assert.equal(second.error.errorMessage, 'Error: lost');
    assert.equal(second.fatal, true);
  });

  it('kills an instance that uses more memory than its function has', async () => {
    const spec = fn(
      'hog',
      {
        'index.mjs': `
          const hoard = [];
          export const handler = async () => {
            for (let i = 0; i < 400; i++) {
              hoard.push(Buffer.alloc(8 * 1024 * 1024, 1));
              await new Promise((r) => setTimeout(r, 2));
            }
            return 'survived';
          };`,
      },
      { memoryMB: 128 },
    );
    const { instance } = await acquireOk(spec);
    const pid = (pool.stats().instances.find((i) => i.id === instance.id) ?? assert.fail('no stats')).pid;
    const outcome = errorOf(await instance.invoke(request(), () => {}));
    pool.release(instance);
    assert.equal(outcome.fatal, true);
    assert.equal(outcome.error.errorType, 'Runtime.ExitError');
    assert.match(
      outcome.error.errorMessage,
      /^RequestId: \S+ Error: Runtime exited with error: signal: killed \(out of memory: used \d+ MB of 128 MB\)$/,
    );
    assert.ok((outcome.maxMemoryUsedMB ?? 0) > 128);
    await waitFor(() => !processExists(pid), 'the killed process to be gone');
  });

  it('gives a fatal outcome when a hanging invocation is killed', async () => {
    const spec = fn('hangs', {
      'index.mjs': `export const handler = async () => { console.log('started'); await new Promise(() => {}); };`,
    });
    const { instance } = await acquireOk(spec);
    const logs = logCollector();
    const pending = instance.invoke(request(), logs.listener);
    await waitFor(() => logs.messages().includes('started'), 'the handler to start');
    instance.kill('timeout');
    const outcome = errorOf(await pending);
    pool.release(instance);
    assert.equal(outcome.fatal, true);
    assert.equal(outcome.error.errorType, 'Runtime.ExitError');
    assert.match(outcome.error.errorMessage, /signal: killed \(timeout\)$/);
    assert.equal(instance.alive, false);
  });

  it('keeps module state on a warm instance, with cold then warm acquires', async () => {
    const spec = fn('counter', { 'index.mjs': 'let n = 0; export const handler = async () => ++n;' });
    const first = await acquireOk(spec);
    assert.equal(first.cold, true);
    assert.equal(typeof first.initDurationMs, 'number');
    assert.equal(payloadOf(await first.instance.invoke(request(), () => {})), 1);
    pool.release(first.instance);

    const second = await acquireOk(spec);
    assert.equal(second.cold, false);
    assert.equal(second.initDurationMs, null);
    assert.equal(second.instance, first.instance);
    assert.equal(payloadOf(await second.instance.invoke(request(), () => {})), 2);
    pool.release(second.instance);
  });

  it('gives concurrent invocations their own instances with their own TMPDIR', async () => {
    const spec = fn('tmp', {
      'index.mjs': `
        import { tmpdir } from 'node:os';
        import { writeFileSync, readdirSync } from 'node:fs';
        export const handler = async () => {
          writeFileSync(tmpdir() + '/mine', 'x');
          return { tmp: tmpdir(), files: readdirSync(tmpdir()), pid: process.pid };
        };`,
    });
    const [a, b] = await Promise.all([acquireOk(spec), acquireOk(spec)]);
    assert.notEqual(a.instance.id, b.instance.id);
    const [ra, rb] = (await Promise.all([
      a.instance.invoke(request(), () => {}),
      b.instance.invoke(request(), () => {}),
    ]).then((outcomes) => outcomes.map(payloadOf))) as Array<{ tmp: string; files: string[]; pid: number }>;
    pool.release(a.instance);
    pool.release(b.instance);
    assert.ok(ra && rb);
    assert.notEqual(ra.tmp, rb.tmp);
    assert.notEqual(ra.pid, rb.pid);
    assert.deepEqual(ra.files, ['mine']);
    assert.deepEqual(rb.files, ['mine']);
  });

  it('delivers log lines with levels, in order, before the result', async () => {
    const spec = fn('logs', {
      'index.mjs': `
        import { spawnSync } from 'node:child_process';
        console.log('during init');
        export const handler = async (event) => {
          console.log('log %s', 'formatted', { a: 1 });
          console.info('info');
          console.warn('warn');
          console.error('error');
          console.debug('debug');
          console.trace('trace');
          process.stdout.write('raw stdout\\npartial');
          process.stderr.write('raw stderr\\n');
          spawnSync('sh', ['-c', 'echo from a child process'], { stdio: 'inherit' });
          console.log('x'.repeat(300 * 1024));
          return 'done';
        };`,
    });
    const initLogs = logCollector();
    const acquired = await pool.acquire(spec, initLogs.listener);
    if (!acquired.ok) assert.fail('acquire failed');
    assert.deepEqual(initLogs.messages(), ['during init']);

    const logs = logCollector();
    let settled = false;
    let lateLines = 0;
    const outcome = await acquired.instance.invoke(request(), (line) => {
      // The function's own child process writes through the pipe, which has no ordering promise
      // against the result; every line the function writes itself must come before the result.
      if (settled && line.message !== 'from a child process') lateLines++;
      logs.listener(line);
    });
    settled = true;
    assert.equal(payloadOf(outcome), 'done');
    const seen = logs.lines.filter((l) => l.message !== 'from a child process');
    assert.deepEqual(
      seen.slice(0, 9).map((l) => [l.level, l.stream, l.message]),
      [
        ['INFO', 'stdout', 'log formatted { a: 1 }'],
        ['INFO', 'stdout', 'info'],
        ['WARN', 'stderr', 'warn'],
        ['ERROR', 'stderr', 'error'],
        ['DEBUG', 'stdout', 'debug'],
        ['TRACE', 'stderr', 'trace'],
        [null, 'stdout', 'raw stdout'],
        [null, 'stderr', 'raw stderr'],
        ['INFO', 'stdout', `${'x'.repeat(256 * 1024)} [truncated]`],
      ],
    );
    assert.deepEqual(
      seen.slice(9).map((l) => [l.level, l.message]),
      [[null, 'partial']],
      'an unfinished line is flushed at the end of the invocation',
    );
    // Output of the function's own child processes comes through the pipe, with no ordering promise.
    await waitFor(() => logs.messages().includes('from a child process'), 'child process output');
    assert.equal(lateLines, 0, 'no line written by the function itself arrived after the result');
    pool.release(acquired.instance);
  });

  it('logs an Uncaught Exception line before a fatal error ends the instance', async () => {
    const spec = fn('uncaught-log', {
      'index.mjs': `export const handler = () => new Promise(() => setTimeout(() => { throw new Error('x'); }, 1));`,
    });
    const { instance } = await acquireOk(spec);
    const logs = logCollector();
    await instance.invoke(request(), logs.listener);
    pool.release(instance);
    const line = logs.lines.find((l) => l.message.startsWith('Uncaught Exception'));
    assert.equal(line?.level, 'ERROR');
    assert.match(line?.message ?? '', /"errorType":"Error","errorMessage":"x"/);
  });

  it('answers an invoke on a dead instance with a fatal outcome instead of throwing', async () => {
    const spec = fn('dead', { 'index.mjs': 'export const handler = async () => 1;' });
    const { instance } = await acquireOk(spec);
    instance.kill('test');
    await waitFor(() => !instance.alive, 'the instance to die');
    const outcome: InvokeOutcome = await (instance as Instance).invoke(request(), () => {});
    pool.release(instance);
    assert.equal(outcome.ok, false);
    assert.equal(!outcome.ok && outcome.fatal, true);
  });
});
