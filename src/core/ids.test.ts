import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomIds, timeOrderedUuid } from './ids.js';

describe('request ids', () => {
  it('are version-7 UUIDs that carry their creation time', () => {
    const id = timeOrderedUuid(Date.UTC(2030, 10, 26, 12, 0, 0));
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16), Date.UTC(2030, 10, 26, 12, 0, 0));
  });

  it('sort in creation order, also within one millisecond', () => {
    const t = Date.now() + 60_000;
    const ids = [timeOrderedUuid(t), timeOrderedUuid(t), timeOrderedUuid(t), timeOrderedUuid(t + 1)];
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(new Set(ids).size, 4);
    assert.notEqual(randomIds.requestId(), randomIds.requestId());
  });
});
