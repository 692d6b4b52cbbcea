import type { StoredHistoryEvent } from '../workflow-repository.js';
import type { SqliteDatabase } from './database.js';
import { type ExecutionRow, INSERT_EXECUTION, type StateMachineRow, type TokenRow } from './workflow-rows.js';

type Nullable<T> = T | null;

/** The prepared statements of SqliteWorkflowRepository. */
export function prepareWorkflowStatements(db: SqliteDatabase) {
  return {
    putStateMachine: db.prepare<[string, string, string, Nullable<string>, number, number, number]>(
      `INSERT INTO state_machines (name, definition, type, service, revision, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET definition = excluded.definition, type = excluded.type,
         service = excluded.service, revision = excluded.revision, updated_at = excluded.updated_at`,
    ),
    getStateMachine: db.prepare<[string], StateMachineRow>('SELECT * FROM state_machines WHERE name = ?'),
    listStateMachines: db.prepare<[], StateMachineRow>('SELECT * FROM state_machines ORDER BY name'),
    deleteStateMachine: db.prepare<[string]>('DELETE FROM state_machines WHERE name = ?'),

    insertExecution: db.prepare<unknown[]>(INSERT_EXECUTION),
    getExecution: db.prepare<[string], ExecutionRow>('SELECT * FROM workflow_executions WHERE id = ?'),
    listExecutions: db.prepare<
      [{ machine: string; status: Nullable<string>; before: Nullable<number>; limit: number }],
      ExecutionRow
    >(
      `SELECT * FROM workflow_executions
       WHERE state_machine = @machine AND parent_id IS NULL AND (@status IS NULL OR status = @status)
         AND (@before IS NULL OR started_at < @before)
       ORDER BY started_at DESC, id DESC LIMIT @limit`,
    ),
    updateExecution: db.prepare<
      [
        string,
        Nullable<string>,
        Nullable<string>,
        Nullable<string>,
        string,
        number,
        Nullable<number>,
        Nullable<number>,
        number,
        number,
        Nullable<number>,
        string,
        number,
      ]
    >(
      `UPDATE workflow_executions SET status = ?, output = ?, error = ?, cause = ?, state = ?,
         version = ?, action_seq = ?, stopped_at = ?, updated_at = ?, redrive_count = ?, redrive_at = ?
       WHERE id = ? AND version = ?`,
    ),
    abortDescendants: db.prepare<[number, number, string, string]>(
      `UPDATE workflow_executions SET status = 'ABORTED', stopped_at = ?, updated_at = ?,
         version = version + 1
       WHERE id >= ? AND id < ? AND status IN ('PENDING', 'RUNNING')`,
    ),
    countChildren: db
      .prepare<[string, number, string], number>(
        `SELECT count(*) FROM workflow_executions
         WHERE parent_id = ? AND group_seq = ? AND status = ?`,
      )
      .pluck(),
    pendingChildren: db
      .prepare<[string, number, number], string>(
        `SELECT id FROM workflow_executions
         WHERE parent_id = ? AND group_seq = ? AND status = 'PENDING'
         ORDER BY branch_index LIMIT ?`,
      )
      .pluck(),
    startChild: db.prepare<[string]>(
      `UPDATE workflow_executions SET status = 'RUNNING' WHERE id = ? AND status = 'PENDING'`,
    ),
    childCounts: db.prepare<[string, number], { status: string; n: number }>(
      `SELECT status, count(*) AS n FROM workflow_executions
       WHERE parent_id = ? AND group_seq = ? GROUP BY status`,
    ),
    childResults: db.prepare<
      [string, number],
      {
        branch_index: number;
        status: string;
        output: string | null;
        error: string | null;
        cause: string | null;
      }
    >(
      `SELECT branch_index, status, output, error, cause FROM workflow_executions
       WHERE parent_id = ? AND group_seq = ? ORDER BY branch_index`,
    ),

    lastEventId: db
      .prepare<[string], number>('SELECT max(id) FROM workflow_history WHERE root_id = ?')
      .pluck(),
    insertEvent: db.prepare<[string, number, string, number, string]>(
      'INSERT INTO workflow_history (root_id, id, type, timestamp, body) VALUES (?, ?, ?, ?, ?)',
    ),
    historyAsc: db.prepare<[string, number, number], StoredHistoryEvent>(
      `SELECT id, type, timestamp, body FROM workflow_history WHERE root_id = ? AND id > ?
       ORDER BY id LIMIT ?`,
    ),
    historyDesc: db.prepare<[string, number, number], StoredHistoryEvent>(
      `SELECT id, type, timestamp, body FROM workflow_history WHERE root_id = ? AND id < ?
       ORDER BY id DESC LIMIT ?`,
    ),

    putTimer: db.prepare<[string, string, string, number]>(
      `INSERT INTO workflow_timers (id, execution_id, kind, due_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET execution_id = excluded.execution_id, kind = excluded.kind,
         due_at = excluded.due_at`,
    ),
    deleteTimer: db.prepare<[string]>('DELETE FROM workflow_timers WHERE id = ?'),
    clearTimers: db.prepare<[string]>(
      `DELETE FROM workflow_timers WHERE execution_id = ? AND kind <> 'execution'`,
    ),
    clearAllTimers: db.prepare<[string]>('DELETE FROM workflow_timers WHERE execution_id = ?'),
    dueTimers: db.prepare<[number, number], { id: string; execution_id: string }>(
      'SELECT id, execution_id FROM workflow_timers WHERE due_at <= ? ORDER BY due_at LIMIT ?',
    ),
    nextTimerDue: db.prepare<[], number | null>('SELECT min(due_at) FROM workflow_timers').pluck(),

    insertToken: db.prepare<[string, string, string, string, number, Nullable<string>, number, number]>(
      `INSERT INTO workflow_task_tokens (token, execution_id, state_machine, status, dispatched,
         outcome, created_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (token) DO NOTHING`,
    ),
    getToken: db.prepare<[string], TokenRow>('SELECT * FROM workflow_task_tokens WHERE token = ?'),
    settleToken: db.prepare<[string, string]>(
      `UPDATE workflow_task_tokens SET status = 'settled', outcome = ? WHERE token = ?`,
    ),
    markDispatched: db.prepare<[string]>('UPDATE workflow_task_tokens SET dispatched = 1 WHERE token = ?'),
    heartbeatToken: db.prepare<[number, string]>(
      `UPDATE workflow_task_tokens SET heartbeat_at = ? WHERE token = ? AND status = 'waiting'`,
    ),
    clearTokens: db.prepare<[string]>('DELETE FROM workflow_task_tokens WHERE execution_id = ?'),
  };
}

export type WorkflowStatements = ReturnType<typeof prepareWorkflowStatements>;
