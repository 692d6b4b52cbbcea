import { DELETE_CHUNK_ROWS } from '../sqlite/chunked-delete.js';

export { DELETE_CHUNK_ROWS };

/**
 * Runs `deleteChunk(limit)` (one statement deleting at most `limit` rows, returning how many it
 * did) until a chunk comes back short. Each chunk is its own short transaction, so a large
 * retention sweep never holds locks on many rows, or bloats one transaction, for long. Returns
 * the total deleted.
 */
export async function deleteInChunksAsync(deleteChunk: (limit: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deleteChunk(DELETE_CHUNK_ROWS);
    total += deleted;
    if (deleted < DELETE_CHUNK_ROWS) return total;
  }
}
