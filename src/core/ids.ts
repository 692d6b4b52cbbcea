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
export function timeOrderedUuid(now = Date.now()): string {
  const random = randomUUID();
  const time = now.toString(16).padStart(12, '0').slice(-12);
  // xxxxxxxx-xxxx-7xxx-yxxx-xxxxxxxxxxxx: time in the first 12 hex digits, version nibble 7.
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15, 18)}-${random.slice(19)}`;
}

export const randomIds: IdSource = {
  requestId: () => timeOrderedUuid(),
};

/** Predictable ids for tests: prefix-1, prefix-2, ... */
export function sequentialIds(prefix = 'id'): IdSource {
  let n = 0;
  return { requestId: () => `${prefix}-${++n}` };
}
