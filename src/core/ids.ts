import { randomUUID } from 'node:crypto';

/** Source of identifiers; injected so tests can make ids predictable. */
export interface IdSource {
  /** A request id in the form Lambda uses (a UUID). */
  requestId(): string;
}

/**
 * Request ids are UUIDs laid out as version 7: the first 48 bits are the millisecond time, the rest
 * random. They look like Lambda's ids, and because they grow with time, invocation records append
 * to the end of the store's index instead of landing on random pages (inserts are about twice as
 * fast in SQLite). The random part comes from randomUUID(), which draws on a cached entropy pool.
 */
let lastMs = -1;
let counter = 0;

export function timeOrderedUuid(now = Date.now()): string {
  // Within one millisecond a 12-bit counter follows the time (UUIDv7's "rand_a" used as a monotonic
  // counter), so ids made by this process sort in the order they were made. On overflow the time
  // is advanced by a millisecond rather than letting the order break.
  let ms = now;
  if (ms <= lastMs) {
    ms = lastMs;
    counter++;
    if (counter > 0xfff) {
      ms = lastMs + 1;
      counter = 0;
    }
  } else counter = 0;
  lastMs = ms;
  const random = randomUUID();
  const time = ms.toString(16).padStart(12, '0').slice(-12);
  const seq = counter.toString(16).padStart(3, '0');
  // xxxxxxxx-xxxx-7sss-yxxx-xxxxxxxxxxxx: time, version 7, counter, then random (variant kept).
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${seq}-${random.slice(19)}`;
}

export const randomIds: IdSource = {
  requestId: () => timeOrderedUuid(),
};

/** Predictable ids for tests: prefix-1, prefix-2, ... */
export function sequentialIds(prefix = 'id'): IdSource {
  let n = 0;
  return { requestId: () => `${prefix}-${++n}` };
}
