import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type FakeApi, runAgainst, startFakeApi } from '../fake-api.js';

const T = Date.UTC(2026, 0, 1, 9, 0, 0);
const execution = {
  name: 'order-7',
  workflow: 'order',
  arn: 'arn:aws:states:us-east-1:000000000000:execution:order:order-7',
  status: 'SUCCEEDED',
  startedAt: T,
  stoppedAt: T + 1500,
  redriveCount: 0,
  input: { id: 7 },
  output: { total: 30 },
  error: null,
  cause: null,
};

let api: FakeApi;
before(async () => {
  api = await startFakeApi({
    'GET /_gust/v1/workflows': {
      body: {
        workflows: [
          { name: 'order', arn: 'a', type: 'STANDARD', service: 'shop', revision: 2, updatedAt: T },
        ],
      },
    },
    'GET /_gust/v1/workflows/order/executions': { body: { executions: [execution] } },
    'POST /_gust/v1/workflows/order/executions': { status: 201, body: { ...execution, status: 'RUNNING' } },
    'GET /_gust/v1/workflows/order/executions/order-7': { body: execution },
    'GET /_gust/v1/workflows/order/executions/order-7/history': {
      body: {
        events: [
          { id: 1, type: 'ExecutionStarted', timestamp: T },
          { id: 2, type: 'TaskStateEntered', timestamp: T, stateEnteredEventDetails: { name: 'Charge' } },
        ],
      },
    },
    'POST /_gust/v1/tasks/success': { body: {} },
  });
});
after(async () => {
  await api.close();
});

describe('gust workflows', () => {
  test('ls prints a table of workflows', async () => {
    const { code, stdout } = await runAgainst(api.url, ['workflows', 'ls']);
    assert.equal(code, 0);
    assert.match(stdout, /^NAME\s+TYPE\s+SERVICE\s+REVISION\s+UPDATED/);
    assert.match(stdout, /\norder\s+STANDARD\s+shop\s+2\s/);
  });

  test('executions lists them, and --status filters through the API', async () => {
    const { code, stdout } = await runAgainst(api.url, [
      'workflows',
      'executions',
      'order',
      '--status',
      'succeeded',
    ]);
    assert.equal(code, 0);
    assert.match(stdout, /order-7\s+SUCCEEDED/);
    assert.equal(api.requests.at(-1)?.query.get('status'), 'SUCCEEDED');
  });

  test('start sends the input and name, and refuses input that is not JSON', async () => {
    const { code, stdout } = await runAgainst(api.url, [
      'workflows',
      'start',
      'order',
      '--input',
      '{"id":7}',
      '--name',
      'order-7',
    ]);
    assert.equal(code, 0);
    assert.match(stdout, /Started order\/order-7 \(RUNNING\)/);
    assert.deepEqual(JSON.parse(api.requests.at(-1)?.body.toString() ?? ''), {
      name: 'order-7',
      input: { id: 7 },
    });
    const bad = await runAgainst(api.url, ['workflows', 'start', 'order', '--input', '{id']);
    assert.equal(bad.code, 2, 'a usage error');
    assert.match(bad.stderr, /--input is not JSON/);
  });

  test('describe shows status, input and output; --json the API answer', async () => {
    const { stdout } = await runAgainst(api.url, ['workflows', 'describe', 'order', 'order-7']);
    assert.match(stdout, /status:\s+SUCCEEDED/);
    assert.match(stdout, /output:\s+\{"total":30\}/);
    const json = await runAgainst(api.url, ['--json', 'workflows', 'describe', 'order', 'order-7']);
    assert.deepEqual(JSON.parse(json.stdout), execution);
  });

  test('history prints one line per event with the state it concerns', async () => {
    const { stdout } = await runAgainst(api.url, ['workflows', 'history', 'order', 'order-7']);
    assert.match(stdout, /\n2\s+.*TaskStateEntered\s+Charge/);
  });

  test('tasks success sends the token and output', async () => {
    const { code } = await runAgainst(api.url, ['tasks', 'success', 'tok', '--output', '{"ok":true}']);
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(api.requests.at(-1)?.body.toString() ?? ''), {
      taskToken: 'tok',
      output: { ok: true },
    });
  });
});
