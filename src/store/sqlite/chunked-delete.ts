import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

/** Rows one delete statement removes at most; a few milliseconds of work on a laptop. */
export const DELETE_CHUNK_ROWS = 2000;

/**
 * Runs `deleteChunk(limit)` (which deletes at most `limit` rows and returns how many it did) until
 * a chunk comes back short, yielding to the event loop between chunks so that a large retention
 * sweep never holds the platform up for long. Returns the total deleted.
 */
export async function deleteInChunks(deleteChunk: (limit: number) => number): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = deleteChunk(DELETE_CHUNK_ROWS);
    total += deleted;
    if (deleted < DELETE_CHUNK_ROWS) return total;
    await yieldToEventLoop();
  }
}
