import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
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
import type { AcquireResult, FunctionSpec, InstancePool, InvokeOutcome } from '../types.js';

/** The repository root, from dist/src/runtime/provided/ (compiled) or src/runtime/provided/. */
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const RIC_ENTRY = `${REPO_ROOT}node_modules/aws-lambda-ric/bin/index.mjs`;
const RIC_INSTALLED =
  existsSync(RIC_ENTRY) && existsSync(`${REPO_ROOT}node_modules/aws-lambda-ric/dist/rapid-client.node`);

/** The bash bootstrap from AWS's custom runtime tutorial: loop over /next, run, POST the response. */
const TUTORIAL_BOOTSTRAP = `#!/bin/bash
set -euo pipefail

# Initialization - load function handler
source "$LAMBDA_TASK_ROOT/$(echo "$_HANDLER" | cut -d. -f1).sh"

# Processing
while true
do
  HEADERS="$(mktemp)"
  # Get an event. The HTTP request will block until one is received
  EVENT_DATA=$(curl -sS -LD "$HEADERS" "http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/next")

  # Extract request ID by scraping response headers received above
  REQUEST_ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)

  # Run the function
  RESPONSE=$($(echo "$_HANDLER" | cut -d. -f2) "$EVENT_DATA")

  # Send the response
  curl -sS "http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/$REQUEST_ID/response" -d "$RESPONSE"
done
`;

const TUTORIAL_FUNCTION = `function handler () {
  EVENT_DATA=$1
  echo "$EVENT_DATA" 1>&2;
  echo "{\\"echo\\": $EVENT_DATA, \\"tmp\\": \\"$TMPDIR\\", \\"api\\": \\"$AWS_LAMBDA_RUNTIME_API\\", \\"execEnv\\": \\"\${AWS_EXECUTION_ENV:-unset}\\", \\"leak\\": \\"\${GUST_TEST_PROVIDED_LEAK:-unset}\\"}"
}
`;

let root: string;
let pool: InstancePool;

function providedFn(
  name: string,
  files: Record<string, string>,
  overrides: Partial<FunctionSpec> = {},
): FunctionSpec {
  return specFor(writeFunction(root, name, files), { functionName: name, runtime: 'provided', ...overrides });
}

async function acquireOk(spec: FunctionSpec): Promise<Extract<AcquireResult, { ok: true }>> {
  const acquired = await pool.acquire(spec, () => {});
  if (!acquired.ok) assert.fail(`acquire failed: ${JSON.stringify(acquired.error)}`);
  return acquired;
}

function payloadOf(outcome: InvokeOutcome): unknown {
  if (!outcome.ok) assert.fail(`invocation failed: ${JSON.stringify(outcome.error)}`);
  return JSON.parse(outcome.payload);
}

describe('provided runtime', () => {
  before(async () => {
    process.env.GUST_TEST_PROVIDED_LEAK = 'leaked';
    root = makeTempDir('provided-runtime');
    pool = createInstancePool({ clock: systemClock, dataDir: root, genericPoolSize: 0, memoryPollMs: 20 });
    await pool.start();
  });

  after(async () => {
    await pool.stop();
    delete process.env.GUST_TEST_PROVIDED_LEAK;
    removeDir(root);
  });

  it('runs the bash + curl bootstrap from the custom runtime tutorial, cold then warm', async () => {
    const spec = providedFn(
      'tutorial',
      { bootstrap: TUTORIAL_BOOTSTRAP, 'function.sh': TUTORIAL_FUNCTION },
      {
        handler: 'function.handler',
      },
    );
    const first = await acquireOk(spec);
    assert.equal(first.cold, true);
    assert.equal(typeof first.initDurationMs, 'number');
    const logs = logCollector();
    const result = payloadOf(await first.instance.invoke(request({ n: 1 }), logs.listener)) as Record<
      string,
      unknown
    >;
    pool.release(first.instance);
    assert.deepEqual(result.echo, { n: 1 });
    assert.equal(result.execEnv, 'unset', 'AWS_EXECUTION_ENV is not set for provided');
    assert.equal(result.leak, 'unset', 'the platform environment must not leak');
    assert.match(String(result.api), /^127\.0\.0\.1:\d+$/);
    assert.ok(String(result.tmp).startsWith(root));
    assert.ok(
      logs.lines.some((l) => l.stream === 'stderr' && l.level === null && l.message === '{"n":1}'),
      'stderr is captured line by line',
    );

    const second = await acquireOk(spec);
    assert.equal(second.cold, false);
    assert.equal(second.instance, first.instance);
    assert.deepEqual(
      (payloadOf(await second.instance.invoke(request({ n: 2 }), () => {})) as { echo: unknown }).echo,
      {
        n: 2,
      },
    );
    pool.release(second.instance);
  });

  it('gives each instance its own Runtime API port', async () => {
    const spec = providedFn(
      'ports',
      { bootstrap: TUTORIAL_BOOTSTRAP, 'function.sh': TUTORIAL_FUNCTION },
      {
        handler: 'function.handler',
      },
    );
    const [a, b] = await Promise.all([acquireOk(spec), acquireOk(spec)]);
    const [ra, rb] = (
      await Promise.all([a.instance.invoke(request(), () => {}), b.instance.invoke(request(), () => {})])
    ).map((o) => payloadOf(o) as { api: string; tmp: string });
    pool.release(a.instance);
    pool.release(b.instance);
    assert.notEqual(ra?.api, rb?.api);
    assert.notEqual(ra?.tmp, rb?.tmp);
  });

  it('runs the official aws-lambda-ric Node.js client unchanged as a bootstrap', async (t) => {
    if (!RIC_INSTALLED) {
      if (process.env.CI) assert.fail(`aws-lambda-ric is not installed at ${RIC_ENTRY} (required in CI)`);
      t.skip('aws-lambda-ric (optional dependency) is not installed; run npm install to test it');
      return;
    }
    const spec = providedFn(
      'ric',
      {
        bootstrap: `#!/bin/sh\nexec "${process.execPath}" "${RIC_ENTRY}" index.handler\n`,
        'index.mjs': `
          let calls = 0;
          export const handler = async (event, context) => {
            console.log('ric says', event.n);
            if (event.fail) throw new TypeError('bad input');
            return { n: event.n, calls: ++calls, functionName: context.functionName, requestId: context.awsRequestId,
                     memory: context.memoryLimitInMB, clientContext: context.clientContext, trace: process.env._X_AMZN_TRACE_ID };
          };`,
      },
      { memoryMB: 256 },
    );
    const { instance } = await acquireOk(spec);
    const logs = logCollector();
    const clientContext = Buffer.from('{"custom":{"k":"v"}}').toString('base64');
    const req = request({ n: 7 }, { clientContext });
    const result = payloadOf(await instance.invoke(req, logs.listener));
    assert.deepEqual(result, {
      n: 7,
      calls: 1,
      functionName: 'ric',
      requestId: req.requestId,
      memory: '256',
      clientContext: { custom: { k: 'v' } },
      trace: req.traceId,
    });
    await waitFor(() => logs.messages().some((m) => m.includes('ric says 7')), 'the client to log');

    const failed = await instance.invoke(request({ n: 8, fail: true }), () => {});
    assert.equal(failed.ok, false);
    assert.equal(!failed.ok && failed.error.errorType, 'TypeError');
    assert.equal(!failed.ok && failed.error.errorMessage, 'bad input');
    assert.equal(!failed.ok && failed.fatal, false);

    assert.equal(
      (payloadOf(await instance.invoke(request({ n: 9 }), () => {})) as { calls: number }).calls,
      2,
    );
    pool.release(instance);
  });

  it('fails acquire with the error a bootstrap posts to /init/error, and stops it', async () => {
    const spec = providedFn('init-error', {
      bootstrap: `#!/bin/bash
echo "loading config" >&2
curl -sS -X POST "http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/init/error" \\
  -H 'Lambda-Runtime-Function-Error-Type: Unhandled' \\
  -d '{"errorMessage":"config file missing","errorType":"ConfigError","stackTrace":["line 1"]}'
sleep 60
`,
    });
    const logs = logCollector();
    const acquired = await pool.acquire(spec, logs.listener);
    assert.equal(acquired.ok, false);
    if (acquired.ok) return;
    assert.deepEqual(acquired.error, {
      errorType: 'ConfigError',
      errorMessage: 'config file missing',
      trace: ['line 1'],
    });
    assert.ok(logs.messages().includes('loading config'), 'init output goes to the init listener');
    await waitFor(
      () => pool.stats().instances.every((i) => i.functionName !== 'init-error'),
      'no instance kept',
    );
  });

  it('reports a bootstrap that exits before asking for an event as Runtime.ExitError', async () => {
    const spec = providedFn('exits-early', { bootstrap: '#!/bin/sh\necho bye\nexit 2\n' });
    const acquired = await pool.acquire(spec, () => {});
    assert.equal(acquired.ok, false);
    if (acquired.ok) return;
    assert.deepEqual(acquired.error, {
      errorType: 'Runtime.ExitError',
      errorMessage: 'Error: Runtime exited with error: exit status 2',
    });
  });

  it('reports a missing or non-executable bootstrap as Runtime.InvalidEntrypoint', async () => {
    const missing = await pool.acquire(providedFn('no-bootstrap', { 'README.md': 'nothing' }), () => {});
    assert.equal(!missing.ok && missing.error.errorType, 'Runtime.InvalidEntrypoint');
  });

  it('reports a bootstrap that cannot be spawned instead of throwing', async () => {
    const spec = providedFn(
      'bad-env',
      { bootstrap: '#!/bin/sh\nexit 0\n' },
      { environment: { BAD: 'a\u0000b' } },
    );
    const acquired = await pool.acquire(spec, () => {});
    assert.equal(!acquired.ok && acquired.error.errorType, 'Runtime.ExitError');
  });

  it('reports a bootstrap that exits during an invocation as a fatal Runtime.ExitError', async () => {
    const spec = providedFn('exits-mid', {
      bootstrap: `#!/bin/bash
curl -sS "http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation/next" > /dev/null
exit 1
`,
    });
    const { instance } = await acquireOk(spec);
    const req = request();
    const outcome = await instance.invoke(req, () => {});
    pool.release(instance);
    assert.equal(outcome.ok, false);
    if (outcome.ok) return;
    assert.equal(outcome.fatal, true);
    assert.equal(
      outcome.error.errorMessage,
      `RequestId: ${req.requestId} Error: Runtime exited with error: exit status 1`,
    );
  });

  it('passes an error posted to /invocation/{id}/error through, keeping the instance', async () => {
    const spec = providedFn('posts-error', {
      bootstrap: `#!/bin/bash
set -euo pipefail
while true; do
  H="$(mktemp)"
  curl -sS -D "$H" "http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation/next" > /dev/null
  ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$H" | tr -d '[:space:]' | cut -d: -f2)
  curl -sS -o /dev/null "http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation/$ID/error" \\
    -H 'Lambda-Runtime-Function-Error-Type: HandlerFailed' -d 'not json'
done
`,
    });
    const { instance } = await acquireOk(spec);
    for (let i = 0; i < 2; i++) {
      const outcome = await instance.invoke(request(), () => {});
      assert.deepEqual(outcome.ok ? null : [outcome.error, outcome.fatal], [
        { errorType: 'HandlerFailed', errorMessage: 'not json' },
        false,
      ]);
    }
    pool.release(instance);
  });

  it('kills a provided instance over its memory, counting the processes it runs', async () => {
    const spec = providedFn(
      'provided-hog',
      {
        bootstrap: `#!/bin/bash
curl -sS "http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation/next" > /dev/null
"${process.execPath}" -e 'const a = []; setInterval(() => a.push(Buffer.alloc(8 * 1024 * 1024, 1)), 2)'
`,
      },
      { memoryMB: 128 },
    );
    const { instance } = await acquireOk(spec);
    const pid = instance.alive ? pool.stats().instances.find((i) => i.id === instance.id)?.pid : undefined;
    const outcome = await instance.invoke(request(), () => {});
    pool.release(instance);
    assert.equal(outcome.ok, false);
    if (outcome.ok) return;
    assert.equal(outcome.fatal, true);
    assert.match(outcome.error.errorMessage, /signal: killed \(out of memory: used \d+ MB of 128 MB\)$/);
    await waitFor(() => !processExists(pid), 'the bootstrap to be gone');
  });
});
