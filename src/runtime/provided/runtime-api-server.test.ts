import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { LambdaErrorPayload } from '../../core/types.js';
import { MAX_RESPONSE_BYTES } from '../lambda-errors.js';
import { waitFor } from '../test-support.js';
import { parseRuntimeError, RuntimeApiServer, type RuntimeInvocation } from './runtime-api-server.js';

let server: RuntimeApiServer;
let base: string;
let firstNext: number;
let initErrors: LambdaErrorPayload[];

const invocation = (requestId: string, extra: Partial<RuntimeInvocation> = {}): RuntimeInvocation => ({
  requestId,
  payload: '{"hello":"world"}',
  deadline: 1_700_000_000_000,
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:fn',
  traceId: 'Root=1-abc;Parent=def;Sampled=1',
  ...extra,
});

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { method: 'POST', body, headers });

describe('Runtime API server', () => {
  beforeEach(async () => {
    firstNext = 0;
    initErrors = [];
    server = new RuntimeApiServer({
      onFirstNext: () => firstNext++,
      onInitError: (error) => initErrors.push(error),
    });
    base = `http://${await server.listen()}/2018-06-01/runtime`;
  });

  afterEach(() => server.close());

  it('long-polls /next until an invocation is submitted, with the Lambda headers', async () => {
    const next = fetch(`${base}/invocation/next`);
    await waitFor(() => firstNext === 1, 'the first /next, which marks the end of init');
    const clientContext = JSON.stringify({ client: { installation_id: 'ü' } });
    const reply = server.submit(invocation('req-1', { clientContext }));
    const res = await next;
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('lambda-runtime-aws-request-id'), 'req-1');
    assert.equal(res.headers.get('lambda-runtime-deadline-ms'), '1700000000000');
    assert.equal(
      res.headers.get('lambda-runtime-invoked-function-arn'),
      'arn:aws:lambda:eu-west-1:123456789012:function:fn',
    );
    assert.equal(res.headers.get('lambda-runtime-trace-id'), 'Root=1-abc;Parent=def;Sampled=1');
    const rawContext = res.headers.get('lambda-runtime-client-context') ?? '';
    assert.equal(Buffer.from(rawContext, 'latin1').toString('utf8'), clientContext);
    assert.equal(await res.text(), '{"hello":"world"}');

    const posted = await post('/invocation/req-1/response', '{"ok":true}');
    assert.equal(posted.status, 202);
    assert.deepEqual(await posted.json(), { status: 'OK' });
    assert.deepEqual(await reply, { ok: true, payload: '{"ok":true}' });
  });

  it('hands over an invocation submitted before /next at once, without a client context header', async () => {
    const reply = server.submit(invocation('req-2'));
    const res = await fetch(`${base}/invocation/next`);
    assert.equal(res.headers.get('lambda-runtime-aws-request-id'), 'req-2');
    assert.equal(res.headers.has('lambda-runtime-client-context'), false);
    await res.text();
    await post('/invocation/req-2/response', 'plain text');
    assert.deepEqual(await reply, { ok: true, payload: 'plain text' });
  });

  it('answers 400 InvalidRequestID for an unknown request id', async () => {
    const reply = server.submit(invocation('req-3'));
    await (await fetch(`${base}/invocation/next`)).text();
    for (const kind of ['response', 'error']) {
      const res = await post(`/invocation/not-the-id/${kind}`, '{}');
      assert.equal(res.status, 400);
      assert.deepEqual(await res.json(), {
        errorMessage: 'Invalid request ID: not-the-id',
        errorType: 'InvalidRequestID',
      });
    }
    await post('/invocation/req-3/response', '1');
    assert.deepEqual(await reply, { ok: true, payload: '1' });
    const again = await post('/invocation/req-3/response', '2');
    assert.equal(again.status, 400, 'an invocation is answered once');
  });

  it('answers 404 for an unknown path', async () => {
    const res = await fetch(`${base}/nope`);
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { errorType: string }).errorType, 'NotFound');
  });

  it('answers 413 for a response over 6 MB and fails the invocation', async () => {
    const reply = server.submit(invocation('req-4'));
    await (await fetch(`${base}/invocation/next`)).text();
    const res = await post('/invocation/req-4/response', 'x'.repeat(MAX_RESPONSE_BYTES + 1));
    assert.equal(res.status, 413);
    const outcome = await reply;
    assert.equal(outcome.ok, false);
    assert.equal(!outcome.ok && outcome.error.errorType, 'Function.ResponseSizeTooLarge');
  });

  it('turns /error into the invocation error, falling back to the error-type header', async () => {
    const reply = server.submit(invocation('req-5'));
    await (await fetch(`${base}/invocation/next`)).text();
    const body = JSON.stringify({ errorMessage: 'bad input', errorType: 'InputError', stackTrace: ['at x'] });
    const res = await post('/invocation/req-5/error', body, {
      'Lambda-Runtime-Function-Error-Type': 'Unhandled',
    });
    assert.equal(res.status, 202);
    assert.deepEqual(await reply, {
      ok: false,
      error: { errorType: 'InputError', errorMessage: 'bad input', trace: ['at x'] },
    });
    assert.deepEqual(parseRuntimeError('not json', 'Runtime.Crash'), {
      errorType: 'Runtime.Crash',
      errorMessage: 'not json',
    });
    assert.deepEqual(parseRuntimeError('', undefined), { errorType: 'Unhandled', errorMessage: '' });
  });

  it('accepts /init/error before the first /next only', async () => {
    const res = await post('/init/error', '{"errorMessage":"no config","errorType":"ConfigError"}');
    assert.equal(res.status, 202);
    assert.deepEqual(initErrors, [{ errorType: 'ConfigError', errorMessage: 'no config' }]);

    let initialized = false;
    const other = new RuntimeApiServer({
      onFirstNext: () => {
        initialized = true;
      },
      onInitError: () => assert.fail('too late'),
    });
    const otherBase = `http://${await other.listen()}/2018-06-01/runtime`;
    const next = fetch(`${otherBase}/invocation/next`);
    await waitFor(() => initialized, 'the first /next');
    const late = await fetch(`${otherBase}/init/error`, { method: 'POST', body: '{}' });
    assert.equal(late.status, 403);
    assert.equal(((await late.json()) as { errorType: string }).errorType, 'InvalidStateTransition');
    await other.close();
    await next.catch(() => {});
  });
});
