import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { InvalidArgumentError } from 'commander';
import { integerOption, parseDurationMs, parseSince, readPayload, secondsOption } from './args.js';
import { CliError, EXIT_USAGE } from './cli-error.js';

const NOW = Date.UTC(2025, 10, 26, 12, 0, 0);

function assertUsageError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof CliError, 'a CliError');
    assert.equal(error.exitCode, EXIT_USAGE);
    assert.match(error.message, pattern);
    return true;
  });
}

describe('--since', () => {
  test('a duration means that long before now', () => {
    assert.equal(parseSince('10m', NOW), NOW - 10 * 60_000);
    assert.equal(parseSince('1h', NOW), NOW - 3_600_000);
    assert.equal(parseSince('30s', NOW), NOW - 30_000);
    assert.equal(parseSince('2d', NOW), NOW - 2 * 86_400_000);
    assert.equal(parseSince('1h30m', NOW), NOW - 90 * 60_000);
    assert.equal(parseSince('250ms', NOW), NOW - 250);
    assert.equal(parseSince('1.5h', NOW), NOW - 5_400_000);
  });

  test('an ISO time is taken as written', () => {
    assert.equal(parseSince('2025-11-26T10:00:00Z', NOW), Date.UTC(2025, 10, 26, 10));
    assert.equal(parseSince('2025-11-26T10:00:00.500+01:00', NOW), Date.UTC(2025, 10, 26, 9, 0, 0, 500));
    assert.equal(parseSince('2025-11-26', NOW), Date.UTC(2025, 10, 26));
  });

  test('epoch milliseconds are taken as they are', () => {
    assert.equal(parseSince('1764194400000', NOW), 1764194400000);
  });

  test('a bare small number is rejected with a hint to add a unit', () => {
    assertUsageError(() => parseSince('10', NOW), /give a unit \(10m, 10h\)/);
  });

  test('anything else is a usage error that lists the accepted forms', () => {
    for (const bad of ['yesterday', '10 minutes', '10x', '', '2025-13-45']) {
      assertUsageError(() => parseSince(bad, NOW), /duration like 10m or 1h, an ISO time/);
    }
  });

  test('parseDurationMs tells durations from other text', () => {
    assert.equal(parseDurationMs('5m'), 300_000);
    assert.equal(parseDurationMs('5'), undefined);
    assert.equal(parseDurationMs('m5'), undefined);
  });
});

describe('--payload', () => {
  test('no payload sends an empty object', () => {
    assert.equal(readPayload(undefined, '/'), '{}');
  });

  test('inline JSON is sent exactly as written', () => {
    assert.equal(readPayload('{ "name": "ada" }', '/'), '{ "name": "ada" }');
    assert.equal(readPayload('42', '/'), '42');
  });

  test('@file reads the payload from a file relative to the working folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gust-args-'));
    try {
      writeFileSync(join(dir, 'event.json'), '{"id": 7}\n');
      assert.equal(readPayload('@event.json', dir), '{"id": 7}\n');
      assert.equal(readPayload(`@${join(dir, 'event.json')}`, '/'), '{"id": 7}\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a missing @file is a usage error naming the file', () => {
    assertUsageError(() => readPayload('@nope.json', tmpdir()), /cannot read nope\.json \(ENOENT\)/);
  });

  test('an @file that is not JSON is a usage error naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gust-args-'));
    try {
      writeFileSync(join(dir, 'bad.json'), '{id: 7}');
      assertUsageError(() => readPayload('@bad.json', dir), /^--payload @bad\.json is not valid JSON: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('inline text that is not JSON is a usage error', () => {
    assertUsageError(() => readPayload('{name: ada}', '/'), /^--payload is not valid JSON: /);
    assertUsageError(() => readPayload('', '/'), /^--payload is not valid JSON: /);
    assertUsageError(() => readPayload('@', '/'), /give a file name after the @/);
  });
});

describe('numeric flags', () => {
  test('integerOption accepts integers in range and rejects the rest', () => {
    const port = integerOption(0, 65535);
    assert.equal(port('7800'), 7800);
    assert.equal(port('0'), 0);
    for (const bad of ['-1', '65536', '1.5', 'abc', '', '7e3']) {
      assert.throws(() => port(bad), InvalidArgumentError, bad);
    }
    assert.throws(() => integerOption(1)('0'), /integer ≥ 1/);
  });

  test('secondsOption accepts positive numbers of seconds', () => {
    assert.equal(secondsOption('30'), 30);
    assert.equal(secondsOption('0.5'), 0.5);
    for (const bad of ['0', '-3', 'soon', '']) assert.throws(() => secondsOption(bad), InvalidArgumentError);
  });
});
