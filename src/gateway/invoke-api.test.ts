import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { GustError } from '../core/errors.js';
import { startTestGateway, type TestGateway } from './test-support.js';

describe('Invoke API', () => {
  let gw: TestGateway;
  let invokeUrl: string;

  before(async () => {
    gw = await startTestGateway({ maxBodyBytes: 1024 });
    gw.registry.add('hello');
    invokeUrl = `${gw.url}/2015-03-31/functions/hello/invocations`;
  });
  after(() => gw.stop());
  beforeEach(() => {
    gw.invoker.calls.length = 0;
    gw.invoker.script = () => ({});
  });

  it('returns the result with X-Amz-Executed-Version and passes the request id to the invoker', async () => {
    gw.invoker.script = () => ({ payload: '{"answer":42}', executedVersion: '3' });
    const response = await fetch(`${invokeUrl}?Qualifier=3`, { method: 'POST', body: '{"q":"life"}' });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { answer: 42 });
    assert.equal(response.headers.get('x-amz-executed-version'), '3');
    assert.equal(response.headers.get('x-amz-function-error'), null);
    const [call] = gw.invoker.calls;
    assert.equal(call?.functionName, 'hello');
    assert.equal(call?.payload, '{"q":"life"}');
    assert.equal(call?.options.qualifier, '3');
    assert.equal(call?.options.trigger, 'invoke');
    assert.equal(call?.options.invocationType, 'RequestResponse');
    assert.equal(call?.options.requestId, response.headers.get('x-amzn-requestid'));
  });

  it('invokes with {} when the body is empty', async () => {
    const response = await fetch(invokeUrl, { method: 'POST' });
    assert.equal(response.status, 200);
    assert.equal(gw.invoker.calls[0]?.payload, '{}');
  });

  it('reports a function error as a 200 with X-Amz-Function-Error: Unhandled and the error JSON', async () => {
    const error = { errorType: 'TypeError', errorMessage: 'x is undefined', trace: ['at handler'] };
    gw.invoker.script = () => ({ status: 'error', payload: null, error });
    const response = await fetch(invokeUrl, { method: 'POST', body: '{}' });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-amz-function-error'), 'Unhandled');
    assert.deepEqual(await response.json(), error);
  });

  it('returns the log tail base64-encoded in X-Amz-Log-Result when asked with X-Amz-Log-Type: Tail', async () => {
    gw.invoker.script = () => ({ logTail: 'START RequestId: r\nhello wörld\n' });
    const response = await fetch(invokeUrl, {
      method: 'POST',
      body: '{}',
      headers: { 'X-Amz-Log-Type': 'Tail' },
    });
    const header = response.headers.get('x-amz-log-result');
    assert.ok(header);
    assert.equal(Buffer.from(header, 'base64').toString('utf8'), 'START RequestId: r\nhello wörld\n');
    assert.equal(gw.invoker.calls[0]?.options.logTail, true);
  });

  it('does not ask for the log tail without X-Amz-Log-Type: Tail', async () => {
    await fetch(invokeUrl, { method: 'POST', body: '{}' });
    assert.equal(gw.invoker.calls[0]?.options.logTail, undefined);
  });

  it('answers an Event invocation with 202 and an empty body', async () => {
    const response = await fetch(invokeUrl, {
      method: 'POST',
      body: '{}',
      headers: { 'X-Amz-Invocation-Type': 'Event' },
    });
    assert.equal(response.status, 202);
    assert.equal(await response.text(), '');
    assert.equal(gw.invoker.calls[0]?.options.invocationType, 'Event');
  });

  it('answers a DryRun with 204', async () => {
    const response = await fetch(invokeUrl, {
      method: 'POST',
      body: '{}',
      headers: { 'X-Amz-Invocation-Type': 'DryRun' },
    });
    assert.equal(response.status, 204);
    assert.equal(gw.invoker.calls[0]?.options.invocationType, 'DryRun');
  });

  it('refuses an unknown invocation type with 400 InvalidParameterValueException', async () => {
    const response = await fetch(invokeUrl, {
      method: 'POST',
      body: '{}',
      headers: { 'X-Amz-Invocation-Type': 'Later' },
    });
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('x-amzn-errortype'), 'InvalidParameterValueException');
    const body = (await response.json()) as { Type: string; message: string; error: { code: string } };
    assert.equal(body.error.code, 'ERR_INVALID_INVOCATION_TYPE');
    assert.equal(body.Type, 'User');
    assert.match(body.message, /Later/);
    assert.equal(gw.invoker.calls.length, 0);
  });

  it('refuses a body that is not JSON with 400 InvalidRequestContentException naming the problem', async () => {
    const response = await fetch(invokeUrl, { method: 'POST', body: '{"a":' });
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('x-amzn-errortype'), 'InvalidRequestContentException');
    const body = (await response.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'ERR_INVALID_JSON');
    assert.match(body.error.message, /Could not parse request body into json: .+/);
  });

  it('refuses a body over the limit with 413 RequestTooLargeException', async () => {
    const response = await fetch(invokeUrl, {
      method: 'POST',
      body: JSON.stringify({ s: 'x'.repeat(2000) }),
    });
    assert.equal(response.status, 413);
    assert.equal(response.headers.get('x-amzn-errortype'), 'RequestTooLargeException');
    assert.equal(((await response.json()) as { Type: string }).Type, 'User');
  });

  it('answers an unknown function with 404 ResourceNotFoundException', async () => {
    gw.invoker.script = ({ functionName }) => {
      throw new GustError('ERR_FUNCTION_NOT_FOUND', `Function '${functionName}' does not exist.`);
    };
    const response = await fetch(`${gw.url}/2015-03-31/functions/nope/invocations`, {
      method: 'POST',
      body: '{}',
    });
    assert.equal(response.status, 404);
    assert.equal(response.headers.get('x-amzn-errortype'), 'ResourceNotFoundException');
    assert.ok(response.headers.get('x-request-id'));
    const body = (await response.json()) as { Type: string; message: string; error: { code: string } };
    assert.deepEqual(
      [body.error.code, body.Type, body.message],
      ['ERR_FUNCTION_NOT_FOUND', 'User', "Function 'nope' does not exist."],
    );
  });

  it('answers throttling with 429 TooManyRequestsException and Retry-After', async () => {
    gw.invoker.script = () => {
      throw new GustError('ERR_TOO_MANY_REQUESTS', 'Rate exceeded.');
    };
    const response = await fetch(invokeUrl, { method: 'POST', body: '{}' });
    assert.equal(response.status, 429);
    assert.equal(response.headers.get('x-amzn-errortype'), 'TooManyRequestsException');
    assert.equal(response.headers.get('retry-after'), '1');
  });

  it('labels server-side failures as Type Service with ServiceException', async () => {
    gw.invoker.script = () => {
      throw new GustError('ERR_SHUTTING_DOWN', 'The server is shutting down.');
    };
    const response = await fetch(invokeUrl, { method: 'POST', body: '{}' });
    assert.equal(response.status, 503);
    assert.equal(response.headers.get('x-amzn-errortype'), 'ServiceException');
    assert.equal(((await response.json()) as { Type: string }).Type, 'Service');
  });

  it('passes X-Amz-Client-Context through to the invoker', async () => {
    const context = Buffer.from('{"custom":{"a":1}}').toString('base64');
    await fetch(invokeUrl, { method: 'POST', body: '{}', headers: { 'X-Amz-Client-Context': context } });
    assert.equal(gw.invoker.calls[0]?.options.clientContext, context);
  });

  it('accepts a function ARN with a qualifier as the function name', async () => {
    const arn = encodeURIComponent('arn:aws:lambda:us-east-1:000000000000:function:hello:live');
    const response = await fetch(`${gw.url}/2015-03-31/functions/${arn}/invocations`, {
      method: 'POST',
      body: '{}',
    });
    assert.equal(response.status, 200);
    assert.equal(gw.invoker.calls[0]?.functionName, 'hello');
    assert.equal(gw.invoker.calls[0]?.options.qualifier, 'live');
  });

  it('refuses a qualifier in the name that differs from ?Qualifier=', async () => {
    const response = await fetch(`${gw.url}/2015-03-31/functions/hello:1/invocations?Qualifier=2`, {
      method: 'POST',
    });
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('x-amzn-errortype'), 'InvalidParameterValueException');
  });

  it('answers GET on the invocations path with 405 and Allow: POST', async () => {
    const response = await fetch(invokeUrl);
    assert.equal(response.status, 405);
    assert.equal(response.headers.get('allow'), 'POST');
  });

  it('answers GetFunction with the function configuration', async () => {
    const response = await fetch(`${gw.url}/2015-03-31/functions/hello`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as { Configuration: Record<string, unknown> };
    assert.equal(body.Configuration.FunctionName, 'hello');
    assert.equal(body.Configuration.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:hello');
    assert.equal(body.Configuration.Runtime, 'nodejs20.x');
    assert.equal(body.Configuration.MemorySize, 256);
    assert.equal(body.Configuration.Version, '$LATEST');
  });

  it('answers an unknown Lambda API path with 404 UnknownOperationException', async () => {
    const response = await fetch(`${gw.url}/2015-03-31/event-source-mappings/`);
    assert.equal(response.status, 404);
    assert.equal(response.headers.get('x-amzn-errortype'), 'UnknownOperationException');
  });
});
