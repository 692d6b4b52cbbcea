import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { isGustError } from '../../core/errors.js';
import { type Harness, startHarness } from './test-support.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const define = (name: string, definition: object) => h.executor.stateMachines.put(name, definition);
const status = async (workflow: string, name: string) =>
  (await h.executor.describeExecution(workflow, name)).status;
const finished = (workflow: string, name: string) =>
  h.until(`${workflow}/${name} to end`, async () => (await status(workflow, name)) !== 'RUNNING');
const types = async (workflow: string, name: string) =>
  (await h.executor.history(workflow, name)).map((e) => e.type);

const ORDER = {
  StartAt: 'Price',
  States: {
    Price: { Type: 'Pass', Result: 10, ResultPath: '$.price', Next: 'Charge' },
    Charge: { Type: 'Task', Resource: 'charge', ResultPath: '$.charge', Next: 'Big?' },
    'Big?': {
      Type: 'Choice',
      Choices: [{ Variable: '$.charge.total', NumericGreaterThan: 100, Next: 'Big' }],
      Default: 'Small',
    },
    Big: { Type: 'Pass', Result: 'big', End: true },
    Small: { Type: 'Succeed' },
  },
};

describe('the workflow executor', () => {
  it('runs Pass, Task and Choice states to the end, invoking the function through the invoker', async () => {
    h.invoker.script = (call) => ({ payload: JSON.stringify({ total: JSON.parse(call.payload).price * 3 }) });
    await define('order', ORDER);
    await h.executor.startExecution({ workflow: 'order', name: 'one', input: '{"id":7}' });
    await finished('order', 'one');
    const done = await h.executor.describeExecution('order', 'one');
    assert.equal(done.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(done.output ?? ''), { id: 7, price: 10, charge: { total: 30 } });
    assert.equal(h.invoker.calls.length, 1);
    assert.equal(h.invoker.calls[0]?.options.trigger, 'workflow');
    const history = await h.executor.history('order', 'one');
    assert.deepEqual(
      history.map((e) => e.id),
      history.map((_, i) => i + 1),
    );
    const seen = history.map((e) => e.type);
    assert.equal(seen[0], 'ExecutionStarted');
    assert.ok(seen.includes('TaskSucceeded'));
    assert.equal(seen.at(-1), 'ExecutionSucceeded');
  });

  it('retries a failing task after its interval on the clock, then catches a lasting failure', async () => {
    let calls = 0;
    h.invoker.script = () =>
      ++calls <= 2
        ? { status: 'error', payload: null, error: { errorType: 'Flaky', errorMessage: 'try again' } }
        : {};
    await define('retry', {
      StartAt: 'Work',
      States: {
        Work: {
          Type: 'Task',
          Resource: 'work',
          Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 5, MaxAttempts: 3, BackoffRate: 1 }],
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Failed' }],
          End: true,
        },
        Failed: { Type: 'Fail', Error: 'Gave.Up' },
      },
    });
    await h.executor.startExecution({ workflow: 'retry', name: 'r' });
    await h.until('the first attempt', () => calls === 1);
    await h.until('the retry timer', async () => (await h.store.workflows.nextTimerDue()) !== null);
    assert.equal(await status('retry', 'r'), 'RUNNING');
    for (let i = 0; i < 2; i++) {
      h.clock.advance(5000);
      await h.until(`attempt ${i + 2}`, () => calls === i + 2);
    }
    await finished('retry', 'r');
    assert.equal(await status('retry', 'r'), 'SUCCEEDED');

    h.invoker.script = () => ({
      status: 'error',
      payload: null,
      error: { errorType: 'Boom', errorMessage: 'no' },
    });
    await h.executor.startExecution({ workflow: 'retry', name: 'c' });
    await finished('retry', 'c');
    const caught = await h.executor.describeExecution('retry', 'c');
    assert.equal(caught.status, 'FAILED');
    assert.equal(caught.error, 'Gave.Up');
  });

  it('keeps a Wait state in a durable timer that another executor fires after a restart', async () => {
    await define('wait', {
      StartAt: 'Nap',
      States: { Nap: { Type: 'Wait', Seconds: 60, Next: 'Done' }, Done: { Type: 'Pass', End: true } },
    });
    await h.executor.startExecution({ workflow: 'wait', name: 'w' });
    await h.until('the wait timer', async () => (await h.store.workflows.nextTimerDue()) !== null);
    await h.executor.stop();
    await h.restart();
    h.clock.advance(59_000);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(await status('wait', 'w'), 'RUNNING');
    h.clock.advance(1000);
    await finished('wait', 'w');
    assert.equal(await status('wait', 'w'), 'SUCCEEDED');
  });

  it('runs a task again when the process that started it died, and ignores the stale result', async () => {
    let release: (() => void) | undefined;
    h.invoker.script = () => new Promise((resolve) => (release = () => resolve({ payload: '"late"' })));
    await define('once', { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'work', End: true } } });
    await h.executor.startExecution({ workflow: 'once', name: 'x' });
    await h.until('the first call', () => h.invoker.calls.length === 1);
    const first = release;
    // Another process picks the execution up (its lease ran out) and runs the task again.
    h.invoker.script = () => ({ payload: '"fresh"' });
    const other = await h.restart();
    await other.drive('once:x');
    assert.equal(h.invoker.calls.length, 2);
    assert.equal((await h.executor.describeExecution('once', 'x')).output, '"fresh"');
    first?.();
    await h.until('the stale driver', () => true);
    assert.equal((await h.executor.describeExecution('once', 'x')).output, '"fresh"');
    assert.equal((await types('once', 'x')).filter((t) => t === 'ExecutionSucceeded').length, 1);
  });

  it('runs Map iterations as child runs, at most MaxConcurrency at a time, results in order', async () => {
    let running = 0;
    let most = 0;
    const waiting: (() => void)[] = [];
    h.invoker.script = (call) => {
      running++;
      most = Math.max(most, running);
      return new Promise((resolve) =>
        waiting.push(() => {
          running--;
          resolve({ payload: String(Number(call.payload) * 2) });
        }),
      );
    };
    await define('map', {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          MaxConcurrency: 2,
          ItemProcessor: {
            StartAt: 'Double',
            States: { Double: { Type: 'Task', Resource: 'double', End: true } },
          },
          End: true,
        },
      },
    });
    await h.executor.startExecution({ workflow: 'map', name: 'm', input: '[1,2,3,4,5]' });
    for (let done = 0; done < 5; done++) {
      await h.until(`call ${done + 1}`, () => waiting.length > 0);
      waiting.shift()?.();
    }
    await finished('map', 'm');
    assert.equal(most, 2);
    assert.deepEqual(
      JSON.parse((await h.executor.describeExecution('map', 'm')).output ?? ''),
      [2, 4, 6, 8, 10],
    );
  });

  it('runs Parallel branches and collects their outputs by branch', async () => {
    await define('par', {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'A', States: { A: { Type: 'Pass', Result: 'a', End: true } } },
            { StartAt: 'B', States: { B: { Type: 'Task', Resource: 'b', End: true } } },
          ],
          End: true,
        },
      },
    });
    h.invoker.script = () => ({ payload: '"b"' });
    await h.executor.startExecution({ workflow: 'par', name: 'p' });
    await finished('par', 'p');
    assert.deepEqual(JSON.parse((await h.executor.describeExecution('par', 'p')).output ?? ''), ['a', 'b']);
  });

  it('waits for a task token: SendTaskSuccess completes it once, and heartbeats are enforced', async () => {
    await define('cb', {
      StartAt: 'Ask',
      States: {
        Ask: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: 'ask', Payload: { 'token.$': '$$.Task.Token' } },
          HeartbeatSeconds: 30,
          End: true,
        },
      },
    });
    await h.executor.startExecution({ workflow: 'cb', name: 'ok' });
    await h.until('the callback invocation', () => h.invoker.calls.length === 1);
    assert.equal(h.invoker.calls[0]?.options.invocationType, 'Event');
    const token = String(JSON.parse(h.invoker.calls[0]?.payload ?? '{}').token);
    await h.executor.sendTaskHeartbeat(token);
    await h.executor.sendTaskSuccess(token, '{"answer":42}');
    await finished('cb', 'ok');
    assert.equal((await h.executor.describeExecution('cb', 'ok')).output, '{"answer":42}');
    await assert.rejects(
      h.executor.sendTaskSuccess(token, '{}'),
      (e) => isGustError(e) && e.awsType === 'TaskDoesNotExist',
    );
    await assert.rejects(
      h.executor.sendTaskSuccess('nope', '{}'),
      (e) => isGustError(e) && e.code === 'ERR_TASK_NOT_FOUND',
    );

    await h.executor.startExecution({ workflow: 'cb', name: 'silent' });
    await h.until('the second callback invocation', () => h.invoker.calls.length === 2);
    h.clock.advance(30_000);
    await finished('cb', 'silent');
    const silent = await h.executor.describeExecution('cb', 'silent');
    assert.equal(silent.status, 'FAILED');
    assert.equal(silent.error, 'States.HeartbeatTimeout');
  });

  it('starts a name once: the same input returns the execution, another input is refused', async () => {
    await define('idem', ORDER);
    const first = await h.executor.startExecution({ workflow: 'idem', name: 'n', input: '{"a":1}' });
    const again = await h.executor.startExecution({ workflow: 'idem', name: 'n', input: '{ "a": 1 }' });
    assert.equal(first.created, true);
    assert.equal(again.created, false);
    await assert.rejects(
      h.executor.startExecution({ workflow: 'idem', name: 'n', input: '{"a":2}' }),
      (e) => isGustError(e) && e.code === 'ERR_EXECUTION_EXISTS' && e.awsType === 'ExecutionAlreadyExists',
    );
    await assert.rejects(
      h.executor.startExecution({ workflow: 'idem', name: 'bad name' }),
      (e) => isGustError(e) && e.awsType === 'InvalidName',
    );
    await assert.rejects(
      h.executor.startExecution({ workflow: 'nope' }),
      (e) => isGustError(e) && e.awsType === 'StateMachineDoesNotExist',
    );
  });

  it('stops a running execution, and redrives a failed one from the state that failed', async () => {
    await define('stop', {
      StartAt: 'Nap',
      States: { Nap: { Type: 'Wait', Seconds: 600, End: true } },
    });
    await h.executor.startExecution({ workflow: 'stop', name: 's' });
    const stopped = await h.executor.stopExecution('stop', 's', { error: 'Manual', cause: 'test' });
    assert.equal(stopped.status, 'ABORTED');
    assert.equal((await types('stop', 's')).at(-1), 'ExecutionAborted');

    let calls = 0;
    h.invoker.script = () =>
      ++calls === 1
        ? { status: 'error', payload: null, error: { errorType: 'Down', errorMessage: 'x' } }
        : {};
    await define('redrive', {
      StartAt: 'First',
      States: {
        First: { Type: 'Pass', Result: 1, ResultPath: '$.first', Next: 'Work' },
        Work: { Type: 'Task', Resource: 'work', End: true },
      },
    });
    await h.executor.startExecution({ workflow: 'redrive', name: 'r' });
    await finished('redrive', 'r');
    assert.equal(await status('redrive', 'r'), 'FAILED');
    await h.executor.redriveExecution('redrive', 'r');
    await finished('redrive', 'r');
    const redriven = await h.executor.describeExecution('redrive', 'r');
    assert.equal(redriven.status, 'SUCCEEDED');
    assert.equal(redriven.redriveCount, 1);
    assert.equal((await types('redrive', 'r')).filter((t) => t === 'PassStateEntered').length, 1);
    await assert.rejects(
      h.executor.redriveExecution('redrive', 'r'),
      (e) => isGustError(e) && e.awsType === 'ExecutionNotRedrivable',
    );
  });

  it('starts another workflow with .sync and continues with its output', async () => {
    await define('inner', {
      StartAt: 'I',
      States: { I: { Type: 'Pass', Result: { inner: true }, End: true } },
    });
    await define('outer', {
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: 'arn:aws:states:::states:startExecution.sync:2',
          Parameters: { StateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:inner' },
          OutputPath: '$.Output',
          End: true,
        },
      },
    });
    await h.executor.startExecution({ workflow: 'outer', name: 'o' });
    await finished('outer', 'o');
    const outer = await h.executor.describeExecution('outer', 'o');
    assert.equal(outer.status, 'SUCCEEDED', `${outer.error}: ${outer.cause}`);
    assert.deepEqual(JSON.parse(outer.output ?? ''), { inner: true });
  });

  it('refuses a definition with a Task resource Gust cannot run, naming its path', async () => {
    await assert.rejects(
      define('bad', {
        StartAt: 'T',
        States: { T: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:putItem', End: true } },
      }),
      (e) =>
        isGustError(e) &&
        e.code === 'ERR_INVALID_DEFINITION' &&
        e.awsType === 'InvalidDefinition' &&
        /States\.T\.Resource/.test(e.message),
    );
  });
});
