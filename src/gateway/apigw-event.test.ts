import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildHttpEvent,
  formatRequestTime,
  type HttpEventInput,
  isTextContentType,
  parseQueryString,
} from './apigw-event.js';

const NOW = Date.UTC(2026, 10, 26, 22, 1, 19, 123);

function input(overrides: Partial<HttpEventInput> = {}): HttpEventInput {
  return {
    method: 'GET',
    rawPath: '/hello/world',
    rawQueryString: '',
    rawHeaders: ['Host', 'api.example.com:7800', 'User-Agent', 'curl/8.0'],
    body: Buffer.alloc(0),
    route: { functionName: 'hello', routeKey: 'GET /hello/{name}', pathParameters: { name: 'world' } },
    requestId: 'req-1',
    sourceIp: '10.0.0.7',
    localPort: 7800,
    timeEpoch: NOW,
    accountId: '123456789012',
    ...overrides,
  };
}

describe('buildHttpEvent', () => {
  it('builds the payload format 2.0 event with every field API Gateway sends', () => {
    const event = buildHttpEvent(input({ rawQueryString: 'a=1' }));
    assert.deepEqual(JSON.parse(JSON.stringify(event)), {
      version: '2.0',
      routeKey: 'GET /hello/{name}',
      rawPath: '/hello/world',
      rawQueryString: 'a=1',
      headers: {
        host: 'api.example.com:7800',
        'user-agent': 'curl/8.0',
        'x-forwarded-for': '10.0.0.7',
        'x-forwarded-proto': 'http',
        'x-forwarded-port': '7800',
      },
      queryStringParameters: { a: '1' },
      requestContext: {
        accountId: '123456789012',
        apiId: 'gust',
        domainName: 'api.example.com',
        domainPrefix: 'api',
        http: {
          method: 'GET',
          path: '/hello/world',
          protocol: 'HTTP/1.1',
          sourceIp: '10.0.0.7',
          userAgent: 'curl/8.0',
        },
        requestId: 'req-1',
        routeKey: 'GET /hello/{name}',
        stage: '$default',
        time: '26/Nov/2026:22:01:19 +0000',
        timeEpoch: NOW,
      },
      pathParameters: { name: 'world' },
      isBase64Encoded: false,
    });
  });

  it('omits cookies, queryStringParameters, pathParameters and body when there are none', () => {
    const event = buildHttpEvent(
      input({ route: { functionName: 'f', routeKey: 'GET /', pathParameters: undefined } }),
    );
    for (const field of ['cookies', 'queryStringParameters', 'pathParameters', 'body']) {
      assert.equal(field in event, false, field);
    }
    assert.equal(event.rawQueryString, '');
    assert.equal(event.isBase64Encoded, false);
  });

  it('lower-cases header names and joins repeated headers with commas', () => {
    const event = buildHttpEvent(
      input({
        rawHeaders: [
          'X-Custom',
          'one',
          'x-custom',
          'two',
          'Accept',
          'text/html',
          'ACCEPT',
          'application/json',
        ],
      }),
    );
    assert.equal(event.headers['x-custom'], 'one,two');
    assert.equal(event.headers.accept, 'text/html,application/json');
    assert.equal(event.headers['X-Custom'], undefined);
  });

  it('moves cookies into their own array and leaves the cookie header out', () => {
    const event = buildHttpEvent(input({ rawHeaders: ['Cookie', 'a=1; b=2', 'Cookie', 'c=3;'] }));
    assert.deepEqual(event.cookies, ['a=1', 'b=2', 'c=3']);
    assert.equal(event.headers.cookie, undefined);
  });

  it('appends the peer address to an incoming x-forwarded-for and keeps a proxy-set proto and port', () => {
    const event = buildHttpEvent(
      input({
        rawHeaders: [
          'X-Forwarded-For',
          '203.0.113.9',
          'X-Forwarded-Proto',
          'https',
          'X-Forwarded-Port',
          '443',
        ],
      }),
    );
    assert.equal(event.headers['x-forwarded-for'], '203.0.113.9, 10.0.0.7');
    assert.equal(event.headers['x-forwarded-proto'], 'https');
    assert.equal(event.headers['x-forwarded-port'], '443');
    assert.equal(event.requestContext.http.sourceIp, '10.0.0.7');
  });

  it('decodes query parameters and joins repeated keys with commas', () => {
    const event = buildHttpEvent(input({ rawQueryString: 'tag=a&tag=b&q=hello%20world&flag&empty=' }));
    assert.equal(event.rawQueryString, 'tag=a&tag=b&q=hello%20world&flag&empty=');
    assert.deepEqual(
      { ...event.queryStringParameters },
      { tag: 'a,b', q: 'hello world', flag: '', empty: '' },
    );
  });

  it('passes a text body as a string', () => {
    const event = buildHttpEvent(
      input({
        method: 'POST',
        rawHeaders: ['Content-Type', 'application/json; charset=utf-8'],
        body: Buffer.from('{"name":"zoë"}'),
      }),
    );
    assert.equal(event.body, '{"name":"zoë"}');
    assert.equal(event.isBase64Encoded, false);
    assert.equal(event.requestContext.http.method, 'POST');
  });

  it('base64-encodes a binary body, and a body without a content type', () => {
    const bytes = Buffer.from([0, 255, 1, 254]);
    const binary = buildHttpEvent(input({ rawHeaders: ['Content-Type', 'image/png'], body: bytes }));
    assert.equal(binary.isBase64Encoded, true);
    assert.deepEqual(Buffer.from(binary.body ?? '', 'base64'), bytes);
    const untyped = buildHttpEvent(input({ rawHeaders: [], body: Buffer.from('hi') }));
    assert.equal(untyped.isBase64Encoded, true);
    assert.equal(untyped.body, Buffer.from('hi').toString('base64'));
  });

  it('reports an empty user agent and a localhost domain when the headers are missing', () => {
    const event = buildHttpEvent(input({ rawHeaders: [] }));
    assert.equal(event.requestContext.http.userAgent, '');
    assert.equal(event.requestContext.domainName, 'localhost');
  });

  it('does not take the domain prefix of an IP address host', () => {
    const event = buildHttpEvent(input({ rawHeaders: ['Host', '127.0.0.1:7800'] }));
    assert.equal(event.requestContext.domainName, '127.0.0.1');
    assert.equal(event.requestContext.domainPrefix, '127.0.0.1');
  });
});

describe('isTextContentType', () => {
  it('treats text, JSON, XML, form and JavaScript types as text and the rest as binary', () => {
    for (const type of [
      'text/plain',
      'text/html; charset=utf-8',
      'application/json',
      'Application/JSON',
      'application/xml',
      'application/vnd.api+json',
      'application/atom+xml',
      'application/x-www-form-urlencoded',
      'application/javascript',
    ]) {
      assert.equal(isTextContentType(type), true, type);
    }
    for (const type of [
      undefined,
      '',
      'application/octet-stream',
      'image/png',
      'multipart/form-data; boundary=x',
    ]) {
      assert.equal(isTextContentType(type), false, String(type));
    }
  });
});

describe('parseQueryString', () => {
  it('is undefined for an empty query and keeps "__proto__" as an ordinary key', () => {
    assert.equal(parseQueryString(''), undefined);
    assert.equal(parseQueryString('&&'), undefined);
    const parsed = parseQueryString('__proto__=x&constructor=y');
    assert.deepEqual(Object.entries(parsed ?? {}), [
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ]);
  });

  it('passes malformed percent escapes through unchanged', () => {
    assert.deepEqual({ ...parseQueryString('a=%E0%A4%A&b=%') }, { a: '%E0%A4%A', b: '%' });
  });
});

describe('formatRequestTime', () => {
  it('formats as API Gateway does, in UTC', () => {
    assert.equal(formatRequestTime(Date.UTC(2026, 0, 5, 3, 4, 5)), '05/Jan/2026:03:04:05 +0000');
    assert.equal(formatRequestTime(NOW), '26/Nov/2026:22:01:19 +0000');
  });
});
