import type { CodeBlobRepository } from '../code-blob-repository.js';
import type { PgDatabase } from './executor.js';

/** Code archives in PostgreSQL (BYTEA, one row per content hash). */
export class PgCodeBlobRepository implements CodeBlobRepository {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async put(hash: string, archive: Buffer, now: number): Promise<void> {
    // Two nodes deploying the same code at once: one inserts, the other changes nothing.
    await this.#db.run(
      `INSERT INTO code_blobs (hash, archive, size_bytes, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (hash) DO NOTHING`,
      [hash, archive, archive.length, now],
    );
  }

  async get(hash: string): Promise<Buffer | undefined> {
    const row = await this.#db.one<{ archive: Buffer }>('SELECT archive FROM code_blobs WHERE hash = $1', [
      hash,
    ]);
    return row?.archive;
  }

  async has(hash: string): Promise<boolean> {
    return (await this.#db.one('SELECT 1 AS found FROM code_blobs WHERE hash = $1', [hash])) !== undefined;
  }
}
