import type { Migration } from './migration.js';

/**
 * The nodes serving this store and their last heartbeat (src/cluster/). `load` is JSON text
 * ({inFlight, instances, rssBytes}) that only `gust status` reads.
 */
export const nodesSchema: Migration = {
  id: 8,
  description: 'nodes and their heartbeats',
  sql: {
    sqlite: `
      CREATE TABLE nodes (
        id           TEXT    NOT NULL PRIMARY KEY,
        url          TEXT    NOT NULL,
        version      TEXT    NOT NULL,
        started_at   INTEGER NOT NULL,
        heartbeat_at INTEGER NOT NULL,
        load         TEXT    NOT NULL
      );
    `,
    postgres: `
      CREATE TABLE nodes (
        id           TEXT COLLATE "C" NOT NULL PRIMARY KEY,
        url          TEXT   NOT NULL,
        version      TEXT   NOT NULL,
        started_at   BIGINT NOT NULL,
        heartbeat_at BIGINT NOT NULL,
        load         TEXT   NOT NULL
      );
    `,
  },
};
