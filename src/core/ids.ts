import { randomUUID } from 'node:crypto';

/** Source of identifiers; injected so tests can make ids predictable. */
export interface IdSource {
  /** A request id in the form Lambda uses (a UUID). */
  requestId(): string;
}

export const randomIds: IdSource = {
  requestId: () => randomUUID(),
};

/** Predictable ids for tests: prefix-1, prefix-2, ... */
export function sequentialIds(prefix = 'id'): IdSource {
  let n = 0;
  return { requestId: () => `${prefix}-${++n}` };
}
