import type { NewMessage } from '../queue-repository.js';
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
import type { SqliteDatabase } from './database.js';
import type { SqliteMessageSender } from './message-sender.js';
import { prepareOnce } from './prepare-once.js';
import { descendantRange, executionParams, toExecution, toStateMachine, toToken } from './workflow-rows.js';
import { prepareWorkflowStatements, type WorkflowStatements } from './workflow-statements.js';

const EMPTY_COUNTS = (): ChildCounts => ({
  PENDING: 0,
  RUNNING: 0,
  SUCCEEDED: 0,
  FAILED: 0,
  TIMED_OUT: 0,
  ABORTED: 0,
});

/**
 * Workflows in SQLite. Every method is one statement or one IMMEDIATE transaction: a transition's
 * compare-and-set, its history, timers, tokens, children and wake-up messages commit together.
 */
export class SqliteWorkflowRepository implements WorkflowRepository {
  readonly #s: () => WorkflowStatements;
  readonly #sender: SqliteMessageSender;
  readonly #commit: (t: Transition) => boolean;
  readonly #create: (
    e: ExecutionRecord,
    events: readonly NewHistoryEvent[],
    timers: readonly WorkflowTimer[],
    wake: Wake,
    now: number,
  ) => ExecutionRecord | undefined;
  readonly #settle: (token: string, outcome: string, wake: Wake, now: number) => boolean;
  readonly #fire: (now: number, limit: number, wake: Wake) => number;
  readonly #heartbeat: (token: string, now: number, timer?: WorkflowTimer) => boolean;

  constructor(db: SqliteDatabase, sender: SqliteMessageSender) {
    const s = prepareOnce(db, prepareWorkflowStatements);
    this.#s = s;
    this.#sender = sender;
    this.#commit = db.transaction((t: Transition) => this.#commitIn(s(), t)).immediate;
    this.#create = db.transaction(
      (
        e: ExecutionRecord,
        events: readonly NewHistoryEvent[],
        timers: readonly WorkflowTimer[],
        wake: Wake,
        now: number,
      ) => {
        const st = s();
        const existing = st.getExecution.get(e.id);
        if (existing !== undefined) return toExecution(existing);
        st.insertExecution.run(...executionParams(e));
        this.#appendEvents(st, e.rootId, events);
        for (const timer of timers) st.putTimer.run(timer.id, timer.executionId, timer.kind, timer.dueAt);
        this.#wake(wake, [e.id], now);
        return undefined;
      },
    ).immediate;
    this.#settle = db.transaction((token: string, outcome: string, wake: Wake, now: number) =>
      this.#settleIn(s(), token, outcome, wake, now),
    ).immediate;
    this.#fire = db.transaction((now: number, limit: number, wake: Wake) => {
      const st = s();
      const due = st.dueTimers.all(now, limit);
      for (const timer of due) st.deleteTimer.run(timer.id);
      this.#wake(wake, [...new Set(due.map((t) => t.execution_id))], now);
      return due.length;
    }).immediate;
    this.#heartbeat = db.transaction((token: string, now: number, timer?: WorkflowTimer) => {
      const st = s();
      if (st.heartbeatToken.run(now, token).changes === 0) return false;
      if (timer) st.putTimer.run(timer.id, timer.executionId, timer.kind, timer.dueAt);
      return true;
    }).immediate;
  }

  #wake(wake: Wake, executionIds: readonly string[], now: number): void {
    if (executionIds.length === 0) return;
    const messages: NewMessage[] = executionIds.map((id) => wake.message(id));
    this.#sender.sendInTransaction(wake.queue, messages, now);
  }

  #appendEvents(st: WorkflowStatements, rootId: string, events: readonly NewHistoryEvent[]): void {
    if (events.length === 0) return;
    let id = st.lastEventId.get(rootId) ?? 0;
    for (const event of events) st.insertEvent.run(rootId, ++id, event.type, event.timestamp, event.body);
  }

  #settleIn(st: WorkflowStatements, token: string, outcome: string, wake: Wake, now: number): boolean {
    const row = st.getToken.get(token);
    if (row === undefined || row.status !== 'waiting') return false;
    st.settleToken.run(outcome, token);
    this.#wake(wake, [row.execution_id], now);
    return true;
  }

  #commitIn(st: WorkflowStatements, t: Transition): boolean {
    const e = t.execution;
    const changed = st.updateExecution.run(
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
    ).changes;
    if (changed === 0) return false;
    this.#appendEvents(st, e.rootId, t.events);
    if (t.clearTimers) st.clearTimers.run(e.id);
    for (const timer of t.timers ?? []) st.putTimer.run(timer.id, timer.executionId, timer.kind, timer.dueAt);
    if (t.clearTokens) st.clearTokens.run(e.id);
    for (const k of t.tokens ?? []) {
      st.insertToken.run(
        k.token,
        k.executionId,
        k.stateMachine,
        k.status,
        k.dispatched ? 1 : 0,
        k.outcome,
        k.createdAt,
        k.heartbeatAt,
      );
    }
    for (const child of t.children ?? []) st.insertExecution.run(...executionParams(child));
    const wake = [...(t.wakeNow ?? [])];
    if (t.finished) {
      const [from, to] = descendantRange(e.id);
      st.abortDescendants.run(t.now, t.now, from, to);
      st.clearAllTimers.run(e.id);
      st.clearTokens.run(e.id);
      if (e.parentId !== null && e.groupSeq !== null) wake.push(...this.#nextSiblings(st, e));
      if (e.callbackToken !== null && t.finished.callbackOutcome !== undefined) {
        this.#settleIn(st, e.callbackToken, t.finished.callbackOutcome, t.wake, t.now);
      }
    }
    this.#wake(t.wake, wake, t.now);
    return true;
  }

  /** After a child run ended: the siblings to start (PENDING → RUNNING), or the parent when none is left. */
  #nextSiblings(st: WorkflowStatements, child: ExecutionRecord): string[] {
    const parentId = child.parentId as string;
    const seq = child.groupSeq as number;
    const running = st.countChildren.get(parentId, seq, 'RUNNING') ?? 0;
    const limit = child.groupLimit ?? 0;
    const free = limit <= 0 ? Number.MAX_SAFE_INTEGER : limit - running;
    const started: string[] = [];
    if (free > 0) {
      for (const id of st.pendingChildren.all(parentId, seq, Math.min(free, 1_000_000))) {
        st.startChild.run(id);
        started.push(id);
      }
    }
    if (running === 0 && started.length === 0) return [parentId];
    return started;
  }

  async putStateMachine(r: StateMachineRecord): Promise<void> {
    this.#s().putStateMachine.run(
      r.name,
      r.definition,
      r.type,
      r.service,
      r.revision,
      r.createdAt,
      r.updatedAt,
    );
  }

  async getStateMachine(name: string): Promise<StateMachineRecord | undefined> {
    const row = this.#s().getStateMachine.get(name);
    return row === undefined ? undefined : toStateMachine(row);
  }

  async listStateMachines(): Promise<StateMachineRecord[]> {
    return this.#s().listStateMachines.all().map(toStateMachine);
  }

  async deleteStateMachine(name: string): Promise<boolean> {
    return this.#s().deleteStateMachine.run(name).changes > 0;
  }

  async createExecution(
    execution: ExecutionRecord,
    events: readonly NewHistoryEvent[],
    timers: readonly WorkflowTimer[],
    wake: Wake,
    now: number,
  ): Promise<{ created: true } | { created: false; existing: ExecutionRecord }> {
    const existing = this.#create(execution, events, timers, wake, now);
    return existing === undefined ? { created: true } : { created: false, existing };
  }

  async getExecution(id: string): Promise<ExecutionRecord | undefined> {
    const row = this.#s().getExecution.get(id);
    return row === undefined ? undefined : toExecution(row);
  }

  async listExecutions(query: ExecutionQuery): Promise<ExecutionRecord[]> {
    const limit = Math.max(1, Math.min(1000, query.limit ?? 100));
    const rows = this.#s().listExecutions.all({
      machine: query.stateMachine,
      status: query.status ?? null,
      before: query.before ?? null,
      limit,
    });
    return rows.map(toExecution);
  }

  async commit(transition: Transition): Promise<boolean> {
    if (transition.execution.version !== transition.expectedVersion + 1) {
      throw new Error('a transition must raise the version by one');
    }
    return this.#commit(transition);
  }

  async history(
    rootId: string,
    options: { afterId?: number; limit?: number; reverse?: boolean } = {},
  ): Promise<StoredHistoryEvent[]> {
    const limit = Math.max(1, Math.min(10_000, options.limit ?? 1000));
    const s = this.#s();
    return options.reverse
      ? s.historyDesc.all(rootId, options.afterId ?? Number.MAX_SAFE_INTEGER, limit)
      : s.historyAsc.all(rootId, options.afterId ?? 0, limit);
  }

  async childCounts(parentId: string, groupSeq: number): Promise<ChildCounts> {
    const counts = EMPTY_COUNTS();
    for (const row of this.#s().childCounts.all(parentId, groupSeq)) {
      counts[row.status as keyof ChildCounts] = row.n;
    }
    return counts;
  }

  async childResults(parentId: string, groupSeq: number): Promise<ChildResult[]> {
    return this.#s()
      .childResults.all(parentId, groupSeq)
      .map((r) => ({
        index: r.branch_index,
        status: r.status as ChildResult['status'],
        output: r.output,
        error: r.error,
        cause: r.cause,
      }));
  }

  async getToken(token: string): Promise<TaskTokenRecord | undefined> {
    const row = this.#s().getToken.get(token);
    return row === undefined ? undefined : toToken(row);
  }

  async settleToken(token: string, outcome: string, wake: Wake, now: number): Promise<boolean> {
    return this.#settle(token, outcome, wake, now);
  }

  async markDispatched(token: string): Promise<void> {
    this.#s().markDispatched.run(token);
  }

  async heartbeat(token: string, now: number, timer?: WorkflowTimer): Promise<boolean> {
    return this.#heartbeat(token, now, timer);
  }

  async fireDueTimers(now: number, limit: number, wake: Wake): Promise<number> {
    return this.#fire(now, limit, wake);
  }

  async nextTimerDue(): Promise<number | null> {
    return this.#s().nextTimerDue.get() ?? null;
  }
}
