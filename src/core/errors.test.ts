import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ERROR_CODES, GustError, toGustError } from './errors.js';

describe('error codes', () => {
  it('are each documented in docs/errors.md with their status, and nothing else is', () => {
    const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    const documented = new Map<string, number>();
    for (const match of doc.matchAll(/^\| `(ERR_[A-Z_]+)` \| (\d{3}) \|/gm)) {
      documented.set(match[1] ?? '', Number(match[2]));
    }
    assert.deepEqual(
      Object.fromEntries([...documented].sort()),
      Object.fromEntries(Object.entries(ERROR_CODES).sort()),
    );
  });

  it('carry the status their code implies and keep the cause', () => {
    const cause = new Error('disk full');
    const error = new GustError('ERR_FUNCTION_NOT_FOUND', 'nope', { cause });
    assert.equal(error.status, 404);
    assert.equal(error.cause, cause);
    assert.equal(toGustError(cause).code, 'ERR_INTERNAL');
    assert.equal(toGustError(error), error);
  });
});
