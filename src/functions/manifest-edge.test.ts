import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GustError } from '../core/errors.js';
import { parseManifest } from './manifest.js';

function issuesOf(text: string): { path: string; message: string }[] {
  try {
    parseManifest(text);
  } catch (error) {
    assert.ok(error instanceof GustError);
    assert.equal(error.code, 'ERR_INVALID_MANIFEST');
    assert.equal(error.status, 400);
    return error.details?.issues as { path: string; message: string }[];
  }
  assert.fail('expected the manifest to be rejected');
}

describe('manifest: network', () => {
  it('stores network none, and leaves the default outbound out of the configuration', () => {
    const manifest = parseManifest(`
service: s
functions:
  offline: { handler: a.h, network: none }
  online: { handler: a.h, network: outbound }
  plain: { handler: a.h }
`);
    const [offline, online, plain] = manifest.functions;
    assert.equal(offline?.config.network, 'none');
    // Absent and 'outbound' are the same configuration, so they give the same version id.
    assert.equal(online?.config.network, undefined);
    assert.deepEqual(online?.config, plain?.config);
  });

  it('takes the default from provider.network, and a function may override it', () => {
    const manifest = parseManifest(`
service: s
provider: { network: none }
functions:
  a: { handler: a.h }
  b: { handler: a.h, network: outbound }
  c: { runtime: provided, network: none }
`);
    assert.deepEqual(
      manifest.functions.map((f) => [f.name, f.config.network ?? 'outbound']),
      [
        ['a', 'none'],
        ['b', 'outbound'],
        ['c', 'none'],
      ],
    );
  });

  it('names the field and the accepted values for an unknown network mode', () => {
    assert.deepEqual(issuesOf('service: s\nfunctions:\n  a: { handler: a.h, network: offline }\n'), [
      { path: 'functions.a.network', message: 'expected one of none, outbound' },
    ]);
    assert.deepEqual(
      issuesOf('service: s\nprovider: { network: false }\nfunctions:\n  a: { handler: a.h }\n'),
      [{ path: 'provider.network', message: 'expected one of none, outbound' }],
    );
  });
});

describe('manifest: unexpected types', () => {
  it('refuses numbers where text goes, naming each field', () => {
    const issues = issuesOf(`
service: 42
functions:
  a: { handler: 7, code: 1, description: 3 }
`);
    assert.deepEqual(
      issues.map((i) => i.path),
      ['service', 'functions.a.handler', 'functions.a.code', 'functions.a.description'],
    );
    assert.match(issues[1]?.message ?? '', /expected file\.export/);
  });

  it('refuses lists where maps go and maps where lists go', () => {
    const issues = issuesOf(`
service: s
provider: [ nodejs20.x ]
functions:
  a:
    handler: a.h
    environment: [ A, B ]
    events: { http: GET /x }
`);
    assert.deepEqual(
      issues.map((i) => i.path),
      ['provider', 'functions.a.environment', 'functions.a.events'],
    );
    assert.match(issues[0]?.message ?? '', /^expected defaults for every function: runtime, memory, /);
    assert.equal(issues[1]?.message, 'expected a map of NAME: value');
    assert.equal(issues[2]?.message, 'expected a list of events');
  });

  it('refuses a list of functions, a top-level list and a bare string', () => {
    assert.deepEqual(issuesOf('service: s\nfunctions: [ a, b ]\n'), [
      { path: 'functions', message: 'expected a map of function name to definition' },
    ]);
    assert.deepEqual(issuesOf('- service: s\n'), [
      { path: '', message: 'expected a map with service and functions' },
    ]);
    assert.deepEqual(issuesOf('just text\n'), [
      { path: '', message: 'expected a map with service and functions' },
    ]);
  });

  it('refuses nested values in the environment and unknown keys at every level', () => {
    const issues = issuesOf(`
service: s
extra: 1
provider: { runtime: nodejs20.x, region: eu-west-1 }
functions:
  a:
    handler: a.h
    environment: { A: { nested: true } }
    events:
      - http: { method: GET, path: /x, bogus: true }
`);
    assert.deepEqual(
      issues.map((i) => i.path),
      ['provider', 'functions.a.environment.A', 'functions.a.events.0.http', ''],
    );
    assert.equal(issues[0]?.message, 'unknown field "region"');
    assert.equal(issues[1]?.message, 'expected a string, number or boolean');
    // The wording depends on how the http event's long form is declared; it must be refused either way.
    assert.match(issues[2]?.message ?? '', /unknown field "bogus"|expected "METHOD \/path"/);
    assert.equal(issues[3]?.message, 'unknown field "extra"');
  });

  it('refuses a YAML alias bomb instead of expanding it without bound', () => {
    // "Billion laughs": each level references the previous one ten times.
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    const text = `service: s\nbomb:\n${levels.map((l) => `  ${l}`).join('\n')}\nfunctions:\n  f: { handler: a.h }\n`;
    const issues = issuesOf(text);
    assert.equal(issues.length, 1);
    assert.match(issues[0]?.message ?? '', /alias count/i);
  });
});
