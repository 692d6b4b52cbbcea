import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GustError } from '../core/errors.js';
import type { InvokeResult } from '../invoker/types.js';
import { mapFunctionPayload, mapInvokeResult } from './apigw-response.js';

function rejectsWith(fn: () => unknown, code: string, pattern?: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof GustError);
    assert.equal(error.code, code);
    if (pattern) assert.match(error.message, pattern);
    return true;
  });
}

const result = (overrides: Partial<InvokeResult>): InvokeResult => ({
  requestId: 'req-9',
  functionName: 'hello',
  executedVersion: '$LATEST',
  status: 'success',
  payload: '{}',
  error: null,
  logTail: null,
  durationMs: 1,
  cold: false,
  ...overrides,
});

describe('mapFunctionPayload', () => {
  it('sends an object without statusCode as a 200 JSON body', () => {
    assert.deepEqual(mapFunctionPayload('{"message":"hi"}'), {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"message":"hi"}',
    });
  });

  it('sends a string result as the raw body, as API Gateway does', () => {
    assert.deepEqual(mapFunctionPayload('"Hello from Lambda!"'), {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: 'Hello from Lambda!',
    });
  });

  it('sends numbers, arrays, booleans and null as their JSON', () => {
    for (const payload of ['42', '[1,2]', 'true', 'null']) {
      assert.equal(mapFunctionPayload(payload).body, payload);
      assert.equal(mapFunctionPayload(payload).status, 200);
    }
  });

  it('treats an object that only nests a statusCode as plain JSON', () => {
    const payload = '{"data":{"statusCode":500}}';
    assert.deepEqual(mapFunctionPayload(payload), {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: payload,
    });
  });

  it('maps statusCode, headers and body of a response object', () => {
    const reply = mapFunctionPayload(
      JSON.stringify({
        statusCode: 201,
        headers: { 'Content-Type': 'text/plain', 'X-Count': 3, 'X-On': true },
        body: 'made',
      }),
    );
    assert.deepEqual(reply, {
      status: 201,
      headers: { 'content-type': 'text/plain', 'x-count': '3', 'x-on': 'true' },
      body: 'made',
    });
  });

  it('accepts a numeric string statusCode', () => {
    assert.equal(mapFunctionPayload('{"statusCode":"404","body":"nope"}').status, 404);
  });

  it('defaults the content type to application/json and an absent body to empty', () => {
    assert.deepEqual(mapFunctionPayload('{"statusCode":200,"body":"{}"}').headers, {
      'content-type': 'application/json',
    });
    assert.deepEqual(mapFunctionPayload('{"statusCode":302,"headers":{"location":"/x"}}'), {
      status: 302,
      headers: { location: '/x' },
      body: '',
    });
  });

  it('turns cookies into one Set-Cookie header each, after any set-cookie header', () => {
    const reply = mapFunctionPayload(
      JSON.stringify({
        statusCode: 200,
        headers: { 'Set-Cookie': 'a=1' },
        cookies: ['b=2; Path=/', 'c=3; HttpOnly'],
      }),
    );
    assert.deepEqual(reply.headers['set-cookie'], ['a=1', 'b=2; Path=/', 'c=3; HttpOnly']);
  });

  it('decodes a base64 body to bytes', () => {
    const bytes = Buffer.from([137, 80, 78, 71, 0, 255]);
    const reply = mapFunctionPayload(
      JSON.stringify({
        statusCode: 200,
        headers: { 'content-type': 'image/png' },
        body: bytes.toString('base64'),
        isBase64Encoded: true,
      }),
    );
    assert.deepEqual(reply.body, bytes);
    assert.equal(reply.headers['content-type'], 'image/png');
  });

  it('drops framing and request id headers the function tries to set', () => {
    const reply = mapFunctionPayload(
      JSON.stringify({
        statusCode: 200,
        headers: {
          'Content-Length': '999',
          Connection: 'close',
          'x-request-id': 'fake',
          'X-Amzn-RequestId': 'fake',
          'x-ok': '1',
        },
        body: 'x',
      }),
    );
    assert.deepEqual(reply.headers, { 'x-ok': '1', 'content-type': 'application/json' });
  });

  it('rejects response objects it cannot map with 502 ERR_INVALID_FUNCTION_RESPONSE', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ statusCode: 'ok' }, /statusCode must be an integer/],
      [{ statusCode: 200.5 }, /statusCode/],
      [{ statusCode: 99 }, /statusCode/],
      [{ statusCode: 600 }, /statusCode/],
      [{ statusCode: null }, /statusCode/],
      [{ statusCode: 200, body: { a: 1 } }, /body must be a string/],
      [{ statusCode: 200, body: 12 }, /body must be a string/],
      [{ statusCode: 200, headers: ['a'] }, /headers must be an object/],
      [{ statusCode: 200, headers: { a: { b: 1 } } }, /header "a" must be a string/],
      [{ statusCode: 200, headers: { 'bad name': 'x' } }, /not allowed in HTTP/],
      [{ statusCode: 200, headers: { a: 'line\nbreak' } }, /not allowed in HTTP/],
      [{ statusCode: 200, cookies: 'a=1' }, /cookies must be an array/],
      [{ statusCode: 200, cookies: [1] }, /cookies must be an array/],
      [{ statusCode: 200, isBase64Encoded: 'yes' }, /isBase64Encoded must be a boolean/],
    ];
    for (const [value, pattern] of cases) {
      rejectsWith(() => mapFunctionPayload(JSON.stringify(value)), 'ERR_INVALID_FUNCTION_RESPONSE', pattern);
    }
    const error = (() => {
      try {
        mapFunctionPayload('{"statusCode":"x"}');
      } catch (e) {
        return e as GustError;
      }
      return undefined;
    })();
    assert.equal(error?.status, 502);
  });
});

describe('mapInvokeResult', () => {
  it('maps a success through mapFunctionPayload', () => {
    assert.equal(mapInvokeResult(result({ payload: '{"statusCode":204}' }), 'hello').status, 204);
  });

  it('turns a function error into 502 ERR_FUNCTION_ERROR that names the request id but not the error', () => {
    const failed = result({
      status: 'error',
      payload: null,
      error: { errorType: 'TypeError', errorMessage: 'secret detail', trace: ['at x (/var/task/a.js:1:1)'] },
    });
    rejectsWith(() => mapInvokeResult(failed, 'hello'), 'ERR_FUNCTION_ERROR', /req-9/);
    assert.throws(
      () => mapInvokeResult(failed, 'hello'),
      (error: Error) => !error.message.includes('secret') && !error.message.includes('a.js'),
    );
  });

  it('turns a timeout into 504 ERR_FUNCTION_TIMEOUT naming the request id', () => {
    rejectsWith(
      () => mapInvokeResult(result({ status: 'timeout', payload: null }), 'hello'),
      'ERR_FUNCTION_TIMEOUT',
      /req-9/,
    );
  });

  it('turns a throttled result into 429 ERR_TOO_MANY_REQUESTS', () => {
    rejectsWith(
      () => mapInvokeResult(result({ status: 'throttled', payload: null }), 'hello'),
      'ERR_TOO_MANY_REQUESTS',
    );
  });
});
