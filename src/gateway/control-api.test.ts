import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sampleAsyncRecord, sampleRecord, startTestGateway, type TestGateway } from './test-support.js';

interface ErrorBody {
  error: { code: string; message: string; requestId: string; parameter?: string };
}

describe('control API', () => {
  let gw: TestGateway;
  const api = (path: string): string => `${gw.url}/_gust/v1${path}`;

  before(async () => {
    gw = await startTestGateway();
    gw.registry.add('hello');
    gw.registry.add('abc', { memoryMB: 512 });
    gw.registry.add('gone');
    gw.registry.setRoutes([{ method: 'GET', path: '/hello/{name}', functionName: 'hello' }]);
    gw.pool.value = {
      genericReady: 2,
      instances: [
        {
          id: 'i1',
          functionName: 'hello',
          versionId: 'v',
          pid: 1,
          busy: true,
          provisioned: false,
          idleSince: null,
        },
        {
          id: 'i2',
          functionName: 'hello',
          versionId: 'v',
          pid: 2,
          busy: false,
          provisioned: true,
          idleSince: 1,
        },
        {
          id: 'i3',
          functionName: 'hello',
          versionId: 'v',
          pid: 3,
          busy: false,
          provisioned: false,
          idleSince: 1,
        },
      ],
    };
    gw.store.records.push(sampleRecord({ requestId: 'r-1' }), sampleRecord({ requestId: 'r-2' }));
    gw.store.logEntries.push(
      {
        id: 16,
        functionName: 'hello',
        requestId: 'r-1',
        time: 1,
        stream: 'stdout',
        level: 'INFO',
        message: 'a',
      },
      {
        id: 17,
        functionName: 'hello',
        requestId: 'r-1',
        time: 2,
        stream: 'platform',
        level: null,
        message: 'END',
      },
    );
  });
  after(() => gw.stop());

  it('reports health with version, uptime and store kind', async () => {
    gw.clock.advance(1234);
    const response = await fetch(api('/health'));
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      status: 'ok',
      storeStatus: 'ok',
      version: '0.1.0',
      uptimeMs: 1234,
      store: 'sqlite',
      sandbox: 'none',
      networkNotEnforced: [],
    });
    assert.ok(response.headers.get('x-request-id'));
  });

  it('lists functions sorted by name with their busy and idle instance counts', async () => {
    const response = await fetch(api('/functions'));
    const body = (await response.json()) as {
      functions: Array<{ name: string; instances: unknown; config: unknown }>;
    };
    assert.deepEqual(
      body.functions.map((f) => f.name),
      ['abc', 'gone', 'hello'],
    );
    assert.deepEqual(body.functions[2]?.instances, { busy: 1, idle: 2 });
    assert.deepEqual(body.functions[0]?.instances, { busy: 0, idle: 0 });
    assert.equal((body.functions[0]?.config as { memoryMB: number } | undefined)?.memoryMB, 512);
  });

  it('returns one function with versions, published versions and instances', async () => {
    const response = await fetch(api('/functions/hello'));
    assert.equal(response.status, 200);
    const body = (await response.json()) as {
      name: string;
      versions: unknown[];
      published: unknown[];
      instances: unknown;
    };
    assert.equal(body.name, 'hello');
    assert.equal(body.versions.length, 1);
    assert.deepEqual(body.published, []);
    assert.deepEqual(body.instances, { busy: 1, idle: 2 });
  });

  it('answers an unknown function with 404 ERR_FUNCTION_NOT_FOUND', async () => {
    const response = await fetch(api('/functions/nope'));
    assert.equal(response.status, 404);
    assert.equal(((await response.json()) as ErrorBody).error.code, 'ERR_FUNCTION_NOT_FOUND');
  });

  it('deletes a function with 204, then answers 404 for it', async () => {
    const deleted = await fetch(api('/functions/gone'), { method: 'DELETE' });
    assert.equal(deleted.status, 204);
    assert.ok(deleted.headers.get('x-request-id'));
    const again = await fetch(api('/functions/gone'), { method: 'DELETE' });
    assert.equal(again.status, 404);
  });

  it('publishes a new version with 201, and the unchanged code again with 200 and the same number', async () => {
    const first = await fetch(api('/functions/hello/versions'), { method: 'POST' });
    assert.equal(first.status, 201);
    assert.deepEqual(await first.json(), {
      functionName: 'hello',
      number: 1,
      versionId: 'v-hello',
      createdAt: 5,
    });
    const second = await fetch(api('/functions/hello/versions'), { method: 'POST' });
    assert.equal(second.status, 200);
    assert.equal(((await second.json()) as { number: number }).number, 1);
  });

  it('lists invocations with the limit and before given', async () => {
    const response = await fetch(api('/functions/hello/invocations?limit=1&before=1764194500000'));
    assert.equal(response.status, 200);
    const body = (await response.json()) as { invocations: Array<{ requestId: string }> };
    assert.deepEqual(
      body.invocations.map((r) => r.requestId),
      ['r-1'],
    );
    assert.deepEqual(gw.store.invocationQueries.at(-1), {
      functionName: 'hello',
      limit: 1,
      before: 1764194500000,
    });
  });

  it('uses a limit of 50 invocations by default', async () => {
    await fetch(api('/functions/hello/invocations'));
    assert.deepEqual(gw.store.invocationQueries.at(-1), { functionName: 'hello', limit: 50 });
  });

  it('refuses an invalid limit with 400 ERR_INVALID_PARAMETER naming the parameter', async () => {
    for (const limit of ['0', '1001', 'ten', '1.5', '']) {
      const response = await fetch(api(`/functions/hello/invocations?limit=${limit}`));
      assert.equal(response.status, 400, limit);
      const { error } = (await response.json()) as ErrorBody;
      assert.equal(error.code, 'ERR_INVALID_PARAMETER');
      assert.equal(error.parameter, 'limit');
      assert.match(error.message, /'limit'/);
    }
  });

  it('returns one invocation by request id with async null for a synchronous one, or 404 ERR_INVOCATION_NOT_FOUND', async () => {
    const found = await fetch(api('/invocations/r-2'));
    assert.deepEqual(await found.json(), {
      requestId: 'r-2',
      functionName: 'hello',
      invocation: sampleRecord({ requestId: 'r-2' }),
      async: null,
    });
    const missing = await fetch(api('/invocations/r-404'));
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as ErrorBody).error.code, 'ERR_INVOCATION_NOT_FOUND');
  });

  it('returns the async status of a queued invocation that has no invocation record yet', async () => {
    const queued = sampleAsyncRecord({ requestId: 'a-queued' });
    gw.store.asyncRecords.push(queued);
    const response = await fetch(api('/invocations/a-queued'));
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      requestId: 'a-queued',
      functionName: 'hello',
      invocation: null,
      async: queued,
    });
  });

  it('returns both records of an async invocation that ran, with its retry state', async () => {
    const retrying = sampleAsyncRecord({
      requestId: 'r-1',
      status: 'retrying',
      attempts: 1,
      nextAttemptAt: 1_764_194_401_000,
      lastError: { errorType: 'Error', errorMessage: 'boom' },
    });
    gw.store.asyncRecords.push(retrying);
    const body = (await (await fetch(api('/invocations/r-1'))).json()) as Record<string, unknown>;
    assert.deepEqual(body.invocation, sampleRecord({ requestId: 'r-1' }));
    assert.deepEqual(body.async, retrying);
  });

  it("lists a function's async invocations with a limit, and 404 for an unknown function", async () => {
    gw.store.asyncRecords.push(
      sampleAsyncRecord({ requestId: 'a-1', functionName: 'abc' }),
      sampleAsyncRecord({ requestId: 'a-2', functionName: 'abc' }),
    );
    const response = await fetch(api('/functions/abc/async?limit=1'));
    assert.equal(response.status, 200);
    const body = (await response.json()) as { asyncInvocations: Array<{ requestId: string }> };
    assert.deepEqual(
      body.asyncInvocations.map((r) => r.requestId),
      ['a-1'],
    );
    assert.equal((await fetch(api('/functions/nope/async'))).status, 404);
    assert.equal((await fetch(api('/functions/abc/async?limit=0'))).status, 400);
  });

  it('returns logs with lastId, passing the filters to the store', async () => {
    const response = await fetch(api('/functions/hello/logs?since=1&requestId=r-1&limit=10'));
    const body = (await response.json()) as { logs: Array<{ id: number }>; lastId: number };
    assert.deepEqual(
      body.logs.map((l) => l.id),
      [16, 17],
    );
    assert.equal(body.lastId, 17);
    assert.deepEqual(gw.store.logQueries.at(-1), {
      functionName: 'hello',
      limit: 10,
      since: 1,
      requestId: 'r-1',
    });
  });

  it('returns the afterId given as lastId when there are no new logs', async () => {
    const body = (await (await fetch(api('/functions/hello/logs?afterId=17'))).json()) as {
      logs: unknown[];
      lastId: number;
    };
    assert.deepEqual(body, { logs: [], lastId: 17 });
  });

  it('refuses a negative afterId and an over-large log limit', async () => {
    assert.equal((await fetch(api('/functions/hello/logs?afterId=-1'))).status, 400);
    assert.equal((await fetch(api('/functions/hello/logs?limit=10001'))).status, 400);
  });

  it('lists every route', async () => {
    const body = await (await fetch(api('/routes'))).json();
    assert.deepEqual(body, { routes: [{ method: 'GET', path: '/hello/{name}', functionName: 'hello' }] });
  });

  it('answers a wrong method on a control path with 405 and Allow', async () => {
    const response = await fetch(api('/functions'), { method: 'POST' });
    assert.equal(response.status, 405);
    assert.equal(response.headers.get('allow'), 'GET');
    assert.equal(((await response.json()) as ErrorBody).error.code, 'ERR_METHOD_NOT_ALLOWED');
  });
});
