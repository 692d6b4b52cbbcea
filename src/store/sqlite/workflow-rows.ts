import type {
  ExecutionRecord,
  ExecutionStatus,
  StateMachineRecord,
  TaskTokenRecord,
} from '../workflow-repository.js';

/** Rows of the workflow tables (006-workflows.ts) and their mapping to records. */

export interface StateMachineRow {
  name: string;
  definition: string;
  type: string;
  service: string | null;
  revision: number;
  created_at: number;
  updated_at: number;
}

export interface ExecutionRow {
  id: string;
  root_id: string;
  parent_id: string | null;
  group_seq: number | null;
  branch_index: number | null;
  group_limit: number | null;
  state_machine: string;
  name: string;
  status: string;
  input: string;
  output: string | null;
  error: string | null;
  cause: string | null;
  definition: string;
  state: string;
  version: number;
  action_seq: number | null;
  started_at: number;
  stopped_at: number | null;
  updated_at: number;
  redrive_count: number;
  redrive_at: number | null;
  callback_token: string | null;
}

export interface TokenRow {
  token: string;
  execution_id: string;
  state_machine: string;
  status: string;
  dispatched: number;
  outcome: string | null;
  created_at: number;
  heartbeat_at: number;
}

export const toStateMachine = (row: StateMachineRow): StateMachineRecord => ({
  name: row.name,
  definition: row.definition,
  type: row.type as StateMachineRecord['type'],
  service: row.service,
  revision: row.revision,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export const toExecution = (row: ExecutionRow): ExecutionRecord => ({
  id: row.id,
  rootId: row.root_id,
  parentId: row.parent_id,
  groupSeq: row.group_seq,
  branchIndex: row.branch_index,
  groupLimit: row.group_limit,
  stateMachine: row.state_machine,
  name: row.name,
  status: row.status as ExecutionStatus,
  input: row.input,
  output: row.output,
  error: row.error,
  cause: row.cause,
  definition: row.definition,
  state: row.state,
  version: row.version,
  actionSeq: row.action_seq,
  startedAt: row.started_at,
  stoppedAt: row.stopped_at,
  updatedAt: row.updated_at,
  redriveCount: row.redrive_count,
  redriveAt: row.redrive_at,
  callbackToken: row.callback_token,
});

/** The columns of an execution, in the order of INSERT_EXECUTION's placeholders. */
export const executionParams = (e: ExecutionRecord) => [
  e.id,
  e.rootId,
  e.parentId,
  e.groupSeq,
  e.branchIndex,
  e.groupLimit,
  e.stateMachine,
  e.name,
  e.status,
  e.input,
  e.output,
  e.error,
  e.cause,
  e.definition,
  e.state,
  e.version,
  e.actionSeq,
  e.startedAt,
  e.stoppedAt,
  e.updatedAt,
  e.redriveCount,
  e.redriveAt,
  e.callbackToken,
];

export const INSERT_EXECUTION = `INSERT INTO workflow_executions (id, root_id, parent_id, group_seq,
  branch_index, group_limit, state_machine, name, status, input, output, error, cause, definition,
  state, version, action_seq, started_at, stopped_at, updated_at, redrive_count, redrive_at,
  callback_token) VALUES (${Array(23).fill('?').join(', ')})`;

export const toToken = (row: TokenRow): TaskTokenRecord => ({
  token: row.token,
  executionId: row.execution_id,
  stateMachine: row.state_machine,
  status: row.status as TaskTokenRecord['status'],
  dispatched: row.dispatched === 1,
  outcome: row.outcome,
  createdAt: row.created_at,
  heartbeatAt: row.heartbeat_at,
});

/**
 * The id range of an execution's descendants: `PARENT/...`. Ids hold only letters, digits, `-`,
 * `_`, `:`, `.` and `/`, and '0' follows '/', so [`id/`, `id0`) is exactly the prefix.
 */
export const descendantRange = (id: string): [string, string] => [`${id}/`, `${id}0`];
