import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../core/clock.js';
import { BucketMap, TokenBucket } from './token-bucket.js';

describe('token buckets', () => {
  it('allow a burst, then one request per 1/rate seconds, answering the whole seconds to wait', () => {
    const bucket = new TokenBucket({ rate: 0.5, burst: 2 }, 0);
    assert.equal(bucket.take(0), 0);
    assert.equal(bucket.take(0), 0);
    assert.equal(bucket.take(0), 2, 'one token takes 2 s at 0.5/s');
    assert.equal(bucket.take(1500), 1, 'at least 1 s, rounded up');
    assert.equal(bucket.take(2000), 0);
    assert.equal(bucket.take(2000), 2);
  });

  it('never hold more than burst tokens, however long they were idle', () => {
    const bucket = new TokenBucket({ rate: 10, burst: 3 }, 0);
    const now = 3_600_000;
    assert.deepEqual(
      [1, 2, 3, 4].map(() => bucket.take(now)),
      [0, 0, 0, 1],
    );
  });

  it('keep one bucket per key, and stay within their bound by forgetting full ones first', () => {
    const clock = new FakeClock(0);
    const buckets = new BucketMap({ rate: 1, burst: 1 }, clock, 100);
    for (let i = 0; i < 100; i++) assert.equal(buckets.take(`key-${i}`), 0);
    assert.equal(buckets.take('key-0'), 1, 'key-0 spent its token');
    clock.advance(1000);
    buckets.take('busy'); // over the bound: every full bucket is swept
    assert.ok(buckets.size <= 100);
    assert.equal(buckets.size, 1);
  });

  it('drop the least recently used when every bucket is still busy', () => {
    const clock = new FakeClock(0);
    const buckets = new BucketMap({ rate: 1, burst: 1 }, clock, 10);
    for (let i = 0; i < 10; i++) buckets.take(`key-${i}`);
    buckets.take('key-0'); // key-0 is now the most recent
    buckets.take('new');
    assert.equal(buckets.size, 10);
    assert.equal(buckets.take('key-0'), 1, 'key-0 was kept, still empty');
  });
});
