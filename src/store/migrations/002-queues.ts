import type { Migration } from './migration.js';

/**
 * Durable queues and the deliveries built on them: queues (config as JSON text), messages with
 * their leases, deduplication entries, asynchronous invocation records, idempotency records and
 * the last fired tick of each schedule.
 *
 * Index notes (SQLite):
 * - `messages_by_queue_visible (queue, visible_at, id)` serves receive (`visible_at <= now` in
 *   visibleAt, id order), the visible count of `stats` and `nextVisibleAt`.
 * - `messages_by_queue_sent (queue, sent_at, id)` serves retention, `peek`, `redrive` (oldest sent
 *   first) and the oldest age in `stats`.
 * - `messages_by_receipt_handle` is unique and partial: only leased rows carry a handle, so
 *   never-received messages cost nothing in it. `receipt_handle = ?` implies `IS NOT NULL`, so
 *   SQLite uses it for delete, changeVisibility and moveToDeadLetter.
 * - Messages have no foreign key to their queue: a large queue's messages are deleted in chunks
 *   after the queue, and retention sweeps up any a crash left behind.
 * - Ties in "newest first" lists break on rowid (the later insert first), as in migration 1.
 */
export const queuesSchema: Migration = {
  id: 2,
  description: 'queues, messages, dedupe, async invocations, idempotency, schedule ticks',
  sql: {
    sqlite: `
      CREATE TABLE queues (
        name       TEXT    NOT NULL PRIMARY KEY,
        config     TEXT    NOT NULL,
        kind       TEXT    NOT NULL,
        owner      TEXT,
        created_at INTEGER NOT NULL
      );

      CREATE TABLE messages (
        id                TEXT    NOT NULL PRIMARY KEY,
        queue             TEXT    NOT NULL,
        body              TEXT    NOT NULL,
        attributes        TEXT    NOT NULL,
        meta              TEXT,
        sent_at           INTEGER NOT NULL,
        visible_at        INTEGER NOT NULL,
        receive_count     INTEGER NOT NULL DEFAULT 0,
        first_received_at INTEGER,
        receipt_handle    TEXT,
        last_error        TEXT,
        source_queue      TEXT,
        dedupe_id         TEXT
      );
      CREATE INDEX messages_by_queue_visible ON messages (queue, visible_at, id);
      CREATE INDEX messages_by_queue_sent ON messages (queue, sent_at, id);
      CREATE UNIQUE INDEX messages_by_receipt_handle ON messages (receipt_handle)
        WHERE receipt_handle IS NOT NULL;

      CREATE TABLE dedupe (
        queue      TEXT    NOT NULL,
        dedupe_id  TEXT    NOT NULL,
        message_id TEXT    NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (queue, dedupe_id)
      );
      CREATE INDEX dedupe_by_expiry ON dedupe (expires_at);

      CREATE TABLE async_invocations (
        request_id      TEXT    NOT NULL PRIMARY KEY,
        function_name   TEXT    NOT NULL,
        qualifier       TEXT    NOT NULL,
        status          TEXT    NOT NULL,
        attempts        INTEGER NOT NULL,
        max_attempts    INTEGER NOT NULL,
        next_attempt_at INTEGER,
        last_error      TEXT,
        destination     TEXT,
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL
      );
      CREATE INDEX async_invocations_by_function_created ON async_invocations (function_name, created_at);
      CREATE INDEX async_invocations_by_created ON async_invocations (created_at);

      CREATE TABLE idempotency (
        scope      TEXT    NOT NULL,
        key        TEXT    NOT NULL,
        state      TEXT    NOT NULL,
        response   TEXT,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (scope, key)
      );
      CREATE INDEX idempotency_by_expiry ON idempotency (expires_at);

      CREATE TABLE schedule_ticks (
        schedule_id TEXT    NOT NULL PRIMARY KEY,
        last_tick   INTEGER NOT NULL
      );
    `,
    postgres: `
      CREATE TABLE queues (
        name       TEXT COLLATE "C" NOT NULL PRIMARY KEY,
        config     TEXT   NOT NULL,
        kind       TEXT   NOT NULL,
        owner      TEXT,
        created_at BIGINT NOT NULL
      );

      CREATE TABLE messages (
        id                TEXT COLLATE "C" NOT NULL PRIMARY KEY,
        queue             TEXT COLLATE "C" NOT NULL,
        body              TEXT    NOT NULL,
        attributes        TEXT    NOT NULL,
        meta              TEXT,
        sent_at           BIGINT  NOT NULL,
        visible_at        BIGINT  NOT NULL,
        receive_count     INTEGER NOT NULL DEFAULT 0,
        first_received_at BIGINT,
        receipt_handle    TEXT,
        last_error        TEXT,
        source_queue      TEXT,
        dedupe_id         TEXT
      );
      CREATE INDEX messages_by_queue_visible ON messages (queue, visible_at, id);
      CREATE INDEX messages_by_queue_sent ON messages (queue, sent_at, id);
      CREATE UNIQUE INDEX messages_by_receipt_handle ON messages (receipt_handle)
        WHERE receipt_handle IS NOT NULL;

      CREATE TABLE dedupe (
        queue      TEXT   NOT NULL,
        dedupe_id  TEXT   NOT NULL,
        message_id TEXT   NOT NULL,
        expires_at BIGINT NOT NULL,
        PRIMARY KEY (queue, dedupe_id)
      );
      CREATE INDEX dedupe_by_expiry ON dedupe (expires_at);

      CREATE TABLE async_invocations (
        request_id      TEXT    NOT NULL PRIMARY KEY,
        function_name   TEXT    NOT NULL,
        qualifier       TEXT    NOT NULL,
        status          TEXT    NOT NULL,
        attempts        INTEGER NOT NULL,
        max_attempts    INTEGER NOT NULL,
        next_attempt_at BIGINT,
        last_error      TEXT,
        destination     TEXT,
        created_at      BIGINT  NOT NULL,
        updated_at      BIGINT  NOT NULL,
        seq             BIGINT GENERATED ALWAYS AS IDENTITY
      );
      CREATE INDEX async_invocations_by_function_created ON async_invocations (function_name, created_at, seq);
      CREATE INDEX async_invocations_by_created ON async_invocations (created_at, seq);

      CREATE TABLE idempotency (
        scope      TEXT   NOT NULL,
        key        TEXT   NOT NULL,
        state      TEXT   NOT NULL,
        response   TEXT,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        PRIMARY KEY (scope, key)
      );
      CREATE INDEX idempotency_by_expiry ON idempotency (expires_at);

      CREATE TABLE schedule_ticks (
        schedule_id TEXT   NOT NULL PRIMARY KEY,
        last_tick   BIGINT NOT NULL
      );
    `,
  },
};
