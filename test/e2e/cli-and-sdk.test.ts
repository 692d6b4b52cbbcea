import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InvokeCommand, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { ADMIN_AUTH, ADMIN_KEY, type RunningServer, runCli, startServer, waitFor } from './harness.js';

const FILES = {
  'gust.yaml': `
service: clisdk
functions:
  greet:
    handler: greet.handler
    environment: { GREETING: Hello }
    events:
      - http: GET /greet/{name}
  boom:
    handler: greet.boom
`,
  'greet.js': `
    exports.handler = async (event, context) => {
      console.log('greeting', event.name);
      console.warn('careful');
      return { message: process.env.GREETING + ', ' + event.name, version: context.functionVersion };
    };
    exports.boom = async () => { throw new Error('kaboom'); };`,
};

let server: RunningServer;

before(async () => {
  server = await startServer(FILES);
});

after(async () => {
  await server.stop();
});

describe('the gust CLI against a running server', () => {
  it('lists functions in a table and as JSON', async () => {
    const table = await server.cli(['functions', 'ls']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /greet\s+nodejs20\.x/);
    assert.match(table.stdout, /boom/);
    const json = await server.cli(['functions', 'ls', '--json']);
    const parsed = JSON.parse(json.stdout) as { functions: { name: string }[] };
    assert.deepEqual(
      parsed.functions.map((f) => f.name),
      ['boom', 'greet'],
    );
  });

  it('invokes with a payload and prints the result', async () => {
    const result = await server.cli(['invoke', 'greet', '--payload', '{"name":"cli"}']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { message: 'Hello, cli', version: '$LATEST' });
  });

  it('reads the payload from a file with @', async () => {
    const file = join(server.appDir, 'payload.json');
    writeFileSync(file, '{"name":"file"}');
    const result = await server.cli(['invoke', 'greet', '--payload', `@${file}`]);
    assert.match(result.stdout, /Hello, file/);
  });

  it('exits 1 with the function error when the function fails', async () => {
    const result = await server.cli(['invoke', 'boom']);
    assert.equal(result.code, 1);
    assert.match(result.stdout + result.stderr, /kaboom/);
  });

  it('rejects a payload that is not JSON before sending it', async () => {
    const result = await server.cli(['invoke', 'greet', '--payload', '{nope']);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /payload/i);
  });

  it('says in one line when a function does not exist', async () => {
    const result = await server.cli(['invoke', 'nope']);
    assert.equal(result.code, 1);
    assert.equal(result.stderr.trim().split('\n').length, 1);
    assert.match(result.stderr, /nope.*ERR_FUNCTION_NOT_FOUND/);
  });

  it('invokes asynchronously and the invocation is recorded', async () => {
    const result = await server.cli(['invoke', 'greet', '--payload', '{"name":"later"}', '--async']);
    assert.equal(result.code, 0, result.stderr);
    const requestId = /[0-9a-f-]{36}/.exec(result.stdout)?.[0];
    assert.ok(requestId, result.stdout);
    const record = await waitFor('the async invocation record', async () => {
      const res = await fetch(`${server.url}/_gust/v1/invocations/${requestId}`, { headers: ADMIN_AUTH });
      if (!res.ok) return undefined;
      const view = (await res.json()) as { invocation: { trigger: string; status: string } | null };
      return view.invocation ?? undefined;
    });
    assert.equal(record.trigger, 'async');
    assert.equal(record.status, 'success');
  });

  it('shows logs with levels and the START/END/REPORT lines', async () => {
    await server.cli(['invoke', 'greet', '--payload', '{"name":"logs"}']);
    const logs = await waitFor('log lines', async () => {
      const r = await server.cli(['logs', 'greet']);
      return /greeting logs/.test(r.stdout) && /REPORT RequestId/.test(r.stdout) ? r : undefined;
    });
    assert.match(logs.stdout, /INFO\s+greeting logs/);
    assert.match(logs.stdout, /WARN\s+careful/);
    assert.match(logs.stdout, /START RequestId: \S+ Version: \$LATEST/);
    assert.match(logs.stdout, /REPORT RequestId: .*Duration: .*Billed Duration: .*Max Memory Used/);
  });

  it('lists invocation records', async () => {
    const result = await server.cli(['invocations', 'ls', 'greet']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /success/);
    assert.match(result.stdout, /invoke|async/);
  });

  it('redeploys changed code, publishes a version and invokes it by qualifier', async () => {
    const publish = await server.cli(['functions', 'publish', 'greet']);
    assert.equal(publish.code, 0, publish.stderr);
    writeFileSync(
      join(server.appDir, 'greet.js'),
      'exports.handler = async () => "v2"; exports.boom = async () => { throw new Error("kaboom"); };',
    );
    const deploy = await server.cli(['deploy', server.appDir]);
    assert.equal(deploy.code, 0, deploy.stderr);
    assert.match(deploy.stdout, /greet/);
    assert.equal(JSON.parse((await server.cli(['invoke', 'greet'])).stdout), 'v2');
    const v1 = await server.cli(['invoke', 'greet', '--qualifier', '1', '--payload', '{"name":"old"}']);
    assert.deepEqual(JSON.parse(v1.stdout), { message: 'Hello, old', version: '1' });
  });

  it('explains how to start Gust when nothing answers', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    const result = await runCli(['functions', 'ls', '--endpoint', `http://127.0.0.1:${port}`]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`cannot reach Gust at http://127\\.0\\.0\\.1:${port}`));
    assert.match(result.stderr, /gust up/);
  });
});

describe('the AWS SDK Lambda client against Gust', () => {
  const client = () =>
    new LambdaClient({
      endpoint: server.url,
      region: 'us-east-1',
      credentials: ADMIN_KEY,
    });

  it('invokes a function with InvokeCommand and reads the payload and log tail', async () => {
    const out = await client().send(
      new InvokeCommand({
        FunctionName: 'greet',
        Payload: Buffer.from(JSON.stringify({ name: 'sdk' })),
        LogType: 'Tail',
        Qualifier: '1',
      }),
    );
    assert.equal(out.StatusCode, 200);
    assert.equal(out.FunctionError, undefined);
    assert.equal(out.ExecutedVersion, '1');
    assert.deepEqual(JSON.parse(Buffer.from(out.Payload ?? []).toString()), {
      message: 'Hello, sdk',
      version: '1',
    });
    assert.match(Buffer.from(out.LogResult ?? '', 'base64').toString(), /greeting sdk/);
  });

  it('surfaces function errors and unknown functions as the SDK expects', async () => {
    const failed = await client().send(new InvokeCommand({ FunctionName: 'boom' }));
    assert.equal(failed.FunctionError, 'Unhandled');
    assert.match(Buffer.from(failed.Payload ?? []).toString(), /kaboom/);
    await assert.rejects(
      client().send(new InvokeCommand({ FunctionName: 'nope' })),
      ResourceNotFoundException,
    );
  });

  it('accepts Event invocations with 202', async () => {
    const out = await client().send(new InvokeCommand({ FunctionName: 'greet', InvocationType: 'Event' }));
    assert.equal(out.StatusCode, 202);
  });
});
