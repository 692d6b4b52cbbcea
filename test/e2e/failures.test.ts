import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { invoke, type RunningServer, startServer, writeApp } from './harness.js';

const MANIFEST = `
service: failures
provider:
  httpAuth: none
functions:
  healthy:
    handler: ok.handler
  hangs:
    handler: hang.handler
    timeout: 1
    events:
      - http: GET /hangs
  throws:
    handler: throws.handler
    events:
      - http: GET /throws
  rejects:
    handler: throws.rejects
  syntax:
    handler: syntax.handler
  missing-module:
    handler: nothere.handler
  missing-handler:
    handler: ok.nope
  exits:
    handler: exits.handler
  hog:
    handler: hog.handler
    memory: 128
    timeout: 30
`;

const FILES = {
  'gust.yaml': MANIFEST,
  'ok.js': 'exports.handler = async () => "ok";',
  'hang.js': 'exports.handler = () => new Promise(() => {});',
  'throws.js': `
    class OrderError extends Error { constructor(m) { super(m); this.name = 'OrderError'; } }
    exports.handler = async () => { throw new OrderError('no stock'); };
    exports.rejects = () => Promise.reject(new TypeError('bad type'));`,
  'syntax.js': 'exports.handler = async () => { return 1 +;',
  'exits.js': 'exports.handler = async () => { process.exit(3); };',
  'hog.js': `
    const hold = [];
    exports.handler = async () => { for (;;) hold.push(Buffer.alloc(8 * 1024 * 1024, 1)); };`,
};

let server: RunningServer;

before(async () => {
  server = await startServer(FILES);
});

after(async () => {
  await server.stop();
});

interface LambdaError {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

async function failsWith(name: string, errorType: string): Promise<LambdaError> {
  const res = await invoke(server.url, name);
  assert.equal(res.status, 200, `${name}: a function error is still a 200 on the Invoke API`);
  assert.equal(res.headers.get('x-amz-function-error'), 'Unhandled', `${name}: ${res.text}`);
  const error = res.body as LambdaError;
  assert.equal(error.errorType, errorType, `${name}: ${res.text}`);
  // The platform keeps serving after every failure.
  const healthy = await invoke(server.url, 'healthy');
  assert.equal(healthy.body, 'ok');
  return error;
}

describe('failing functions', () => {
  it('time out with Sandbox.Timedout, and the next call gets a fresh instance', async () => {
    const error = await failsWith('hangs', 'Sandbox.Timedout');
    assert.match(error.errorMessage, /Task timed out after 1\.00 seconds/);
    const route = await fetch(`${server.url}/hangs`);
    assert.equal(route.status, 504);
    assert.equal(((await route.json()) as { error: { code: string } }).error.code, 'ERR_FUNCTION_TIMEOUT');
  });

  it('return a thrown error in Lambda shape with its type, message and trace', async () => {
    const error = await failsWith('throws', 'OrderError');
    assert.equal(error.errorMessage, 'no stock');
    assert.ok(Array.isArray(error.trace) && error.trace.length > 0);
    const route = await fetch(`${server.url}/throws`);
    assert.equal(route.status, 502);
    const body = (await route.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'ERR_FUNCTION_ERROR');
    assert.doesNotMatch(body.error.message, /at .*throws\.js/, 'HTTP clients never see the stack');
  });

  it('return a rejected promise as the error', async () => {
    const error = await failsWith('rejects', 'TypeError');
    assert.equal(error.errorMessage, 'bad type');
  });

  it('report a syntax error as Runtime.UserCodeSyntaxError, as Lambda does', async () => {
    const error = await failsWith('syntax', 'Runtime.UserCodeSyntaxError');
    assert.match(error.errorMessage, /SyntaxError/);
  });

  it('report a missing module as Runtime.ImportModuleError', async () => {
    const error = await failsWith('missing-module', 'Runtime.ImportModuleError');
    assert.match(error.errorMessage, /nothere/);
  });

  it('report a missing export as Runtime.HandlerNotFound', async () => {
    const error = await failsWith('missing-handler', 'Runtime.HandlerNotFound');
    assert.match(error.errorMessage, /ok\.nope/);
  });

  it('report process.exit as Runtime.ExitError', async () => {
    const error = await failsWith('exits', 'Runtime.ExitError');
    assert.match(error.errorMessage, /exit status 3/);
  });

  it('stop a function that exhausts its memory with Runtime.ExitError', async () => {
    const error = await failsWith('hog', 'Runtime.ExitError');
    assert.match(error.errorMessage, /memory/i);
  });

  it('answer an unknown function with 404 ResourceNotFoundException', async () => {
    const res = await invoke(server.url, 'nope');
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('x-amzn-errortype'), 'ResourceNotFoundException');
    assert.equal((res.body as { error: { code: string } }).error.code, 'ERR_FUNCTION_NOT_FOUND');
  });

  it('answer a payload that is not JSON with 400', async () => {
    const res = await invoke(server.url, 'healthy', '{not json');
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('x-amzn-errortype'), 'InvalidRequestContentException');
  });

  it('record failures with their error type', async () => {
    const { invocations } = await server.api<{ invocations: { status: string; errorType: string | null }[] }>(
      '/_gust/v1/functions/hangs/invocations',
    );
    assert.ok(invocations.some((i) => i.status === 'timeout' && i.errorType === 'Sandbox.Timedout'));
  });

  it('reject a malformed manifest on deploy with the field that is wrong, and keep serving the old version', async () => {
    const broken = writeApp({
      'gust.yaml': 'service: failures\nfunctions:\n  healthy:\n    handler: ok.handler\n    memory: lots\n',
      'ok.js': 'exports.handler = async () => "changed";',
    });
    const result = await server.cli(['deploy', broken]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /functions\.healthy\.memory: expected a number of megabytes/);
    assert.match(result.stderr, /ERR_INVALID_MANIFEST/);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace without --debug');
    assert.equal((await invoke(server.url, 'healthy')).body, 'ok');
  });
});
