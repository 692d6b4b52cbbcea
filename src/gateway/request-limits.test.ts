import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startTestGateway, type TestGateway } from './test-support.js';

/** Sends `text` on a raw connection and resolves with everything the server wrote until it closed. */
function rawExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
    });
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
    socket.write(text);
  });
}

describe('gateway: request limits', () => {
  let gw: TestGateway;

  before(async () => {
    gw = await startTestGateway({ maxUrlLength: 200, maxHeaderBytes: 2048, headersTimeoutMs: 300 });
    gw.registry.add('hello');
    gw.registry.setRoutes([{ method: 'GET', path: '/hello', functionName: 'hello', auth: { type: 'none' } }]);
  });
  after(() => gw.stop());

  it('answers 414 ERR_URI_TOO_LONG for a request target over maxUrlLength, without invoking', async () => {
    const response = await fetch(`${gw.url}/hello?q=${'a'.repeat(300)}`);
    assert.equal(response.status, 414);
    const body = (await response.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'ERR_URI_TOO_LONG');
    assert.match(body.error.message, /the limit is 200/);
    assert.equal(gw.invoker.calls.length, 0);
    assert.equal((await fetch(`${gw.url}/hello?q=short`)).status, 200);
  });

  it('answers 431 ERR_HEADERS_TOO_LARGE in the error JSON for headers over maxHeaderBytes', async () => {
    const reply = await rawExchange(
      gw.port,
      `GET /hello HTTP/1.1\r\nHost: x\r\nCookie: ${'c'.repeat(4096)}\r\n\r\n`,
    );
    assert.match(reply, /^HTTP\/1\.1 431 /);
    assert.match(reply, /"code":"ERR_HEADERS_TOO_LARGE"/);
  });

  it('cuts off a client that sends its headers too slowly, while serving others', async () => {
    const slow: Socket = connect(gw.port, '127.0.0.1');
    let received = '';
    slow.on('data', (chunk) => {
      received += chunk.toString('latin1');
    });
    const closed = new Promise<void>((resolve) => slow.on('close', () => resolve()));
    slow.write('GET /hello HTTP/1.1\r\nHost: x\r\n');
    // One header byte every 50 ms: never finishing, always "busy" (slowloris).
    const drip = setInterval(() => {
      if (!slow.destroyed) slow.write('X');
    }, 50);
    try {
      const other = await fetch(`${gw.url}/hello`);
      assert.equal(other.status, 200, 'another client is served meanwhile');
      await closed;
    } finally {
      clearInterval(drip);
    }
    assert.match(received, /^HTTP\/1\.1 408 /);
    assert.match(received, /"code":"ERR_REQUEST_TIMEOUT"/);
  });
});
