/** Helpers for the pattern tests: match one event, or expect a pattern to be rejected. */
import assert from 'node:assert/strict';
import { isGustError } from '../../core/errors.js';
import { compilePattern } from './compile-pattern.js';

export function matches(pattern: unknown, event: unknown): boolean {
  return compilePattern(pattern).matches(event);
}

/** Asserts that compiling `pattern` fails with ERR_INVALID_PATTERN and exactly `message`. */
export function assertRejected(pattern: unknown, message: string): void {
  assert.throws(
    () => compilePattern(pattern),
    (error: unknown) => {
      assert.ok(isGustError(error), 'expected a GustError');
      assert.equal(error.code, 'ERR_INVALID_PATTERN');
      assert.equal(error.message, message);
      return true;
    },
  );
}

/** A minimal EventBridge event with `detail`. */
export function eventWith(detail: unknown): Record<string, unknown> {
  return {
    id: '1',
    source: 'test-source',
    'detail-type': 'test-detail-type',
    account: '123456789012',
    region: 'us-east-2',
    time: '2022-07-13T13:48:01Z',
    resources: [],
    detail,
  };
}
