import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GustError } from '../core/errors.js';
import { parseManifest } from './manifest.js';
import { validateRoutePath } from './route-path.js';

function issuesOf(text: string): { path: string; message: string }[] {
  try {
    parseManifest(text);
  } catch (error) {
    assert.ok(error instanceof GustError);
    assert.equal(error.code, 'ERR_INVALID_MANIFEST');
    assert.equal(error.details?.file, 'gust.yaml');
    return error.details?.issues as { path: string; message: string }[];
  }
  assert.fail('expected the manifest to be rejected');
}

describe('manifest', () => {
  it('parses a full function definition into its configuration', () => {
    const manifest = parseManifest(`
service: shop
functions:
  hello:
    runtime: nodejs20.x
    handler: src/hello.handler
    code: ./functions/hello
    memory: 256
    timeout: 10
    reservedConcurrency: 5
    provisionedConcurrency: 1
    environment: { GREETING: hi, RETRIES: 3, DEBUG: true }
    events:
      - http:
          method: get
          path: /hello/{name}
      - http: ANY /files/{proxy+}
`);
    assert.equal(manifest.service, 'shop');
    assert.deepEqual(manifest.functions, [
      {
        name: 'hello',
        code: './functions/hello',
        config: {
          runtime: 'nodejs20.x',
          handler: 'src/hello.handler',
          memoryMB: 256,
          timeoutSec: 10,
          environment: { GREETING: 'hi', RETRIES: '3', DEBUG: 'true' },
          routes: [
            { method: 'GET', path: '/hello/{name}' },
            { method: 'ANY', path: '/files/{proxy+}' },
          ],
          reservedConcurrency: 5,
          provisionedConcurrency: 1,
        },
      },
    ]);
  });

  it('applies Lambda defaults and provider-level settings', () => {
    const manifest = parseManifest(`
service: app
provider: { memory: 512, environment: { STAGE: dev, A: provider } }
functions:
  a: { handler: index.handler, environment: { A: function } }
  b: { runtime: provided }
`);
    const [a, b] = manifest.functions;
    assert.equal(a?.config.memoryMB, 512);
    assert.equal(a?.config.timeoutSec, 3);
    assert.deepEqual(a?.config.environment, { STAGE: 'dev', A: 'function' });
    assert.equal(a?.code, '.');
    assert.equal(b?.config.runtime, 'provided');
  });

  it('names the field and what was expected for wrong types and ranges', () => {
    const issues = issuesOf(`
service: shop
functions:
  hello:
    handler: index.handler
    memory: lots
    timeout: 5000
`);
    assert.deepEqual(issues, [
      { path: 'functions.hello.memory', message: 'expected a number of megabytes' },
      { path: 'functions.hello.timeout', message: 'expected at most 900 (seconds)' },
    ]);
  });

  it('rejects unknown fields, naming them', () => {
    const issues = issuesOf('service: shop\nfunctions:\n  hello: { handler: index.handler, memroy: 256 }\n');
    assert.deepEqual(issues, [{ path: 'functions.hello', message: 'unknown field "memroy"' }]);
  });

  it('requires a service and at least one function', () => {
    const issues = issuesOf('functions: {}\n');
    assert.deepEqual(
      issues.map((i) => i.path),
      ['service', 'functions'],
    );
  });

  it('requires a handler for nodejs20.x and a file.export form', () => {
    assert.deepEqual(issuesOf('service: s\nfunctions:\n  f: { memory: 128 }\n'), [
      {
        path: 'functions.f.handler',
        message: 'required for nodejs20.x: file.export, e.g. src/index.handler',
      },
    ]);
    assert.match(
      issuesOf('service: s\nfunctions:\n  f: { handler: nodot }\n')[0]?.message ?? '',
      /expected file\.export/,
    );
  });

  it('reports YAML syntax errors with their line', () => {
    const issues = issuesOf('service: shop\nfunctions:\n  hello: { handler: x.y\n');
    assert.equal(issues.length, 1);
    assert.match(issues[0]?.path ?? '', /^line \d+, column \d+$/);
  });

  it('explains that a {param} path inside a YAML flow map needs quotes', () => {
    const issues = issuesOf(
      'service: s\nfunctions:\n  a:\n    handler: a.h\n    events:\n      - http: { method: GET, path: /u/{id} }\n',
    );
    assert.match(issues[0]?.message ?? '', /must be quoted/);
  });

  it('accepts a quoted {param} path inside a flow map', () => {
    const m = parseManifest(
      'service: s\nfunctions:\n  a:\n    handler: a.h\n    events:\n      - http: { method: GET, path: "/u/{id}" }\n',
    );
    assert.deepEqual(m.functions[0]?.config.routes, [{ method: 'GET', path: '/u/{id}' }]);
  });

  it('rejects the same route declared by two functions', () => {
    const issues = issuesOf(`
service: s
functions:
  a:
    handler: a.h
    events:
      - http: GET /users/{id}
  b:
    handler: b.h
    events:
      - http: GET /users/{name}
`);
    assert.deepEqual(issues, [
      {
        path: 'functions.b.events.0.http',
        message: 'route GET /users/{name} is already declared by function a',
      },
    ]);
  });

  it('rejects provisioned concurrency above the reservation', () => {
    const issues = issuesOf(
      'service: s\nfunctions:\n  a: { handler: a.h, reservedConcurrency: 1, provisionedConcurrency: 2 }\n',
    );
    assert.equal(issues[0]?.path, 'functions.a.provisionedConcurrency');
  });

  it('puts every problem in the message, prefixed with the file name', () => {
    try {
      parseManifest('service: shop\nfunctions:\n  hello: { handler: index.handler, memory: 1 }\n');
      assert.fail('expected rejection');
    } catch (error) {
      assert.equal((error as Error).message, 'gust.yaml: functions.hello.memory: expected at least 128 (MB)');
    }
  });
});

describe('route paths', () => {
  it('accepts literals, parameters and a final greedy parameter', () => {
    for (const path of ['/', '/hello', '/hello/{name}', '/files/{proxy+}', '/a/{b}/c/{d+}']) {
      assert.equal(validateRoutePath(path), undefined, path);
    }
  });

  it('explains what is wrong with a bad path', () => {
    assert.match(validateRoutePath('hello') ?? '', /starting with \//);
    assert.match(validateRoutePath('/a/{p+}/b') ?? '', /must be the last segment/);
    assert.match(validateRoutePath('/a/x{p}') ?? '', /whole segment/);
    assert.match(validateRoutePath('/a/{p}/{p}') ?? '', /appears twice/);
    assert.match(validateRoutePath('/a/') ?? '', /trailing/);
    assert.match(validateRoutePath('/_gust/x') ?? '', /reserved/);
    assert.match(validateRoutePath('/2015-03-31/functions') ?? '', /reserved/);
  });
});

describe('manifest: queues, events, schedules and async settings', () => {
  const FULL = `
service: shop
queues:
  orders: { visibilityTimeout: 30, maxReceiveCount: 5, deadLetterQueue: orders-dlq, delay: 2 }
  orders-dlq: {}
  orders-done:
rules:
  archive: { pattern: { source: [shop] }, targets: [ queue:orders-done ] }
functions:
  worker:
    handler: w.handler
    events:
      - queue: { name: orders, batchSize: 5, maximumBatchingWindow: 1 }
      - queue: orders-dlq
      - eventBridge: { pattern: { source: [shop], detail-type: [OrderPlaced] } }
      - schedule: rate(5 minutes)
      - schedule: { cron: "*/10 * * * * *", timezone: Europe/Paris, input: { hello: 1 } }
      - http:
          method: POST
          path: /orders
          idempotency: 3600
    maximumRetryAttempts: 0
    maximumEventAge: 600
    destinations: { onSuccess: queue:orders-done, onFailure: function:alert }
    idempotency: { ttl: 60 }
  alert:
    handler: a.handler
`;

  it('reads queues, rules, queue/eventBridge/schedule events and async settings', () => {
    const m = parseManifest(FULL);
    assert.deepEqual(m.queues, [
      {
        name: 'orders',
        visibilityTimeoutSec: 30,
        maxReceiveCount: 5,
        deadLetterQueue: 'orders-dlq',
        delaySec: 2,
      },
      { name: 'orders-dlq' },
      { name: 'orders-done' },
    ]);
    assert.deepEqual(m.rules, [
      { name: 'archive', bus: 'default', pattern: { source: ['shop'] }, targets: ['queue:orders-done'] },
    ]);
    const worker = m.functions.find((f) => f.name === 'worker')?.config;
    assert.deepEqual(worker?.queues, [
      { queue: 'orders', batchSize: 5, maximumBatchingWindowSec: 1, maximumConcurrency: 5 },
      { queue: 'orders-dlq', batchSize: 10, maximumBatchingWindowSec: 0, maximumConcurrency: 5 },
    ]);
    assert.deepEqual(worker?.rules, [
      {
        name: 'worker-rule-1',
        eventIndex: 2,
        bus: 'default',
        pattern: { source: ['shop'], 'detail-type': ['OrderPlaced'] },
      },
    ]);
    assert.deepEqual(worker?.schedules, [
      {
        name: 'worker-schedule-1',
        eventIndex: 3,
        expression: 'rate(5 minutes)',
        enabled: true,
        missed: 'skip',
      },
      {
        name: 'worker-schedule-2',
        eventIndex: 4,
        expression: '*/10 * * * * *',
        timezone: 'Europe/Paris',
        input: '{"hello":1}',
        enabled: true,
        missed: 'skip',
      },
    ]);
    assert.deepEqual(worker?.async, {
      maximumRetryAttempts: 0,
      maximumEventAgeSec: 600,
      onSuccess: 'queue:orders-done',
      onFailure: 'function:alert',
    });
    assert.equal(worker?.idempotencyTtlSec, 60);
    assert.deepEqual(worker?.routes, [{ method: 'POST', path: '/orders', idempotencyTtlSec: 3600 }]);
  });

  it('names undeclared queues, dead-letter queues and destinations', () => {
    const issues = issuesOf(`
service: s
queues:
  a: { maxReceiveCount: 3, deadLetterQueue: missing-dlq }
functions:
  f:
    handler: f.h
    events:
      - queue: nope
    destinations: { onFailure: queue:gone }
`);
    assert.deepEqual(issues, [
      { path: 'queues.a.deadLetterQueue', message: 'queue missing-dlq is not declared under queues' },
      { path: 'functions.f.events', message: 'queue nope is not declared under queues' },
      { path: 'functions.f.destinations.onFailure', message: 'queue:gone is not declared in this manifest' },
    ]);
  });

  it('rejects an event with two kinds or an unknown kind', () => {
    const two = issuesOf(
      'service: s\nfunctions:\n  f:\n    handler: f.h\n    events:\n      - { queue: q, schedule: rate(1 minute) }\n',
    );
    assert.match(two[0]?.message ?? '', /exactly one of http, queue, eventBridge, schedule/);
    const unknown = issuesOf('service: s\nfunctions:\n  f:\n    handler: f.h\n    events:\n      - sqs: q\n');
    assert.equal(unknown[0]?.message, 'unknown field "sqs"');
  });

  it('requires maxReceiveCount and deadLetterQueue together', () => {
    const issues = issuesOf(
      'service: s\nqueues:\n  a: { maxReceiveCount: 3 }\nfunctions:\n  f: { handler: f.h }\n',
    );
    assert.deepEqual(issues, [
      { path: 'queues.a', message: 'maxReceiveCount and deadLetterQueue go together: set both, or neither' },
    ]);
  });
});

describe('manifest: function roles', () => {
  it('merges provider and function permissions and policies into the configuration', () => {
    const manifest = parseManifest(`
service: shop
provider:
  permissions:
    - { Effect: Allow, Action: events:Put, Resource: "gust:bus:default" }
  policies: [invoke-only]
functions:
  checkout:
    handler: a.h
    permissions:
      - Effect: Allow
        Action: [queue:Get, queue:Send]
        Resource: gust:queue:orders
    policies: [read-only, invoke-only]
  plain:
    handler: a.h
`);
    const [checkout, plain] = manifest.functions;
    assert.deepEqual(checkout?.config.permissions, [
      { Effect: 'Allow', Action: ['events:Put'], Resource: ['gust:bus:default'] },
      { Effect: 'Allow', Action: ['queue:Get', 'queue:Send'], Resource: ['gust:queue:orders'] },
    ]);
    assert.deepEqual(checkout?.config.policies, ['invoke-only', 'read-only']);
    assert.deepEqual(plain?.config.policies, ['invoke-only']);
  });

  it('leaves a function without a role without the fields, so its version id is unchanged', () => {
    const manifest = parseManifest('service: shop\nfunctions:\n  a:\n    handler: a.h\n');
    assert.equal('permissions' in (manifest.functions[0]?.config ?? {}), false);
    assert.equal('policies' in (manifest.functions[0]?.config ?? {}), false);
  });

  it('names the statement and field of each bad permission, with a suggestion', () => {
    const issues = issuesOf(`
service: shop
functions:
  checkout:
    handler: a.h
    permissions:
      - { Effect: Allow, Action: queue:Sned, Resource: "gust:queue:x" }
      - { Effect: Maybe, Action: queue:Send, Resource: "*" }
`);
    assert.deepEqual(
      issues.map((i) => i.path),
      ['functions.checkout.permissions[0].Action', 'functions.checkout.permissions[1].Effect'],
    );
    assert.match(issues[0]?.message ?? '', /did you mean queue:Send/);
  });

  it('refuses a policy name that cannot be one', () => {
    const issues = issuesOf(
      'service: shop\nfunctions:\n  a:\n    handler: a.h\n    policies: ["not a name"]\n',
    );
    assert.deepEqual(
      issues.map((i) => i.path),
      ['functions.a.policies.0'],
    );
  });
});

describe('manifest: scheduled rules', () => {
  it('turns a rule with a schedule into one whose pattern matches its own Scheduled Events', () => {
    const manifest = parseManifest(`
service: shop
queues:
  audit: {}
rules:
  nightly:
    schedule: { cron: "0 2 * * *", timezone: Europe/Paris }
    targets: [workflow:report, queue:audit]
  hourly:
    bus: ops
    schedule: rate(1 hour)
    targets: [function:a]
functions:
  a:
    handler: a.h
`);
    const [hourly, nightly] = [...manifest.rules].sort((x, y) => (x.name < y.name ? -1 : 1));
    assert.deepEqual(nightly?.schedule, { expression: '0 2 * * *', timezone: 'Europe/Paris', enabled: true });
    assert.deepEqual(nightly?.pattern, {
      source: ['aws.events'],
      'detail-type': ['Scheduled Event'],
      resources: [{ suffix: ':rule/nightly' }],
    });
    assert.deepEqual(hourly?.schedule, { expression: 'rate(1 hour)', enabled: true });
    assert.deepEqual(hourly?.pattern.resources, [{ suffix: ':rule/ops/hourly' }]);
  });

  it('wants exactly one of pattern and schedule', () => {
    const both = issuesOf(`
service: shop
rules:
  r:
    pattern: { source: [x] }
    schedule: rate(1 hour)
    targets: [queue:q]
functions:
  a:
    handler: a.h
`);
    assert.ok(both.some((i) => i.path === 'rules.r' && /exactly one of pattern or schedule/.test(i.message)));
    const neither = issuesOf(
      'service: shop\nrules:\n  r:\n    targets: [queue:q]\nfunctions:\n  a:\n    handler: a.h\n',
    );
    assert.ok(neither.some((i) => i.path === 'rules.r'));
  });
});
