/**
 * Authentication, authorization, keys, policies, function roles and the audit log, against a real
 * Gust started in this process (startGust) and driven over HTTP, the AWS SDK and the CLI.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ACTIONS, PUBLIC_OPERATIONS } from '../../src/auth/policy/actions.js';
import { captureIo } from '../../src/cli/fake-api.js';
import { runCli } from '../../src/cli/main.js';
import { packApp } from '../../src/cli/pack.js';
import { type RunningGust, startGust } from '../../src/server.js';
import { ADMIN_KEY, writeApp } from './harness.js';

const SQS_SDK = createRequire(import.meta.url).resolve('@aws-sdk/client-sqs');

const APP = {
  'gust.yaml': `
service: secure
queues:
  allowed: {}
  forbidden: {}
functions:
  hello:
    handler: fn.hello
  sender:
    handler: fn.send
    timeout: 10
    environment:
      SQS_SDK: "${SQS_SDK}"
      AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: "1"
    permissions:
      - Effect: Allow
        Action: [queue:Get, queue:Send]
        Resource: gust:queue:allowed
`,
  'fn.js': `
exports.hello = async () => ({ hello: 'world' });
exports.send = async (event) => {
  const { SQSClient, GetQueueUrlCommand, SendMessageCommand } = require(process.env.SQS_SDK);
  const sqs = new SQSClient({ maxAttempts: 1 });
  try {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: event.queue }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'from the role' }));
    return { sent: true };
  } catch (error) {
    return { sent: false, error: error.name, message: error.message };
  }
};
`,
};

const bearer = (id: string, secret: string) => ({ authorization: `Bearer gust_${id}_${secret}` });
const ADMIN = bearer(ADMIN_KEY.accessKeyId, ADMIN_KEY.secretAccessKey);

let gust: RunningGust;
let appDir: string;
let dataDir: string;

before(async () => {
  appDir = writeApp(APP);
  dataDir = mkdtempSync(join(tmpdir(), 'gust-security-'));
  gust = await startGust({
    appDir,
    host: '127.0.0.1',
    port: 0,
    dataDir,
    genericPoolSize: 1,
    logger: () => {},
    env: {
      GUST_BOOTSTRAP_ACCESS_KEY_ID: ADMIN_KEY.accessKeyId,
      GUST_BOOTSTRAP_SECRET_ACCESS_KEY: ADMIN_KEY.secretAccessKey,
    },
  });
});

after(async () => {
  await gust.stop();
  rmSync(appDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

async function call(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string | Uint8Array,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = body;
  const res = await fetch(`${gust.url}${path}`, init);
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    json = { text };
  }
  return { status: res.status, json };
}

const errorCode = (json: Record<string, unknown>): string | undefined =>
  (json.error as { code?: string } | undefined)?.code ?? (json.__type as string | undefined);

async function createKey(
  name: string,
  policies: string[],
): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  const created = await call(
    'POST',
    '/_gust/v1/keys',
    { ...ADMIN, 'content-type': 'application/json' },
    JSON.stringify({ name, policies }),
  );
  assert.equal(created.status, 201, JSON.stringify(created.json));
  return created.json as { accessKeyId: string; secretAccessKey: string };
}

/** AWS JSON services by the prefix the catalogue uses for their operations. */
const AWS_TARGETS: Record<string, string> = {
  SQS: 'AmazonSQS',
  EventBridge: 'AWSEvents',
  SecretsManager: 'secretsmanager',
  StepFunctions: 'AWSStepFunctions',
};

interface Probe {
  operation: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

/**
 * One request per documented operation, with a body good enough to reach the authorization check
 * (a body the handler cannot parse would be refused before the check is made).
 */
async function probes(ownKeyId: string): Promise<Probe[]> {
  const archive = await packApp(appDir);
  const queueUrl = `${gust.url}/000000000000/allowed`;
  const awsBody = JSON.stringify({
    QueueName: 'allowed',
    QueueUrl: queueUrl,
    SourceArn: 'arn:aws:sqs:us-east-1:000000000000:allowed',
    Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }],
    Name: 'default',
    Rule: 'r',
    SecretId: 'db/password',
    SecretString: 'x',
    name: 'allowed',
    definition: '{}',
    stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:allowed',
    executionArn: 'arn:aws:states:us-east-1:000000000000:execution:allowed:e',
    taskToken: 'no-such-token',
    output: '{}',
  });
  const bodies: Record<string, string | Uint8Array> = {
    'POST /_gust/v1/deploy': archive,
    'POST /_gust/v1/keys': JSON.stringify({ name: 'escalate', policies: ['admin'] }),
    'POST /_gust/v1/keys/{id}/policies': JSON.stringify({ policies: ['admin'] }),
    'POST /_gust/v1/queues': JSON.stringify({ name: 'newq' }),
    'POST /_gust/v1/events': JSON.stringify({ source: 's', detailType: 'd', detail: {} }),
    'PUT /_gust/v1/policies/{name}': JSON.stringify({ document: { Statement: [] } }),
    'PUT /_gust/v1/workflows/{name}': JSON.stringify({ definition: {} }),
    'POST /_gust/v1/tasks/success': JSON.stringify({ taskToken: 'no-such-token' }),
    'POST /_gust/v1/tasks/failure': JSON.stringify({ taskToken: 'no-such-token' }),
    'POST /_gust/v1/tasks/heartbeat': JSON.stringify({ taskToken: 'no-such-token' }),
  };
  const operations = [...ACTIONS.flatMap((a) => a.operations), ...PUBLIC_OPERATIONS];
  return operations.map((operation): Probe => {
    const space = operation.indexOf(' ');
    const kind = operation.slice(0, space);
    const rest = operation.slice(space + 1);
    const target = AWS_TARGETS[kind];
    if (target !== undefined) {
      return {
        operation,
        method: 'POST',
        path: '/',
        headers: { 'x-amz-target': `${target}.${rest}`, 'content-type': 'application/x-amz-json-1.0' },
        body: awsBody,
      };
    }
    assert.match(kind, /^(GET|POST|PUT|PATCH|DELETE)$/, `the test knows how to call '${operation}'`);
    const path = rest
      .replace('{id}', ownKeyId)
      .replace('{requestId}', 'r-1')
      .replace(/\{[a-zA-Z]+\}/g, 'allowed');
    const body = bodies[operation];
    const probe: Probe = { operation, method: kind, path, headers: {} };
    if (body !== undefined) {
      probe.body = body;
      probe.headers['content-type'] = typeof body === 'string' ? 'application/json' : 'application/gzip';
    }
    return probe;
  });
}

describe('every API route requires credentials', () => {
  it('answers 401 to every documented operation without credentials, except the public health check', async () => {
    const all = await probes('GKNOSUCHKEY234567ABC');
    assert.ok(all.length > 60, `found ${all.length} operations`);
    for (const probe of all) {
      const res = await call(probe.method, probe.path, probe.headers, probe.body);
      if (PUBLIC_OPERATIONS.includes(probe.operation)) {
        assert.equal(res.status, 200, probe.operation);
        continue;
      }
      assert.equal(res.status, 401, `${probe.operation}: ${JSON.stringify(res.json)}`);
      assert.match(JSON.stringify(res.json), /no credentials/, probe.operation);
    }
  });

  it('answers 403 ERR_ACCESS_DENIED to every operation for a key whose policy denies everything', async () => {
    const put = await call(
      'PUT',
      '/_gust/v1/policies/nothing',
      { ...ADMIN, 'content-type': 'application/json' },
      JSON.stringify({
        document: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] },
      }),
    );
    assert.equal(put.status, 201, JSON.stringify(put.json));
    const key = await createKey('powerless', ['nothing']);
    const auth = bearer(key.accessKeyId, key.secretAccessKey);
    for (const probe of await probes(key.accessKeyId)) {
      if (PUBLIC_OPERATIONS.includes(probe.operation)) continue;
      const res = await call(probe.method, probe.path, { ...probe.headers, ...auth }, probe.body);
      assert.equal(res.status, 403, `${probe.operation}: ${JSON.stringify(res.json)}`);
      assert.match(errorCode(res.json) ?? '', /ERR_ACCESS_DENIED|AccessDenied/, probe.operation);
    }
    // Nothing the denied calls asked for happened.
    const functions = await call('GET', '/_gust/v1/functions', ADMIN);
    assert.deepEqual((functions.json.functions as { name: string }[]).map((f) => f.name).sort(), [
      'hello',
      'sender',
    ]);
    const keys = await call('GET', '/_gust/v1/keys', ADMIN);
    assert.ok(!(keys.json.keys as { name: string }[]).some((k) => k.name === 'escalate'));
  });
});

describe('API keys', () => {
  it('refuses a wrong secret, and a key once disabled or deleted; enabling restores it', async () => {
    const key = await createKey('reader', ['read-only']);
    const good = bearer(key.accessKeyId, key.secretAccessKey);
    assert.equal((await call('GET', '/_gust/v1/functions', good)).status, 200);
    const wrong = await call('GET', '/_gust/v1/functions', bearer(key.accessKeyId, 'x'.repeat(40)));
    assert.equal(wrong.status, 403);
    assert.equal(errorCode(wrong.json), 'ERR_INVALID_CREDENTIALS');
    assert.equal((await call('POST', `/_gust/v1/keys/${key.accessKeyId}/disable`, ADMIN)).status, 200);
    assert.equal(errorCode((await call('GET', '/_gust/v1/functions', good)).json), 'ERR_INVALID_CREDENTIALS');
    assert.equal((await call('POST', `/_gust/v1/keys/${key.accessKeyId}/enable`, ADMIN)).status, 200);
    assert.equal((await call('GET', '/_gust/v1/functions', good)).status, 200);
    assert.equal((await call('DELETE', `/_gust/v1/keys/${key.accessKeyId}`, ADMIN)).status, 204);
    assert.equal((await call('GET', '/_gust/v1/functions', good)).status, 403);
  });

  it('lets a read-only key read but not deploy, naming the action it lacks', async () => {
    const key = await createKey('viewer', ['read-only']);
    const auth = bearer(key.accessKeyId, key.secretAccessKey);
    const denied = await call('DELETE', '/_gust/v1/functions/hello', auth);
    assert.equal(denied.status, 403);
    assert.match(
      String((denied.json.error as { message: string }).message),
      /function:Delete on gust:function:hello/,
    );
    assert.equal((await call('GET', '/_gust/v1/functions/hello', auth)).status, 200);
  });

  it('never lists a secret, and refuses to lock everyone out', async () => {
    const listed = await call('GET', '/_gust/v1/keys', ADMIN);
    const text = JSON.stringify(listed.json);
    assert.ok(!text.includes(ADMIN_KEY.secretAccessKey));
    assert.ok(!/secret/i.test(Object.keys((listed.json.keys as object[])[0] ?? {}).join(',')));
    const lockout = await call('POST', `/_gust/v1/keys/${ADMIN_KEY.accessKeyId}/disable`, ADMIN);
    assert.equal(lockout.status, 409);
    assert.match(JSON.stringify(lockout.json), /lock everyone out/);
  });

  it('refuses a policy document that is not valid, naming the field', async () => {
    const res = await call(
      'PUT',
      '/_gust/v1/policies/broken',
      { ...ADMIN, 'content-type': 'application/json' },
      JSON.stringify({
        document: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'queue:Sned', Resource: '*' }],
        },
      }),
    );
    assert.equal(res.status, 400);
    assert.equal(errorCode(res.json), 'ERR_INVALID_POLICY');
    assert.match(JSON.stringify(res.json), /queue:Send/);
  });
});

describe('AWS Signature Version 4 with the real Lambda client', () => {
  const client = (secretAccessKey: string, systemClockOffset = 0) =>
    new LambdaClient({
      endpoint: gust.url,
      region: 'us-east-1',
      credentials: { accessKeyId: ADMIN_KEY.accessKeyId, secretAccessKey },
      maxAttempts: 1,
      systemClockOffset,
    });

  it('accepts a request signed with the right secret', async () => {
    const out = await client(ADMIN_KEY.secretAccessKey).send(new InvokeCommand({ FunctionName: 'hello' }));
    assert.equal(out.StatusCode, 200);
    assert.deepEqual(JSON.parse(Buffer.from(out.Payload ?? []).toString()), { hello: 'world' });
  });

  it('rejects a wrong secret and a stale timestamp', async () => {
    await assert.rejects(client('y'.repeat(40)).send(new InvokeCommand({ FunctionName: 'hello' })), {
      name: 'InvalidSignatureException',
    });
    // The SDK corrects its clock after such an answer; with one attempt it cannot retry.
    await assert.rejects(
      client(ADMIN_KEY.secretAccessKey, -15 * 60 * 1000).send(new InvokeCommand({ FunctionName: 'hello' })),
      (error: Error) => /expired|skew|time/i.test(error.message),
    );
  });
});

describe('function roles', () => {
  it('lets a function call what its role allows, and answers 403 for the rest', async () => {
    const invokeSender = async (queue: string) => {
      const res = await call(
        'POST',
        '/2015-03-31/functions/sender/invocations',
        ADMIN,
        JSON.stringify({ queue }),
      );
      assert.equal(res.status, 200, JSON.stringify(res.json));
      return res.json as { sent: boolean; error?: string; message?: string };
    };
    assert.deepEqual(await invokeSender('allowed'), { sent: true });
    const denied = await invokeSender('forbidden');
    assert.equal(denied.sent, false);
    assert.match(denied.error ?? '', /AccessDenied/);
    assert.match(denied.message ?? '', /function:sender.*queue:Get on gust:queue:forbidden/);
    const messages = await call('GET', '/_gust/v1/queues/forbidden/messages', ADMIN);
    assert.deepEqual(messages.json.messages, []);
  });
});

describe('the audit log', () => {
  it('records control-plane changes and denials with who, what, where from and how it ended', async () => {
    const key = await createKey('audited', ['read-only']);
    const json = { ...ADMIN, 'content-type': 'application/json' };
    // Each kind of control-plane change the issue names: deploy, delete, key and policy changes,
    // secret writes and reads, redrive, purge.
    const extra = writeApp({
      'gust.yaml': 'service: extra\nfunctions:\n  temp:\n    handler: t.h\n',
      't.js': 'exports.h = async () => 1;',
    });
    try {
      const deployed = await call(
        'POST',
        '/_gust/v1/deploy',
        { ...ADMIN, 'content-type': 'application/gzip' },
        await packApp(extra),
      );
      assert.equal(deployed.status, 200, JSON.stringify(deployed.json));
    } finally {
      rmSync(extra, { recursive: true, force: true });
    }
    assert.equal((await call('DELETE', '/_gust/v1/functions/temp', ADMIN)).status, 204);
    assert.equal((await call('POST', `/_gust/v1/keys/${key.accessKeyId}/disable`, ADMIN)).status, 200);
    assert.equal((await call('POST', `/_gust/v1/keys/${key.accessKeyId}/enable`, ADMIN)).status, 200);
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'queue:Get', Resource: '*' }],
    };
    assert.equal(
      (await call('PUT', '/_gust/v1/policies/audited', json, JSON.stringify({ document: policy }))).status,
      201,
    );
    assert.equal(
      (
        await call(
          'PUT',
          '/_gust/v1/secrets/audit%2Ftoken/value',
          json,
          JSON.stringify({ value: 's3cr3t-value' }),
        )
      ).status < 300,
      true,
    );
    assert.equal((await call('GET', '/_gust/v1/secrets/audit%2Ftoken/value', ADMIN)).status, 200);
    await call('POST', '/_gust/v1/dlq/forbidden/redrive', json, '{}');
    await call('POST', '/_gust/v1/queues/allowed/purge', ADMIN);
    await call('POST', '/_gust/v1/queues/allowed/purge', bearer(key.accessKeyId, key.secretAccessKey));
    await call('GET', '/_gust/v1/functions', bearer(key.accessKeyId, 'z'.repeat(40)));
    const res = await call('GET', '/_gust/v1/audit?limit=1000', ADMIN);
    const entries = res.json.entries as {
      principal: string;
      action: string;
      resource: string;
      outcome: string;
      sourceIp: string;
      status: number;
    }[];
    const find = (p: Partial<(typeof entries)[number]>) =>
      entries.find((e) => Object.entries(p).every(([k, v]) => e[k as keyof typeof e] === v));
    for (const [action, resource] of [
      ['function:Deploy', 'gust:function:temp'],
      ['function:Delete', 'gust:function:temp'],
      ['keys:Disable', `gust:key:${key.accessKeyId}`],
      ['policies:Put', 'gust:policy:audited'],
      ['secrets:Put', 'gust:secret:audit/token'],
      ['secrets:Get', 'gust:secret:audit/token'],
      ['queue:Redrive', 'gust:queue:forbidden'],
    ] as const) {
      assert.ok(
        find({ principal: ADMIN_KEY.accessKeyId, action, resource }),
        `${action} on ${resource} is audited`,
      );
    }
    // The audit log never holds a secret's value.
    assert.ok(!JSON.stringify(entries).includes('s3cr3t-value'));
    assert.ok(
      find({ principal: ADMIN_KEY.accessKeyId, action: 'keys:Create', outcome: 'allowed', status: 201 }),
    );
    assert.ok(
      find({
        principal: ADMIN_KEY.accessKeyId,
        action: 'queue:Purge',
        resource: 'gust:queue:allowed',
        outcome: 'allowed',
      }),
    );
    assert.ok(find({ principal: key.accessKeyId, action: 'queue:Purge', outcome: 'denied', status: 403 }));
    assert.ok(find({ principal: 'unauthenticated', action: 'auth:Authenticate', outcome: 'denied' }));
    assert.ok(entries.every((e) => e.sourceIp === '127.0.0.1'));
    // Reads are not audited; the audit log itself has no route that changes it.
    assert.ok(!find({ action: 'function:List', outcome: 'allowed' }));
    assert.equal((await call('DELETE', '/_gust/v1/audit', ADMIN)).status, 405);
  });
});

describe('the CLI with keys', () => {
  it('creates, lists and disables keys, and reads the audit log, with credentials from the environment', async () => {
    const env = {
      GUST_ENDPOINT: gust.url,
      GUST_ACCESS_KEY_ID: ADMIN_KEY.accessKeyId,
      GUST_SECRET_ACCESS_KEY: ADMIN_KEY.secretAccessKey,
      GUST_CONFIG_DIR: join(dataDir, 'no-config'),
    };
    const created = captureIo({ env });
    assert.equal(
      await runCli(['keys', 'create', 'ci', '--policy', 'deployer', '--json'], created.io),
      0,
      created.stderr(),
    );
    const key = JSON.parse(created.stdout()) as { accessKeyId: string; secretAccessKey: string };
    const listed = captureIo({ env });
    assert.equal(await runCli(['keys', 'ls'], listed.io), 0, listed.stderr());
    assert.match(listed.stdout(), new RegExp(`${key.accessKeyId}\\s+ci\\s+deployer\\s+active`));
    assert.ok(!listed.stdout().includes(key.secretAccessKey));
    const disabled = captureIo({ env });
    assert.equal(await runCli(['keys', 'disable', key.accessKeyId], disabled.io), 0, disabled.stderr());
    assert.match(disabled.stdout(), /is disabled/);
    const audit = captureIo({ env });
    assert.equal(await runCli(['audit', '--action', 'keys:Disable'], audit.io), 0, audit.stderr());
    assert.match(audit.stdout(), new RegExp(`keys:Disable\\s+gust:key:${key.accessKeyId}\\s+allowed 200`));
  });

  it('says where to get credentials when it has none', async () => {
    const io = captureIo({ env: { GUST_ENDPOINT: gust.url, GUST_CONFIG_DIR: join(dataDir, 'no-config') } });
    assert.equal(await runCli(['functions', 'ls'], io.io), 1);
    assert.match(io.stderr(), /no credentials.*GUST_ACCESS_KEY_ID/s);
  });
});

describe('the first admin key', () => {
  it('is created on first start, printed once and saved 0600 for the CLI; a restart creates none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gust-bootstrap-'));
    const credentialsFile = join(dir, 'config', 'credentials.json');
    const lines: string[] = [];
    const options = {
      host: '127.0.0.1',
      port: 0,
      dataDir: join(dir, 'data'),
      genericPoolSize: 0,
      logger: (l: string) => lines.push(l),
      env: {},
      credentialsFile,
    };
    try {
      const first = await startGust(options);
      const key = first.bootstrapKey;
      assert.ok(key);
      assert.ok(
        lines.some((l) => l.includes(key.secretAccessKey)),
        'the secret is printed once',
      );
      assert.equal(statSync(credentialsFile).mode & 0o777, 0o600);
      const saved = JSON.parse(readFileSync(credentialsFile, 'utf8')) as {
        servers: Record<string, { accessKeyId: string; secretAccessKey: string }>;
      };
      assert.deepEqual(saved.servers[first.url], {
        ...saved.servers[first.url],
        accessKeyId: key.accessKeyId,
        secretAccessKey: key.secretAccessKey,
      });
      const io = captureIo({ env: { GUST_ENDPOINT: first.url, GUST_CONFIG_DIR: join(dir, 'config') } });
      assert.equal(await runCli(['keys', 'ls'], io.io), 0, io.stderr());
      assert.match(io.stdout(), /admin\s+admin\s+active/);
      await first.stop();
      lines.length = 0;
      const second = await startGust(options);
      assert.equal(second.bootstrapKey, null);
      assert.ok(!lines.some((l) => l.includes('created the first admin key')));
      await second.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
