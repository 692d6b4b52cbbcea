import type { Migration } from './migration.js';

/**
 * Function code archives, content-addressed (`hash` is the code store's sha256 of the unpacked
 * folder), written at deploy and read by any node that has not unpacked that code yet. Needed when
 * several nodes share a PostgreSQL store; a single SQLite node keeps code in its data directory and
 * leaves this table empty. Rows are immutable: the same hash always holds the same archive.
 */
export const codeBlobsSchema: Migration = {
  id: 7,
  description: 'function code archives by content hash',
  sql: {
    sqlite: `
      CREATE TABLE code_blobs (
        hash       TEXT    NOT NULL PRIMARY KEY,
        archive    BLOB    NOT NULL,
        size_bytes INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
    `,
    postgres: `
      CREATE TABLE code_blobs (
        hash       TEXT   NOT NULL PRIMARY KEY,
        archive    BYTEA  NOT NULL,
        size_bytes BIGINT NOT NULL,
        created_at BIGINT NOT NULL
      );
      -- Archives are already compressed: storing them without TOAST compression saves CPU.
      ALTER TABLE code_blobs ALTER COLUMN archive SET STORAGE EXTERNAL;
    `,
  },
};
