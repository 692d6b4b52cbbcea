import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createConcurrencyLimiter } from './concurrency.js';

describe('concurrency limiter', () => {
  it('caps a function at its reserved concurrency and frees the slot on release', () => {
    const limiter = createConcurrencyLimiter(10);
    limiter.setReservations(new Map([['a', 2]]));
    const r1 = limiter.tryAcquire('a', 2);
    const r2 = limiter.tryAcquire('a', 2);
    assert.equal(typeof r1, 'function');
    assert.equal(typeof r2, 'function');
    assert.equal(limiter.tryAcquire('a', 2), 'ReservedFunctionConcurrentInvocationLimitExceeded');
    (r1 as () => void)();
    assert.equal(typeof limiter.tryAcquire('a', 2), 'function');
  });

  it('keeps reserved slots away from functions without a reservation', () => {
    const limiter = createConcurrencyLimiter(3);
    limiter.setReservations(new Map([['a', 2]]));
    assert.equal(typeof limiter.tryAcquire('b', undefined), 'function');
    assert.equal(limiter.tryAcquire('c', undefined), 'ConcurrentInvocationLimitExceeded');
    assert.equal(limiter.inFlight().total, 1);
  });

  it('throttles everything beyond the platform limit', () => {
    const limiter = createConcurrencyLimiter(2);
    limiter.tryAcquire('a', undefined);
    limiter.tryAcquire('b', undefined);
    assert.equal(limiter.tryAcquire('c', undefined), 'ConcurrentInvocationLimitExceeded');
    assert.deepEqual(limiter.inFlight(), { total: 2, byFunction: { a: 1, b: 1 } });
  });

  it('ignores a second release of the same slot', () => {
    const limiter = createConcurrencyLimiter(1);
    const release = limiter.tryAcquire('a', undefined) as () => void;
    release();
    release();
    assert.equal(limiter.inFlight().total, 0);
    assert.equal(typeof limiter.tryAcquire('a', undefined), 'function');
    assert.equal(limiter.tryAcquire('b', undefined), 'ConcurrentInvocationLimitExceeded');
  });

  it('treats a reservation of zero as a function that may not run', () => {
    const limiter = createConcurrencyLimiter(5);
    limiter.setReservations(new Map([['off', 0]]));
    assert.equal(limiter.tryAcquire('off', 0), 'ReservedFunctionConcurrentInvocationLimitExceeded');
  });
});
