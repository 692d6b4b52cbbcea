import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  InvalidArn,
  InvalidDefinition,
  InvalidName,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  RedriveExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
  TaskDoesNotExist,
  UpdateStateMachineCommand,
  ValidateStateMachineDefinitionCommand,
} from '@aws-sdk/client-sfn';
import { startTestGateway, type TestGateway } from '../../gateway/test-support.js';
import * as engine from '../engine/index.js';
import { type Harness, startHarness } from '../executor/test-support.js';
import { createWorkflowExtension } from './workflow-extension.js';

const SM = 'arn:aws:states:us-east-1:000000000000:stateMachine:';
const EX = 'arn:aws:states:us-east-1:000000000000:execution:';

const ORDER = JSON.stringify({
  StartAt: 'Charge',
  States: {
    Charge: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'charge', 'Payload.$': '$' },
      ResultSelector: { 'total.$': '$.Payload.total' },
      Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 1, MaxAttempts: 2 }],
      Catch: [{ ErrorEquals: ['Declined'], ResultPath: '$.error', Next: 'Declined' }],
      Next: 'Done',
    },
    Declined: { Type: 'Fail', Error: 'Order.Declined', Cause: 'card declined' },
    Done: { Type: 'Succeed' },
  },
});

describe('Step Functions API with @aws-sdk/client-sfn', () => {
  let h: Harness;
  let gw: TestGateway;
  let sfn: SFNClient;

  const finished = async (executionArn: string) => {
    for (let i = 0; i < 500; i++) {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (d.status !== 'RUNNING') return d;
      // Retry intervals pass on the fake clock, a second a round.
      h.clock.advance(1000);
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error(`${executionArn} did not end`);
  };

  before(async () => {
    h = await startHarness();
    gw = await startTestGateway({}, [createWorkflowExtension(h.executor, engine)]);
    sfn = new SFNClient({
      endpoint: gw.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
      // StartSyncExecution's endpoint is `sync-HOST` on AWS; Gust serves it on the same host.
      disableHostPrefix: true,
    });
  });
  after(async () => {
    sfn.destroy();
    await gw.stop();
    await h.close();
  });

  it('creates, describes, lists, updates and deletes state machines', async () => {
    const created = await sfn.send(
      new CreateStateMachineCommand({ name: 'order', definition: ORDER, roleArn: 'arn:aws:iam::0:role/x' }),
    );
    assert.equal(created.stateMachineArn, `${SM}order`);
    assert.ok(created.creationDate instanceof Date);
    const again = await sfn.send(
      new CreateStateMachineCommand({ name: 'order', definition: ORDER, roleArn: 'r' }),
    );
    assert.equal(again.stateMachineArn, `${SM}order`);
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${SM}order` }));
    assert.deepEqual(JSON.parse(described.definition ?? ''), JSON.parse(ORDER));
    assert.equal(described.status, 'ACTIVE');
    const list = await sfn.send(new ListStateMachinesCommand({}));
    assert.deepEqual(
      list.stateMachines?.map((m) => m.name),
      ['order'],
    );
    await sfn.send(new CreateStateMachineCommand({ name: 'temp', definition: ORDER, roleArn: 'r' }));
    const updated = await sfn.send(
      new UpdateStateMachineCommand({
        stateMachineArn: `${SM}temp`,
        definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }),
      }),
    );
    assert.equal(updated.revisionId, '2');
    await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: `${SM}temp` }));
    await assert.rejects(
      sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${SM}temp` })),
      StateMachineDoesNotExist,
    );
  });

  it('refuses bad definitions, names and ARNs with Step Functions exceptions', async () => {
    const bad = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' } } });
    await assert.rejects(
      sfn.send(new CreateStateMachineCommand({ name: 'bad', definition: bad, roleArn: 'r' })),
      (e: unknown) => e instanceof InvalidDefinition && /States\.A/.test(e.message),
    );
    const validated = await sfn.send(new ValidateStateMachineDefinitionCommand({ definition: bad }));
    assert.equal(validated.result, 'FAIL');
    assert.ok((validated.diagnostics?.length ?? 0) > 0);
    assert.equal(
      (await sfn.send(new ValidateStateMachineDefinitionCommand({ definition: ORDER }))).result,
      'OK',
    );
    await assert.rejects(
      sfn.send(new CreateStateMachineCommand({ name: 'no spaces', definition: ORDER, roleArn: 'r' })),
      InvalidName,
    );
    await assert.rejects(sfn.send(new DescribeExecutionCommand({ executionArn: 'arn:nope' })), InvalidArn);
    await assert.rejects(
      sfn.send(new DescribeExecutionCommand({ executionArn: `${EX}order:missing` })),
      ExecutionDoesNotExist,
    );
    await assert.rejects(
      sfn.send(new StartExecutionCommand({ stateMachineArn: `${SM}missing` })),
      StateMachineDoesNotExist,
    );
  });

  it('runs an execution through a retried task to success, with its history', async () => {
    let calls = 0;
    h.invoker.script = (call) =>
      ++calls === 1
        ? { status: 'error', payload: null, error: { errorType: 'Flaky', errorMessage: 'again' } }
        : { payload: JSON.stringify({ total: JSON.parse(call.payload).qty * 5 }) };
    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: `${SM}order`, name: 'o-1', input: '{"qty":2}' }),
    );
    assert.equal(started.executionArn, `${EX}order:o-1`);
    const done = await finished(`${EX}order:o-1`);
    assert.equal(done.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(done.output ?? ''), { total: 10 });
    assert.equal(calls, 2);
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: `${EX}order:o-1` }));
    const types = history.events?.map((e) => e.type) ?? [];
    assert.equal(types[0], 'ExecutionStarted');
    assert.ok(types.includes('TaskFailed'));
    assert.equal(types.at(-1), 'ExecutionSucceeded');
    assert.equal(history.events?.[0]?.id, 1);
    const paged = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn: `${EX}order:o-1`, maxResults: 2 }),
    );
    assert.equal(paged.events?.length, 2);
    const rest = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn: `${EX}order:o-1`, nextToken: paged.nextToken }),
    );
    assert.equal(rest.events?.[0]?.id, 3);

    const same = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: `${SM}order`, name: 'o-1', input: '{"qty":2}' }),
    );
    assert.equal(same.executionArn, `${EX}order:o-1`);
    await assert.rejects(
      sfn.send(new StartExecutionCommand({ stateMachineArn: `${SM}order`, name: 'o-1', input: '{"qty":3}' })),
      ExecutionAlreadyExists,
    );
    const listed = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: `${SM}order`, statusFilter: 'SUCCEEDED' }),
    );
    assert.deepEqual(
      listed.executions?.map((e) => e.name),
      ['o-1'],
    );
  });

  it('fails through Catch, and redrives the failed execution', async () => {
    h.invoker.script = () => ({
      status: 'error',
      payload: null,
      error: { errorType: 'Declined', errorMessage: 'no' },
    });
    await sfn.send(
      new StartExecutionCommand({ stateMachineArn: `${SM}order`, name: 'o-2', input: '{"qty":1}' }),
    );
    const failed = await finished(`${EX}order:o-2`);
    assert.equal(failed.status, 'FAILED');
    assert.equal(failed.error, 'Order.Declined');
    h.invoker.script = () => ({ payload: '{"total":5}' });
    await sfn.send(new RedriveExecutionCommand({ executionArn: `${EX}order:o-2` }));
    const redriven = await finished(`${EX}order:o-2`);
    assert.equal(redriven.status, 'FAILED', 'a redrive restarts at the Fail state that failed');
    assert.equal(redriven.redriveCount, 1);
  });

  it('completes callback tasks with SendTaskSuccess / SendTaskFailure, and stops executions', async () => {
    await sfn.send(
      new CreateStateMachineCommand({
        name: 'approval',
        roleArn: 'r',
        definition: JSON.stringify({
          StartAt: 'Ask',
          States: {
            Ask: {
              Type: 'Task',
              Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
              Parameters: { FunctionName: 'ask', Payload: { 'token.$': '$$.Task.Token' } },
              End: true,
            },
          },
        }),
      }),
    );
    const tokenOf = async (n: number) => {
      await h.until('the callback invocation', () => h.invoker.calls.length >= n);
      return String(JSON.parse(h.invoker.calls[n - 1]?.payload ?? '{}').token);
    };
    const before = h.invoker.calls.length;
    await sfn.send(new StartExecutionCommand({ stateMachineArn: `${SM}approval`, name: 'yes' }));
    const token = await tokenOf(before + 1);
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"approved":true}' }));
    assert.equal((await finished(`${EX}approval:yes`)).output, '{"approved":true}');
    await assert.rejects(
      sfn.send(new SendTaskSuccessCommand({ taskToken: 'nope', output: '{}' })),
      TaskDoesNotExist,
    );

    await sfn.send(new StartExecutionCommand({ stateMachineArn: `${SM}approval`, name: 'no' }));
    const second = await tokenOf(before + 2);
    await sfn.send(new SendTaskFailureCommand({ taskToken: second, error: 'Rejected', cause: 'by a human' }));
    const rejected = await finished(`${EX}approval:no`);
    assert.equal(rejected.error, 'Rejected');

    await sfn.send(new StartExecutionCommand({ stateMachineArn: `${SM}approval`, name: 'later' }));
    await tokenOf(before + 3);
    const stopped = await sfn.send(
      new StopExecutionCommand({ executionArn: `${EX}approval:later`, cause: 'bored' }),
    );
    assert.ok(stopped.stopDate instanceof Date);
    const aborted = await sfn.send(new DescribeExecutionCommand({ executionArn: `${EX}approval:later` }));
    assert.equal(aborted.status, 'ABORTED');
    assert.equal(aborted.cause, 'bored');
  });

  it('answers StartSyncExecution once the execution has ended', async () => {
    await sfn.send(
      new CreateStateMachineCommand({
        name: 'quick',
        roleArn: 'r',
        definition: JSON.stringify({
          StartAt: 'P',
          States: { P: { Type: 'Pass', Result: { ok: 1 }, End: true } },
        }),
      }),
    );
    const result = await sfn.send(
      new StartSyncExecutionCommand({ stateMachineArn: `${SM}quick`, input: '{}' }),
    );
    assert.equal(result.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(result.output ?? ''), { ok: 1 });
  });
});
