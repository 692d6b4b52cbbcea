import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type RunningServer, startServer, waitFor } from './harness.js';

/**
 * Workflows survive a crash: an execution with a Wait and several Tasks is started, the server is
 * killed with SIGKILL while a Task runs, and after a restart on the same data the execution ends
 * with every Task run at least once, in order, and no state skipped.
 */

const DEFINITION = {
  StartAt: 'Reserve',
  States: {
    Reserve: {
      Type: 'Task',
      Resource: 'step',
      Parameters: { step: 'reserve' },
      ResultPath: '$.reserve',
      Next: 'Pause',
    },
    Pause: { Type: 'Wait', Seconds: 1, Next: 'Charge' },
    Charge: {
      Type: 'Task',
      Resource: 'step',
      Parameters: { step: 'charge', slow: true },
      ResultPath: '$.charge',
      Next: 'Ship',
    },
    Ship: {
      Type: 'Task',
      Resource: 'step',
      Parameters: { step: 'ship' },
      ResultPath: '$.ship',
      Next: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
};

const FILES = {
  'gust.yaml': `
service: durable
workflows:
  chain:
    definition: ./chain.asl.json
functions:
  step:
    handler: step.handler
    timeout: 30
`,
  'chain.asl.json': JSON.stringify(DEFINITION, null, 2),
  // Each call appends "STEP start" and "STEP end" to a log file outside the data folder; the slow
  // step takes long enough for the test to kill the server while it runs (once).
  'step.js': `
const fs = require('node:fs');
exports.handler = async (event) => {
  const log = process.env.STEP_LOG;
  fs.appendFileSync(log, event.step + ' start\\n');
  const seen = fs.readFileSync(log, 'utf8').split('\\n').filter((l) => l === event.step + ' start').length;
  if (event.slow && seen === 1) await new Promise((r) => setTimeout(r, 20000));
  fs.appendFileSync(log, event.step + ' end\\n');
  return { done: event.step };
};
`,
};

const SFN_SDK = createRequire(import.meta.url).resolve('@aws-sdk/client-sfn');

/** A callback task completed by a function with its role's credentials and the SFN SDK. */
const CALLBACK_APP = {
  'gust.yaml': `
service: approvals
workflows:
  approval:
    definition: ./approval.asl.json
functions:
  approver:
    handler: approver.handler
    timeout: 20
    environment:
      SFN_SDK: "${SFN_SDK}"
      AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: "1"
    permissions:
      - Effect: Allow
        Action: [states:SendTaskSuccess]
        Resource: gust:workflow:approval
`,
  'approval.asl.json': JSON.stringify({
    StartAt: 'Ask',
    States: {
      Ask: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: {
          FunctionName: 'approver',
          Payload: { 'token.$': '$$.Task.Token', 'execution.$': '$$.Execution.Id' },
        },
        TimeoutSeconds: 60,
        End: true,
      },
    },
  }),
  'approver.js': `
const { SFNClient, SendTaskSuccessCommand, DescribeExecutionCommand } = require(process.env.SFN_SDK);
exports.handler = async (event) => {
  const sfn = new SFNClient({ maxAttempts: 1 });
  let describe = 'allowed';
  try {
    await sfn.send(new DescribeExecutionCommand({ executionArn: event.execution }));
  } catch (error) {
    describe = error.name;
  }
  await sfn.send(new SendTaskSuccessCommand({ taskToken: event.token, output: JSON.stringify({ approved: true, describe }) }));
};
`,
};

let server: RunningServer | undefined;
after(async () => {
  await server?.stop();
});

describe('workflows end to end', () => {
  it('finishes an execution after kill -9 mid-Task, running each Task at least once and skipping none', async () => {
    const log = join(process.env.TMPDIR ?? '/tmp', `gust-e2e-steps-${process.pid}-${Date.now()}.log`);
    const env = { STEP_LOG: log };
    server = await startServer(
      {
        ...FILES,
        'gust.yaml': FILES['gust.yaml'].replace(
          'timeout: 30',
          `timeout: 30\n    environment:\n      STEP_LOG: ${log}`,
        ),
      },
      { env },
    );
    const started = await server.api<{ name: string; status: string }>(
      '/_gust/v1/workflows/chain/executions',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'order-1', input: { id: 1 } }),
      },
    );
    assert.equal(started.status, 'RUNNING');
    const lines = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);
    await waitFor(
      'the slow Charge task to start',
      async () => (lines().includes('charge start') ? true : undefined),
      20_000,
    );
    const { appDir, dataDir } = server;
    await server.kill9();
    server = await startServer({}, { reuse: { appDir, dataDir }, env });
    const url = '/_gust/v1/workflows/chain/executions/order-1';
    const done = await waitFor(
      'the execution to end after the restart',
      async () => {
        const e = await server?.api<{ status: string; output: unknown }>(url);
        return e && e.status !== 'RUNNING' ? e : undefined;
      },
      60_000,
    );
    assert.equal(done.status, 'SUCCEEDED', JSON.stringify(done));
    assert.deepEqual(done.output, {
      id: 1,
      reserve: { done: 'reserve' },
      charge: { done: 'charge' },
      ship: { done: 'ship' },
    });
    const calls = lines();
    for (const step of ['reserve', 'charge', 'ship'])
      assert.ok(calls.includes(`${step} end`), `${step} ran: ${calls}`);
    assert.ok(calls.filter((l) => l === 'charge start').length >= 2, 'the interrupted Task ran again');
    assert.ok(calls.indexOf('reserve end') < calls.indexOf('charge start'));
    assert.ok(calls.lastIndexOf('charge end') < calls.indexOf('ship start'));
    const { events } = await server.api<{
      events: { type: string; stateEnteredEventDetails?: { name: string } }[];
    }>(`${url}/history`);
    const entered = events
      .filter((e) => e.type.endsWith('StateEntered'))
      .map((e) => e.stateEnteredEventDetails?.name);
    assert.deepEqual([...new Set(entered)], ['Reserve', 'Pause', 'Charge', 'Ship', 'Done']);
    assert.equal(events.filter((e) => e.type === 'ExecutionSucceeded').length, 1);
  });

  it('lets a function complete its task with its role: SendTaskSuccess allowed, other calls denied', async () => {
    await server?.stop();
    server = await startServer(CALLBACK_APP);
    await server.api('/_gust/v1/workflows/approval/executions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'a-1' }),
    });
    const done = await waitFor(
      'the approval to end',
      async () => {
        const e = await server?.api<{ status: string; output: unknown }>(
          '/_gust/v1/workflows/approval/executions/a-1',
        );
        return e && e.status !== 'RUNNING' ? e : undefined;
      },
      30_000,
    );
    assert.equal(done.status, 'SUCCEEDED', JSON.stringify(done));
    assert.deepEqual(done.output, { approved: true, describe: 'AccessDeniedException' });
  });
});

describe('event rules that start workflows', () => {
  let server: RunningServer | undefined;
  after(async () => {
    await server?.stop();
  });

  it('starts an execution for each matching event, with the event as input, once', async () => {
    server = await startServer({
      'gust.yaml': `
service: ruled
workflows:
  greet:
    definition: ./greet.asl.json
rules:
  on-order:
    pattern: { source: [shop], detail-type: [OrderPlaced] }
    targets: [workflow:greet]
functions:
  noop:
    handler: noop.handler
`,
      'noop.js': 'exports.handler = async () => ({});',
      'greet.asl.json': JSON.stringify({
        StartAt: 'Hello',
        States: { Hello: { Type: 'Pass', Parameters: { 'order.$': '$.detail.id' }, End: true } },
      }),
    });
    const published = await server.api<{ matchedRules: string[] }>('/_gust/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'shop', detailType: 'OrderPlaced', detail: { id: 'o-42' } }),
    });
    assert.deepEqual(published.matchedRules, ['on-order']);
    const running = server;
    const execution = await waitFor('the rule-started execution to succeed', async () => {
      const { executions } = await running.api<{ executions: { name: string; status: string }[] }>(
        '/_gust/v1/workflows/greet/executions',
      );
      return executions.length === 1 && executions[0]?.status === 'SUCCEEDED' ? executions[0] : undefined;
    });
    assert.match(execution.name, /^on-order-/);
    const described = await running.api<{ output: unknown }>(
      `/_gust/v1/workflows/greet/executions/${encodeURIComponent(execution.name)}`,
    );
    const output = typeof described.output === 'string' ? JSON.parse(described.output) : described.output;
    assert.deepEqual(output, { order: 'o-42' });
  });
});

describe('scheduled rules', () => {
  let server: RunningServer | undefined;
  after(async () => {
    await server?.stop();
  });

  it('start a workflow and feed a queue at each tick, with the Scheduled Event as input', async () => {
    server = await startServer({
      'gust.yaml': `
service: cronned
workflows:
  nightly:
    definition: ./nightly.asl.json
queues:
  ticks: {}
rules:
  every-second:
    schedule: { cron: "* * * * * *" }
    targets: [workflow:nightly, queue:ticks]
functions:
  noop:
    handler: noop.handler
`,
      'noop.js': 'exports.handler = async () => ({});',
      'nightly.asl.json': JSON.stringify({
        StartAt: 'Report',
        States: {
          Report: { Type: 'Pass', Parameters: { 'at.$': '$.time', 'source.$': '$.source' }, End: true },
        },
      }),
    });
    const running = server;
    const executions = await waitFor('two scheduled executions to succeed', async () => {
      const { executions } = await running.api<{ executions: { name: string; status: string }[] }>(
        '/_gust/v1/workflows/nightly/executions',
      );
      const done = executions.filter((e) => e.status === 'SUCCEEDED');
      return done.length >= 2 ? done : undefined;
    });
    assert.equal(new Set(executions.map((e) => e.name)).size, executions.length);
    const first = executions[0];
    assert.ok(first);
    const described = await running.api<{ output: unknown }>(
      `/_gust/v1/workflows/nightly/executions/${encodeURIComponent(first.name)}`,
    );
    const output = (
      typeof described.output === 'string' ? JSON.parse(described.output) : described.output
    ) as {
      at: string;
      source: string;
    };
    assert.equal(output.source, 'aws.events');
    assert.match(output.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const { messages } = await running.api<{ messages: { body: string }[] }>(
      '/_gust/v1/queues/ticks/messages',
    );
    assert.ok(messages.length >= 1);
    const event = JSON.parse(messages[0]?.body ?? '{}') as { 'detail-type': string; resources: string[] };
    assert.equal(event['detail-type'], 'Scheduled Event');
    assert.match(event.resources[0] ?? '', /:rule\/every-second$/);
    const { schedules } = await running.api<{ schedules: { id: string; rule: string | null }[] }>(
      '/_gust/v1/schedules',
    );
    assert.ok(
      schedules.some((s) => s.id === 'rule:default/every-second' && s.rule === 'default/every-second'),
    );
  });
});
