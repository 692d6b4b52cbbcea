import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { InvokeCommand, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { GustError } from '../core/errors.js';
import { startTestGateway, type TestGateway } from './test-support.js';

describe('Invoke API with @aws-sdk/client-lambda', () => {
  let gw: TestGateway;
  let client: LambdaClient;

  before(async () => {
    gw = await startTestGateway();
    gw.registry.add('hello');
    client = new LambdaClient({
      endpoint: gw.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
  });
  after(async () => {
    client.destroy();
    await gw.stop();
  });
  beforeEach(() => {
    gw.invoker.calls.length = 0;
    gw.invoker.script = () => ({});
  });

  it('returns the payload, status and executed version of a successful invocation', async () => {
    gw.invoker.script = ({ payload }) => ({ payload: JSON.stringify({ echo: JSON.parse(payload) }) });
    const out = await client.send(
      new InvokeCommand({
        FunctionName: 'hello',
        Payload: new TextEncoder().encode('{"n":1}'),
        LogType: 'Tail',
      }),
    );
    assert.equal(out.StatusCode, 200);
    assert.equal(out.FunctionError, undefined);
    assert.equal(out.ExecutedVersion, '$LATEST');
    assert.deepEqual(JSON.parse(new TextDecoder().decode(out.Payload)), { echo: { n: 1 } });
    assert.equal(gw.invoker.calls[0]?.options.requestId, out.$metadata.requestId);
    assert.equal(gw.invoker.calls[0]?.options.logTail, true);
  });

  it('surfaces a function error as FunctionError with the error payload', async () => {
    gw.invoker.script = () => ({
      status: 'error',
      payload: null,
      error: { errorType: 'Error', errorMessage: 'boom', trace: [] },
      logTail: 'oops\n',
    });
    const out = await client.send(new InvokeCommand({ FunctionName: 'hello', LogType: 'Tail' }));
    assert.equal(out.StatusCode, 200);
    assert.equal(out.FunctionError, 'Unhandled');
    assert.deepEqual(JSON.parse(new TextDecoder().decode(out.Payload)), {
      errorType: 'Error',
      errorMessage: 'boom',
      trace: [],
    });
    assert.equal(Buffer.from(out.LogResult ?? '', 'base64').toString(), 'oops\n');
  });

  it('surfaces an unknown function as ResourceNotFoundException', async () => {
    gw.invoker.script = () => {
      throw new GustError('ERR_FUNCTION_NOT_FOUND', "Function 'nope' does not exist.");
    };
    await assert.rejects(client.send(new InvokeCommand({ FunctionName: 'nope' })), (error: unknown) => {
      assert.ok(error instanceof ResourceNotFoundException);
      assert.equal(error.name, 'ResourceNotFoundException');
      assert.equal(error.message, "Function 'nope' does not exist.");
      assert.equal(error.Type, 'User');
      assert.equal(error.$metadata.httpStatusCode, 404);
      return true;
    });
  });

  it('sends Event invocations and reports 202', async () => {
    const out = await client.send(
      new InvokeCommand({ FunctionName: 'hello', InvocationType: 'Event', Payload: '{}' }),
    );
    assert.equal(out.StatusCode, 202);
    assert.equal(gw.invoker.calls[0]?.options.invocationType, 'Event');
  });
});
