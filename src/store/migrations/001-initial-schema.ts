import type { Migration } from './migration.js';

/**
 * Functions, their content versions (config as JSON text), published numbers and aliases;
 * invocation records; log lines.
 *
 * Ordering notes (SQLite): "newest first" ties between equal timestamps break on rowid, i.e.
 * insertion order. Every SQLite index ends with the rowid, so `(function_name, started_at)` serves
 * `ORDER BY started_at DESC, rowid DESC` without a sort. A PostgreSQL dialect needs an identity
 * column for the same tie-break. Log ids use AUTOINCREMENT so that an id is never reused after
 * pruning (followers page with `afterId`).
 */
export const initialSchema: Migration = {
  id: 1,
  description: 'functions, versions, published versions, aliases, invocations, logs',
  sql: {
    sqlite: `
      CREATE TABLE functions (
        name              TEXT    NOT NULL PRIMARY KEY,
        service           TEXT    NOT NULL,
        latest_version_id TEXT    NOT NULL,
        created_at        INTEGER NOT NULL,
        updated_at        INTEGER NOT NULL
      );

      CREATE TABLE function_versions (
        function_name   TEXT    NOT NULL,
        version_id      TEXT    NOT NULL,
        code_hash       TEXT    NOT NULL,
        code_size_bytes INTEGER NOT NULL,
        config          TEXT    NOT NULL,
        created_at      INTEGER NOT NULL,
        PRIMARY KEY (function_name, version_id)
      );

      CREATE TABLE published_versions (
        function_name TEXT    NOT NULL,
        number        INTEGER NOT NULL,
        version_id    TEXT    NOT NULL,
        created_at    INTEGER NOT NULL,
        PRIMARY KEY (function_name, number),
        FOREIGN KEY (function_name, version_id)
          REFERENCES function_versions (function_name, version_id) ON DELETE CASCADE
      );
      CREATE INDEX published_versions_by_version ON published_versions (function_name, version_id);

      CREATE TABLE aliases (
        function_name TEXT    NOT NULL,
        name          TEXT    NOT NULL,
        target        TEXT    NOT NULL,
        updated_at    INTEGER NOT NULL,
        PRIMARY KEY (function_name, name)
      );

      CREATE TABLE invocations (
        request_id         TEXT    NOT NULL PRIMARY KEY,
        function_name      TEXT    NOT NULL,
        executed_version   TEXT    NOT NULL,
        version_id         TEXT    NOT NULL,
        trigger_type       TEXT    NOT NULL,
        started_at         INTEGER NOT NULL,
        duration_ms        REAL    NOT NULL,
        billed_duration_ms REAL    NOT NULL,
        cold               INTEGER NOT NULL,
        init_duration_ms   REAL,
        status             TEXT    NOT NULL,
        error_type         TEXT,
        error_message      TEXT,
        memory_mb          INTEGER NOT NULL,
        max_memory_used_mb REAL
      );
      CREATE INDEX invocations_by_function_started ON invocations (function_name, started_at);
      CREATE INDEX invocations_by_started ON invocations (started_at);

      CREATE TABLE logs (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        function_name TEXT    NOT NULL,
        request_id    TEXT,
        logged_at     INTEGER NOT NULL,
        stream        TEXT    NOT NULL,
        level         TEXT,
        message       TEXT    NOT NULL
      );
      CREATE INDEX logs_by_function_id ON logs (function_name, id);
      CREATE INDEX logs_by_request_id ON logs (request_id, id) WHERE request_id IS NOT NULL;
      CREATE INDEX logs_by_time ON logs (logged_at);
    `,
    postgres: `
      CREATE TABLE functions (
        name              TEXT COLLATE "C" NOT NULL PRIMARY KEY,
        service           TEXT   NOT NULL,
        latest_version_id TEXT   NOT NULL,
        created_at        BIGINT NOT NULL,
        updated_at        BIGINT NOT NULL
      );

      CREATE TABLE function_versions (
        function_name   TEXT   NOT NULL,
        version_id      TEXT   NOT NULL,
        code_hash       TEXT   NOT NULL,
        code_size_bytes BIGINT NOT NULL,
        config          TEXT   NOT NULL,
        created_at      BIGINT NOT NULL,
        seq             BIGINT GENERATED ALWAYS AS IDENTITY,
        PRIMARY KEY (function_name, version_id)
      );
      CREATE INDEX function_versions_by_created ON function_versions (function_name, created_at, seq);

      CREATE TABLE published_versions (
        function_name TEXT    NOT NULL,
        number        INTEGER NOT NULL,
        version_id    TEXT    NOT NULL,
        created_at    BIGINT  NOT NULL,
        PRIMARY KEY (function_name, number),
        FOREIGN KEY (function_name, version_id)
          REFERENCES function_versions (function_name, version_id) ON DELETE CASCADE
      );
      CREATE INDEX published_versions_by_version ON published_versions (function_name, version_id);

      CREATE TABLE aliases (
        function_name TEXT   NOT NULL,
        name          TEXT COLLATE "C" NOT NULL,
        target        TEXT   NOT NULL,
        updated_at    BIGINT NOT NULL,
        PRIMARY KEY (function_name, name)
      );

      CREATE TABLE invocations (
        request_id         TEXT    NOT NULL PRIMARY KEY,
        function_name      TEXT    NOT NULL,
        executed_version   TEXT    NOT NULL,
        version_id         TEXT    NOT NULL,
        trigger_type       TEXT    NOT NULL,
        started_at         BIGINT  NOT NULL,
        duration_ms        DOUBLE PRECISION NOT NULL,
        billed_duration_ms DOUBLE PRECISION NOT NULL,
        cold               BOOLEAN NOT NULL,
        init_duration_ms   DOUBLE PRECISION,
        status             TEXT    NOT NULL,
        error_type         TEXT,
        error_message      TEXT,
        memory_mb          INTEGER NOT NULL,
        max_memory_used_mb DOUBLE PRECISION,
        seq                BIGINT GENERATED ALWAYS AS IDENTITY
      );
      CREATE INDEX invocations_by_function_started ON invocations (function_name, started_at, seq);
      CREATE INDEX invocations_by_started ON invocations (started_at, seq);

      CREATE TABLE logs (
        id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        function_name TEXT COLLATE "C" NOT NULL,
        request_id    TEXT,
        logged_at     BIGINT NOT NULL,
        stream        TEXT   NOT NULL,
        level         TEXT,
        message       TEXT   NOT NULL
      );
      CREATE INDEX logs_by_function_id ON logs (function_name, id);
      CREATE INDEX logs_by_request_id ON logs (request_id, id) WHERE request_id IS NOT NULL;
      CREATE INDEX logs_by_time ON logs (logged_at);
    `,
  },
};
