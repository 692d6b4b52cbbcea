import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RouteEntry } from '../functions/control-plane.js';
import { RouteTable } from './route-table.js';

const route = (method: string, path: string, functionName = 'fn'): RouteEntry => ({
  method,
  path,
  functionName,
});

describe('RouteTable', () => {
  it('matches a literal path and reports no path parameters', () => {
    const hello = route('GET', '/hello');
    const table = new RouteTable([hello]);
    assert.deepEqual(table.match('GET', '/hello'), {
      functionName: 'fn',
      routeKey: 'GET /hello',
      pathParameters: undefined,
      entry: hello,
    });
    assert.equal(table.match('GET', '/hello/'), null);
    assert.equal(table.match('GET', '/Hello'), null);
  });

  it('matches the root path', () => {
    const table = new RouteTable([route('GET', '/', 'root')]);
    assert.equal(table.match('GET', '/')?.functionName, 'root');
  });

  it('extracts {param} segments by their declared names, decoded', () => {
    const table = new RouteTable([route('GET', '/users/{user-id}/orders/{order_id}')]);
    const match = table.match('GET', '/users/a%20b/orders/42');
    assert.deepEqual(match?.pathParameters, { 'user-id': 'a b', order_id: '42' });
    assert.equal(match?.routeKey, 'GET /users/{user-id}/orders/{order_id}');
  });

  it('does not match a parameter against an empty segment', () => {
    const table = new RouteTable([route('GET', '/users/{id}')]);
    assert.equal(table.match('GET', '/users/'), null);
  });

  it('matches a greedy {proxy+} against one or more segments, under the key "proxy"', () => {
    const table = new RouteTable([route('ANY', '/files/{proxy+}')]);
    const match = table.match('GET', '/files/a/b/c.txt');
    assert.deepEqual(match?.pathParameters, { proxy: 'a/b/c.txt' });
    assert.equal(match?.routeKey, 'ANY /files/{proxy+}');
    assert.equal(table.match('GET', '/files/'), null);
    assert.equal(table.match('GET', '/files'), null);
  });

  it('names the greedy parameter as declared', () => {
    const table = new RouteTable([route('GET', '/static/{path+}')]);
    assert.deepEqual(table.match('GET', '/static/css/site.css')?.pathParameters, { path: 'css/site.css' });
  });

  it('prefers a literal segment over a parameter over a greedy parameter', () => {
    const table = new RouteTable([
      route('GET', '/items/{proxy+}', 'greedy'),
      route('GET', '/items/{id}', 'param'),
      route('GET', '/items/special', 'literal'),
    ]);
    assert.equal(table.match('GET', '/items/special')?.functionName, 'literal');
    assert.equal(table.match('GET', '/items/42')?.functionName, 'param');
    assert.equal(table.match('GET', '/items/42/parts')?.functionName, 'greedy');
  });

  it('prefers a parameter route over a greedy one regardless of declaration order', () => {
    const table = new RouteTable([
      route('GET', '/{proxy+}', 'catch-all'),
      route('GET', '/users/{id}', 'user'),
    ]);
    assert.equal(table.match('GET', '/users/7')?.functionName, 'user');
    assert.equal(table.match('GET', '/users/7/x')?.functionName, 'catch-all');
    assert.equal(table.match('GET', '/other')?.functionName, 'catch-all');
  });

  it('lets ANY match every method, and an explicit method win over ANY on the same path', () => {
    const table = new RouteTable([route('ANY', '/thing', 'any'), route('POST', '/thing', 'post')]);
    assert.equal(table.match('GET', '/thing')?.functionName, 'any');
    assert.equal(table.match('DELETE', '/thing')?.functionName, 'any');
    assert.equal(table.match('POST', '/thing')?.functionName, 'post');
    assert.equal(table.match('POST', '/thing')?.routeKey, 'POST /thing');
  });

  it('reports the methods a path allows when only the method differs (for 405)', () => {
    const table = new RouteTable([
      route('GET', '/orders/{id}'),
      route('PUT', '/orders/{id}'),
      route('POST', '/orders'),
    ]);
    assert.equal(table.match('DELETE', '/orders/1'), null);
    assert.deepEqual(table.allowedMethods('/orders/1'), ['GET', 'PUT']);
    assert.deepEqual(table.allowedMethods('/orders'), ['POST']);
    assert.deepEqual(table.allowedMethods('/nothing'), []);
  });

  it('never serves routes under the reserved prefixes', () => {
    const table = new RouteTable([route('GET', '/_gust/v1/health'), route('ANY', '/2015-03-31/{proxy+}')]);
    assert.equal(table.match('GET', '/_gust/v1/health'), null);
    assert.equal(table.match('POST', '/2015-03-31/functions/x/invocations'), null);
    assert.equal(table.size, 0);
  });

  it('matches literal segments that hold characters find-my-way treats specially', () => {
    const table = new RouteTable([route('GET', '/v1/things:batch'), route('GET', '/glob/a*b')]);
    assert.equal(table.match('GET', '/v1/things:batch')?.functionName, 'fn');
    assert.equal(table.match('GET', '/v1/things'), null);
    assert.equal(table.match('GET', '/glob/a*b')?.pathParameters, undefined);
    assert.notEqual(table.match('GET', '/glob/a*b'), null);
    assert.equal(table.match('GET', '/glob/axb'), null);
  });

  it('keeps the first of two routes that claim the same method and path', () => {
    const table = new RouteTable([route('GET', '/dup/{a}', 'first'), route('GET', '/dup/{b}', 'second')]);
    assert.equal(table.match('GET', '/dup/1')?.functionName, 'first');
    assert.deepEqual(table.match('GET', '/dup/1')?.pathParameters, { a: '1' });
  });
});
