import type { NewMessage } from '../queue-repository.js';
import type { ExecutionRow, StateMachineRow, TokenRow } from '../sqlite/workflow-rows.js';
import {
  descendantRange,
  executionParams,
  toExecution,
  toStateMachine,
  toToken,
} from '../sqlite/workflow-rows.js';
import type {
  ChildCounts,
  ChildResult,
  ExecutionQuery,
  ExecutionRecord,
  NewHistoryEvent,
  StateMachineRecord,
  StoredHistoryEvent,
  TaskTokenRecord,
  Transition,
  Wake,
  WorkflowRepository,
  WorkflowTimer,
} from '../workflow-repository.js';
import type { PgDatabase, PgExecutor } from './executor.js';
import type { PgMessageSender } from './message-sender.js';
import { ADVISORY_LOCK_CLASS } from './postgres-migrate.js';

const EMPTY_COUNTS = (): ChildCounts => ({
  PENDING: 0,
  RUNNING: 0,
  SUCCEEDED: 0,
  FAILED: 0,
  TIMED_OUT: 0,
  ABORTED: 0,
});

const INSERT_EXECUTION = `INSERT INTO workflow_executions (id, root_id, parent_id, group_seq,
  branch_index, group_limit, state_machine, name, status, input, output, error, cause, definition,
  state, version, action_seq, started_at, stopped_at, updated_at, redrive_count, redrive_at,
  callback_token) VALUES (${Array.from({ length: 23 }, (_, i) => `$${i + 1}`).join(', ')})`;

const PUT_TIMER = `INSERT INTO workflow_timers (id, execution_id, kind, due_at) VALUES ($1, $2, $3, $4)
  ON CONFLICT (id) DO UPDATE SET execution_id = excluded.execution_id, kind = excluded.kind,
    due_at = excluded.due_at`;

/** Takes a transaction-scoped advisory lock on `name` (released at commit or rollback). */
const lock = (tx: PgExecutor, name: string) =>
  tx.run('SELECT pg_advisory_xact_lock($1, hashtext($2))', [ADVISORY_LOCK_CLASS, name]);

const putTimer = (tx: PgExecutor, t: WorkflowTimer) =>
  tx.run(PUT_TIMER, [t.id, t.executionId, t.kind, t.dueAt]);

/**
 * Workflows in PostgreSQL. Every method is one statement or one transaction; a transition's
 * compare-and-set (`UPDATE ... WHERE version = expected`, which waits on the row lock of a
 * concurrent save and then matches nothing), its history, timers, tokens, children and wake-up
 * messages commit together.
 *
 * What SQLite gets from its single writer, nodes sharing PostgreSQL get from advisory locks:
 * - history ids of a root execution (its children share it) are numbered under a lock on the root;
 * - a child run that ends counts its running siblings under a lock on its group, so of two
 *   siblings ending at once the second to take the lock sees the first as ended, and exactly one
 *   of them wakes the parent.
 * Due timers are taken with `FOR UPDATE SKIP LOCKED`: nodes firing timers at once share them out.
 */
export class PgWorkflowRepository implements WorkflowRepository {
  readonly #db: PgDatabase;
  readonly #sender: PgMessageSender;

  constructor(db: PgDatabase, sender: PgMessageSender) {
    this.#db = db;
    this.#sender = sender;
  }

  async #wake(tx: PgExecutor, wake: Wake, executionIds: readonly string[], now: number): Promise<void> {
    if (executionIds.length === 0) return;
    const messages: NewMessage[] = executionIds.map((id) => wake.message(id));
    await this.#sender.sendInTransaction(tx, wake.queue, messages, now);
  }

  async #appendEvents(tx: PgExecutor, rootId: string, events: readonly NewHistoryEvent[]): Promise<void> {
    if (events.length === 0) return;
    await lock(tx, `wf-history:${rootId}`);
    const last = await tx.one<{ id: number | null }>(
      'SELECT max(id) AS id FROM workflow_history WHERE root_id = $1',
      [rootId],
    );
    const start = (last?.id ?? 0) + 1;
    await tx.run(
      `INSERT INTO workflow_history (root_id, id, type, timestamp, body)
       SELECT $1, $2 + n - 1, t, ts, b FROM unnest($3::text[], $4::bigint[], $5::text[])
         WITH ORDINALITY AS x (t, ts, b, n)`,
      [rootId, start, events.map((e) => e.type), events.map((e) => e.timestamp), events.map((e) => e.body)],
    );
  }

  async #settleIn(tx: PgExecutor, token: string, outcome: string, wake: Wake, now: number): Promise<boolean> {
    const row = await tx.one<{ execution_id: string }>(
      `UPDATE workflow_task_tokens SET status = 'settled', outcome = $1
       WHERE token = $2 AND status = 'waiting' RETURNING execution_id`,
      [outcome, token],
    );
    if (row === undefined) return false;
    await this.#wake(tx, wake, [row.execution_id], now);
    return true;
  }

  async #commitIn(tx: PgExecutor, t: Transition): Promise<boolean> {
    const e = t.execution;
    const changed = await tx.run(
      `UPDATE workflow_executions SET status = $1, output = $2, error = $3, cause = $4, state = $5,
         version = $6, action_seq = $7, stopped_at = $8, updated_at = $9, redrive_count = $10, redrive_at = $11
       WHERE id = $12 AND version = $13`,
      [
        e.status,
        e.output,
        e.error,
        e.cause,
        e.state,
        e.version,
        e.actionSeq,
        e.stoppedAt,
        e.updatedAt,
        e.redriveCount,
        e.redriveAt,
        e.id,
        t.expectedVersion,
      ],
    );
    if (changed === 0) return false;
    await this.#appendEvents(tx, e.rootId, t.events);
    if (t.clearTimers) {
      await tx.run(`DELETE FROM workflow_timers WHERE execution_id = $1 AND kind <> 'execution'`, [e.id]);
    }
    for (const timer of t.timers ?? []) await putTimer(tx, timer);
    if (t.clearTokens) await tx.run('DELETE FROM workflow_task_tokens WHERE execution_id = $1', [e.id]);
    for (const k of t.tokens ?? []) {
      await tx.run(
        `INSERT INTO workflow_task_tokens (token, execution_id, state_machine, status, dispatched,
           outcome, created_at, heartbeat_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (token) DO NOTHING`,
        [
          k.token,
          k.executionId,
          k.stateMachine,
          k.status,
          k.dispatched ? 1 : 0,
          k.outcome,
          k.createdAt,
          k.heartbeatAt,
        ],
      );
    }
    for (const child of t.children ?? []) await tx.run(INSERT_EXECUTION, executionParams(child));
    const wake = [...(t.wakeNow ?? [])];
    if (t.finished) {
      const [from, to] = descendantRange(e.id);
      await tx.run(
        `UPDATE workflow_executions SET status = 'ABORTED', stopped_at = $1, updated_at = $1,
           version = version + 1
         WHERE id >= $2 AND id < $3 AND status IN ('PENDING', 'RUNNING')`,
        [t.now, from, to],
      );
      await tx.run('DELETE FROM workflow_timers WHERE execution_id = $1', [e.id]);
      await tx.run('DELETE FROM workflow_task_tokens WHERE execution_id = $1', [e.id]);
      if (e.parentId !== null && e.groupSeq !== null) wake.push(...(await this.#nextSiblings(tx, e)));
      if (e.callbackToken !== null && t.finished.callbackOutcome !== undefined) {
        await this.#settleIn(tx, e.callbackToken, t.finished.callbackOutcome, t.wake, t.now);
      }
    }
    await this.#wake(tx, t.wake, wake, t.now);
    return true;
  }

  /** After a child run ended: the siblings to start (PENDING → RUNNING), or the parent when none is left. */
  async #nextSiblings(tx: PgExecutor, child: ExecutionRecord): Promise<string[]> {
    const parentId = child.parentId as string;
    const seq = child.groupSeq as number;
    await lock(tx, `wf-group:${parentId}:${seq}`);
    const counted = await tx.one<{ n: number }>(
      `SELECT count(*) AS n FROM workflow_executions
       WHERE parent_id = $1 AND group_seq = $2 AND status = 'RUNNING'`,
      [parentId, seq],
    );
    const running = counted?.n ?? 0;
    const limit = child.groupLimit ?? 0;
    const free = limit <= 0 ? 1_000_000 : limit - running;
    let started: string[] = [];
    if (free > 0) {
      const rows = await tx.rows<{ id: string; branch_index: number }>(
        `WITH c AS MATERIALIZED (SELECT id FROM workflow_executions
           WHERE parent_id = $1 AND group_seq = $2 AND status = 'PENDING' ORDER BY branch_index LIMIT $3)
         UPDATE workflow_executions e SET status = 'RUNNING'
         FROM c WHERE e.id = c.id AND e.status = 'PENDING'
         RETURNING e.id, e.branch_index`,
        [parentId, seq, free],
      );
      started = rows.sort((a, b) => a.branch_index - b.branch_index).map((r) => r.id);
    }
    if (running === 0 && started.length === 0) return [parentId];
    return started;
  }

  async putStateMachine(r: StateMachineRecord): Promise<void> {
    await this.#db.run(
      `INSERT INTO state_machines (name, definition, type, service, revision, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (name) DO UPDATE SET definition = excluded.definition, type = excluded.type,
         service = excluded.service, revision = excluded.revision, updated_at = excluded.updated_at`,
      [r.name, r.definition, r.type, r.service, r.revision, r.createdAt, r.updatedAt],
    );
  }

  async getStateMachine(name: string): Promise<StateMachineRecord | undefined> {
    const row = await this.#db.one<StateMachineRow>('SELECT * FROM state_machines WHERE name = $1', [name]);
    return row === undefined ? undefined : toStateMachine(row);
  }

  async listStateMachines(): Promise<StateMachineRecord[]> {
    return (await this.#db.rows<StateMachineRow>('SELECT * FROM state_machines ORDER BY name')).map(
      toStateMachine,
    );
  }

  async deleteStateMachine(name: string): Promise<boolean> {
    return (await this.#db.run('DELETE FROM state_machines WHERE name = $1', [name])) > 0;
  }

  async createExecution(
    execution: ExecutionRecord,
    events: readonly NewHistoryEvent[],
    timers: readonly WorkflowTimer[],
    wake: Wake,
    now: number,
  ): Promise<{ created: true } | { created: false; existing: ExecutionRecord }> {
    return this.#db.transaction(async (tx) => {
      // Of two nodes starting the same execution id at once, one inserts; the other waits on the
      // unique index, inserts nothing and reads what the first created.
      const inserted = await tx.run(
        `${INSERT_EXECUTION} ON CONFLICT (id) DO NOTHING`,
        executionParams(execution),
      );
      if (inserted === 0) {
        const row = await tx.one<ExecutionRow>('SELECT * FROM workflow_executions WHERE id = $1', [
          execution.id,
        ]);
        if (row !== undefined) return { created: false as const, existing: toExecution(row) };
      }
      await this.#appendEvents(tx, execution.rootId, events);
      for (const timer of timers) await putTimer(tx, timer);
      await this.#wake(tx, wake, [execution.id], now);
      return { created: true as const };
    });
  }

  async getExecution(id: string): Promise<ExecutionRecord | undefined> {
    const row = await this.#db.one<ExecutionRow>('SELECT * FROM workflow_executions WHERE id = $1', [id]);
    return row === undefined ? undefined : toExecution(row);
  }

  async listExecutions(query: ExecutionQuery): Promise<ExecutionRecord[]> {
    const limit = Math.max(1, Math.min(1000, query.limit ?? 100));
    const rows = await this.#db.rows<ExecutionRow>(
      `SELECT * FROM workflow_executions
       WHERE state_machine = $1 AND parent_id IS NULL AND ($2::text IS NULL OR status = $2)
         AND ($3::bigint IS NULL OR started_at < $3)
       ORDER BY started_at DESC, id DESC LIMIT $4`,
      [query.stateMachine, query.status ?? null, query.before ?? null, limit],
    );
    return rows.map(toExecution);
  }

  async commit(transition: Transition): Promise<boolean> {
    if (transition.execution.version !== transition.expectedVersion + 1) {
      throw new Error('a transition must raise the version by one');
    }
    return this.#db.transaction((tx) => this.#commitIn(tx, transition));
  }

  async history(
    rootId: string,
    options: { afterId?: number; limit?: number; reverse?: boolean } = {},
  ): Promise<StoredHistoryEvent[]> {
    const limit = Math.max(1, Math.min(10_000, options.limit ?? 1000));
    return options.reverse
      ? this.#db.rows<StoredHistoryEvent>(
          `SELECT id, type, timestamp, body FROM workflow_history WHERE root_id = $1 AND id < $2
           ORDER BY id DESC LIMIT $3`,
          [rootId, Math.min(options.afterId ?? 2_147_483_647, 2_147_483_647), limit],
        )
      : this.#db.rows<StoredHistoryEvent>(
          `SELECT id, type, timestamp, body FROM workflow_history WHERE root_id = $1 AND id > $2
           ORDER BY id LIMIT $3`,
          [rootId, options.afterId ?? 0, limit],
        );
  }

  async childCounts(parentId: string, groupSeq: number): Promise<ChildCounts> {
    const counts = EMPTY_COUNTS();
    const rows = await this.#db.rows<{ status: string; n: number }>(
      `SELECT status, count(*) AS n FROM workflow_executions
       WHERE parent_id = $1 AND group_seq = $2 GROUP BY status`,
      [parentId, groupSeq],
    );
    for (const row of rows) counts[row.status as keyof ChildCounts] = row.n;
    return counts;
  }

  async childResults(parentId: string, groupSeq: number): Promise<ChildResult[]> {
    const rows = await this.#db.rows<{
      branch_index: number;
      status: string;
      output: string | null;
      error: string | null;
      cause: string | null;
    }>(
      `SELECT branch_index, status, output, error, cause FROM workflow_executions
       WHERE parent_id = $1 AND group_seq = $2 ORDER BY branch_index`,
      [parentId, groupSeq],
    );
    return rows.map((r) => ({
      index: r.branch_index,
      status: r.status as ChildResult['status'],
      output: r.output,
      error: r.error,
      cause: r.cause,
    }));
  }

  async getToken(token: string): Promise<TaskTokenRecord | undefined> {
    const row = await this.#db.one<TokenRow>('SELECT * FROM workflow_task_tokens WHERE token = $1', [token]);
    return row === undefined ? undefined : toToken(row);
  }

  async settleToken(token: string, outcome: string, wake: Wake, now: number): Promise<boolean> {
    return this.#db.transaction((tx) => this.#settleIn(tx, token, outcome, wake, now));
  }

  async markDispatched(token: string): Promise<void> {
    await this.#db.run('UPDATE workflow_task_tokens SET dispatched = 1 WHERE token = $1', [token]);
  }

  async heartbeat(token: string, now: number, timer?: WorkflowTimer): Promise<boolean> {
    return this.#db.transaction(async (tx) => {
      const n = await tx.run(
        `UPDATE workflow_task_tokens SET heartbeat_at = $1 WHERE token = $2 AND status = 'waiting'`,
        [now, token],
      );
      if (n === 0) return false;
      if (timer) await putTimer(tx, timer);
      return true;
    });
  }

  async fireDueTimers(now: number, limit: number, wake: Wake): Promise<number> {
    return this.#db.transaction(async (tx) => {
      // SKIP LOCKED: timers another node is firing right now are left to it.
      const due = await tx.rows<{ execution_id: string; due_at: number }>(
        `WITH c AS MATERIALIZED (
           SELECT id FROM workflow_timers WHERE due_at <= $1 ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED)
         DELETE FROM workflow_timers t USING c WHERE t.id = c.id
         RETURNING t.execution_id, t.due_at`,
        [now, limit],
      );
      // Woken in due order, as SQLite does (RETURNING has no order of its own).
      due.sort((a, b) => a.due_at - b.due_at);
      await this.#wake(tx, wake, [...new Set(due.map((t) => t.execution_id))], now);
      return due.length;
    });
  }

  async nextTimerDue(): Promise<number | null> {
    return (
      (await this.#db.one<{ at: number | null }>('SELECT min(due_at) AS at FROM workflow_timers'))?.at ?? null
    );
  }
}
