import type { Migration } from './migration.js';

/**
 * Workflows (docs/workflows.md).
 *
 * - `state_machines`: ASL definitions by name (`service` is the app that declared one, or NULL).
 * - `workflow_executions`: executions and their child runs (Parallel branches, Map iterations,
 *   `parent_id` set). `state` is the interpreter's state as JSON; `version` is compared and set on
 *   every save, so two workers never both save a transition. Children are found by
 *   (parent_id, group_seq); descendants by id prefix (`PARENT/...`).
 * - `workflow_history`: events numbered per root execution.
 * - `workflow_timers`: durable timers (Wait states, retry delays, task timeouts and heartbeats).
 * - `workflow_task_tokens`: tasks waiting for SendTaskSuccess/Failure or for a `.sync` execution.
 */
export const workflowsSchema: Migration = {
  id: 6,
  description: 'workflows: state machines, executions, history, timers and task tokens',
  sql: {
    sqlite: `
      CREATE TABLE state_machines (
        name       TEXT PRIMARY KEY,
        definition TEXT NOT NULL,
        type       TEXT NOT NULL,
        service    TEXT,
        revision   INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE workflow_executions (
        id             TEXT PRIMARY KEY,
        root_id        TEXT NOT NULL,
        parent_id      TEXT,
        group_seq      INTEGER,
        branch_index   INTEGER,
        group_limit    INTEGER,
        state_machine  TEXT NOT NULL,
        name           TEXT NOT NULL,
        status         TEXT NOT NULL,
        input          TEXT NOT NULL,
        output         TEXT,
        error          TEXT,
        cause          TEXT,
        definition     TEXT NOT NULL,
        state          TEXT NOT NULL,
        version        INTEGER NOT NULL,
        action_seq     INTEGER,
        started_at     INTEGER NOT NULL,
        stopped_at     INTEGER,
        updated_at     INTEGER NOT NULL,
        redrive_count  INTEGER NOT NULL,
        redrive_at     INTEGER,
        callback_token TEXT
      );
      CREATE INDEX workflow_executions_by_machine ON workflow_executions (state_machine, started_at)
        WHERE parent_id IS NULL;
      CREATE INDEX workflow_executions_children ON workflow_executions (parent_id, group_seq, status)
        WHERE parent_id IS NOT NULL;
      CREATE TABLE workflow_history (
        root_id   TEXT NOT NULL,
        id        INTEGER NOT NULL,
        type      TEXT NOT NULL,
        timestamp INTEGER NOT NULL,
        body      TEXT NOT NULL,
        PRIMARY KEY (root_id, id)
      ) WITHOUT ROWID;
      CREATE TABLE workflow_timers (
        id           TEXT PRIMARY KEY,
        execution_id TEXT NOT NULL,
        kind         TEXT NOT NULL,
        due_at       INTEGER NOT NULL
      );
      CREATE INDEX workflow_timers_by_due ON workflow_timers (due_at);
      CREATE INDEX workflow_timers_by_execution ON workflow_timers (execution_id);
      CREATE TABLE workflow_task_tokens (
        token         TEXT PRIMARY KEY,
        execution_id  TEXT NOT NULL,
        state_machine TEXT NOT NULL,
        status        TEXT NOT NULL,
        dispatched    INTEGER NOT NULL,
        outcome       TEXT,
        created_at    INTEGER NOT NULL,
        heartbeat_at  INTEGER NOT NULL
      );
      CREATE INDEX workflow_task_tokens_by_execution ON workflow_task_tokens (execution_id);
    `,
    postgres: `
      CREATE TABLE state_machines (
        name       TEXT COLLATE "C" PRIMARY KEY,
        definition TEXT    NOT NULL,
        type       TEXT    NOT NULL,
        service    TEXT,
        revision   INTEGER NOT NULL,
        created_at BIGINT  NOT NULL,
        updated_at BIGINT  NOT NULL
      );
      CREATE TABLE workflow_executions (
        id             TEXT COLLATE "C" PRIMARY KEY,
        root_id        TEXT COLLATE "C" NOT NULL,
        parent_id      TEXT COLLATE "C",
        group_seq      INTEGER,
        branch_index   INTEGER,
        group_limit    INTEGER,
        state_machine  TEXT COLLATE "C" NOT NULL,
        name           TEXT    NOT NULL,
        status         TEXT    NOT NULL,
        input          TEXT    NOT NULL,
        output         TEXT,
        error          TEXT,
        cause          TEXT,
        definition     TEXT    NOT NULL,
        state          TEXT    NOT NULL,
        version        INTEGER NOT NULL,
        action_seq     INTEGER,
        started_at     BIGINT  NOT NULL,
        stopped_at     BIGINT,
        updated_at     BIGINT  NOT NULL,
        redrive_count  INTEGER NOT NULL,
        redrive_at     BIGINT,
        callback_token TEXT
      );
      CREATE INDEX workflow_executions_by_machine ON workflow_executions (state_machine, started_at)
        WHERE parent_id IS NULL;
      CREATE INDEX workflow_executions_children ON workflow_executions (parent_id, group_seq, status)
        WHERE parent_id IS NOT NULL;
      CREATE TABLE workflow_history (
        root_id   TEXT COLLATE "C" NOT NULL,
        id        INTEGER NOT NULL,
        type      TEXT    NOT NULL,
        timestamp BIGINT  NOT NULL,
        body      TEXT    NOT NULL,
        PRIMARY KEY (root_id, id)
      );
      CREATE TABLE workflow_timers (
        id           TEXT COLLATE "C" PRIMARY KEY,
        execution_id TEXT COLLATE "C" NOT NULL,
        kind         TEXT   NOT NULL,
        due_at       BIGINT NOT NULL
      );
      CREATE INDEX workflow_timers_by_due ON workflow_timers (due_at);
      CREATE INDEX workflow_timers_by_execution ON workflow_timers (execution_id);
      CREATE TABLE workflow_task_tokens (
        token         TEXT COLLATE "C" PRIMARY KEY,
        execution_id  TEXT COLLATE "C" NOT NULL,
        state_machine TEXT    NOT NULL,
        status        TEXT    NOT NULL,
        dispatched    INTEGER NOT NULL,
        outcome       TEXT,
        created_at    BIGINT  NOT NULL,
        heartbeat_at  BIGINT  NOT NULL
      );
      CREATE INDEX workflow_task_tokens_by_execution ON workflow_task_tokens (execution_id);
    `,
  },
};
