/** Test data: API responses shaped as docs/api.md describes, for the CLI's tests. */
import type { AsyncInvocationRecord, FunctionList, InvocationRecord, LogPage } from './api-types.js';
import type { FakeRoutes } from './fake-api.js';

export const T0 = Date.UTC(2025, 10, 26, 22, 0, 0);

export const functionList: FunctionList = {
  functions: [
    {
      name: 'hello',
      service: 'shop',
      latestVersionId: '3f2a9c0b1d2e3f40',
      createdAt: T0,
      updatedAt: T0,
      config: {
        runtime: 'nodejs20.x',
        handler: 'src/hello.handler',
        memoryMB: 256,
        timeoutSec: 10,
        environment: { GREETING: 'hi' },
        routes: [{ method: 'GET', path: '/hello/{name}' }],
      },
      instances: { busy: 0, idle: 1 },
    },
    {
      name: 'checkout-cart',
      service: 'shop',
      latestVersionId: '9b8a7c6d5e4f3a2b',
      createdAt: T0,
      updatedAt: T0,
      config: {
        runtime: 'provided',
        handler: 'bootstrap',
        memoryMB: 1024,
        timeoutSec: 30,
        environment: {},
        routes: [],
      },
      instances: { busy: 2, idle: 0 },
    },
  ],
};

export const notFound = (name: string) => ({
  status: 404,
  body: {
    error: { code: 'ERR_FUNCTION_NOT_FOUND', message: `Function '${name}' does not exist.`, requestId: 'r' },
  },
});

export const logPage: LogPage = {
  logs: [
    {
      id: 1,
      functionName: 'hello',
      requestId: 'a1b2c3d4-0000-4000-8000-000000000001',
      time: T0,
      stream: 'platform',
      level: null,
      message: 'START RequestId: a1b2c3d4-0000-4000-8000-000000000001',
    },
    {
      id: 2,
      functionName: 'hello',
      requestId: 'a1b2c3d4-0000-4000-8000-000000000001',
      time: T0 + 5,
      stream: 'stdout',
      level: 'INFO',
      message: 'hello world\n',
    },
  ],
  lastId: 2,
};

export const invocation: InvocationRecord = {
  requestId: 'a1b2c3d4-0000-4000-8000-000000000001',
  functionName: 'hello',
  executedVersion: '$LATEST',
  versionId: '3f2a9c0b1d2e3f40',
  trigger: 'http',
  startedAt: T0,
  durationMs: 1.834,
  billedDurationMs: 2,
  cold: true,
  initDurationMs: 9.4,
  status: 'success',
  errorType: null,
  errorMessage: null,
  memoryMB: 256,
  maxMemoryUsedMB: 48,
};

/** An async invocation whose first attempt failed and whose retry is due in 1.5 s (at T0 + 2000). */
export const retryingAsync: AsyncInvocationRecord = {
  requestId: 'b2c3d4e5-0000-4000-8000-000000000002',
  functionName: 'hello',
  qualifier: '$LATEST',
  status: 'retrying',
  attempts: 1,
  maxAttempts: 3,
  nextAttemptAt: T0 + 2000,
  lastError: { errorType: 'Error', errorMessage: 'database unavailable' },
  destination: null,
  createdAt: T0,
  updatedAt: T0 + 500,
};

/** An async invocation that ran out of attempts and went to the function's dead-letter queue. */
export const deadLetteredAsync: AsyncInvocationRecord = {
  ...retryingAsync,
  requestId: 'c3d4e5f6-0000-4000-8000-000000000003',
  status: 'dead-lettered',
  attempts: 3,
  nextAttemptAt: null,
  destination: 'dlq:hello-dlq',
};

/** Canned answers for the routes most CLI tests use. */
export const fakeRoutes: FakeRoutes = {
  'GET /_gust/v1/functions': { body: functionList },
  'GET /_gust/v1/functions/nope': notFound('nope'),
  'GET /_gust/v1/routes': {
    body: { routes: [{ method: 'GET', path: '/hello/{name}', functionName: 'hello' }] },
  },
  'POST /2015-03-31/functions/hello/invocations': (req) => ({
    headers: { 'x-amz-executed-version': '$LATEST', 'x-request-id': 'req-hello-1' },
    body: `{"greeting":"hi ${(JSON.parse(req.body.toString()) as { name?: string }).name ?? 'nobody'}"}`,
  }),
  'POST /2015-03-31/functions/boom/invocations': {
    headers: { 'x-amz-function-error': 'Unhandled' },
    body: {
      errorType: 'TypeError',
      errorMessage: 'x is not a function',
      trace: ['TypeError: x is not a function'],
    },
  },
  'POST /2015-03-31/functions/nope/invocations': {
    status: 404,
    headers: { 'x-amzn-ErrorType': 'ResourceNotFoundException' },
    body: {
      Type: 'User',
      message: "Function 'nope' does not exist.",
      error: { code: 'ERR_FUNCTION_NOT_FOUND', message: "Function 'nope' does not exist." },
    },
  },
  'GET /_gust/v1/functions/hello/logs': { body: logPage },
  'GET /_gust/v1/functions/hello/invocations': { body: { invocations: [invocation] } },
  'GET /_gust/v1/invocations/a1b2c3d4-0000-4000-8000-000000000001': {
    body: { requestId: invocation.requestId, functionName: 'hello', invocation, async: null },
  },
  'GET /_gust/v1/invocations/b2c3d4e5-0000-4000-8000-000000000002': {
    body: {
      requestId: retryingAsync.requestId,
      functionName: 'hello',
      invocation: { ...invocation, requestId: retryingAsync.requestId, trigger: 'async', status: 'error' },
      async: retryingAsync,
    },
  },
  'GET /_gust/v1/functions/hello/async': { body: { asyncInvocations: [retryingAsync, deadLetteredAsync] } },
  'DELETE /_gust/v1/functions/hello': { status: 204 },
  'POST /_gust/v1/functions/hello/versions': {
    status: 201,
    body: { functionName: 'hello', number: 3, versionId: '3f2a9c0b1d2e3f40', createdAt: T0 },
  },
};
