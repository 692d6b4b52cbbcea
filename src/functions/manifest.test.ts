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
