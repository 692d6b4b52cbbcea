import type { NewMessage } from './queue-repository.js';

/**
 * Workflows (Amazon States Language state machines) and their durable executions.
 *
 * An execution is one row holding the interpreter's state as JSON and a `version` that every save
 * compares and sets: two workers that advance the same execution cannot both save a transition
 * (the second sees `false` and reloads). Everything one transition changes (the row, its history
 * events, timers, task tokens, child runs and the queue messages that wake whoever runs next) is
 * committed in one transaction by `commit`, so a crash never leaves half a transition.
 *
 * Parallel branches and Map iterations are child rows (`parentId` set) that run like executions;
 * their history goes to the root execution's. Times are epoch milliseconds passed in by the caller.
 */

/** Status of an execution or child run. PENDING: a child run waiting for a MaxConcurrency slot. */
export type ExecutionStatus = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** The final statuses. */
export const FINAL_STATUSES: readonly ExecutionStatus[] = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];

export interface StateMachineRecord {
  /** Letters, digits, - and _ (1 to 80). */
  name: string;
  /** The ASL definition as JSON text (already validated). */
  definition: string;
  type: 'STANDARD' | 'EXPRESS';
  /** The app whose manifest declares it, or null when created through the API. */
  service: string | null;
  /** 1 at creation, +1 on every update that changes the definition. */
  revision: number;
  createdAt: number;
  updatedAt: number;
}

export interface ExecutionRecord {
  /** `MACHINE:NAME` for an execution; `PARENT/SEQ.INDEX` for a child run. */
  id: string;
  /** The top-level execution (itself for one): where history goes. */
  rootId: string;
  parentId: string | null;
  /** For a child run: the parent's `actionSeq` when it started the Parallel / Map. */
  groupSeq: number | null;
  /** For a child run: its branch / iteration index. */
  branchIndex: number | null;
  /** For a child run: how many of its group may run at once (0: no limit). */
  groupLimit: number | null;
  stateMachine: string;
  name: string;
  status: ExecutionStatus;
  /** JSON text. */
  input: string;
  output: string | null;
  error: string | null;
  cause: string | null;
  /** The definition (or branch sub-machine) this run started with, as JSON text. */
  definition: string;
  /** The interpreter's ExecutionState as JSON text. */
  state: string;
  /** Compare-and-set counter: 1 at creation, +1 per saved transition. */
  version: number;
  /** The version at which the outstanding action (if any) was taken: names its timers and children. */
  actionSeq: number | null;
  startedAt: number;
  stoppedAt: number | null;
  updatedAt: number;
  redriveCount: number;
  redriveAt: number | null;
  /** A `.sync` parent's task token, settled with this execution's result when it ends. */
  callbackToken: string | null;
}

/** A history event as stored: `body` is the engine's event (type, timestamp, details) as JSON. */
export interface StoredHistoryEvent {
  /** 1, 2, 3, ... within the root execution. */
  id: number;
  type: string;
  timestamp: number;
  body: string;
}

export type NewHistoryEvent = Omit<StoredHistoryEvent, 'id'>;

/** A durable timer: when due, the execution is woken (a message to the workflow queue). */
export interface WorkflowTimer {
  /** Unique; putting a timer with the same id replaces it. */
  id: string;
  executionId: string;
  /** `wait`, `timeout`, `heartbeat`: cleared when the execution moves on; `execution`: kept. */
  kind: string;
  dueAt: number;
}

/** A task waiting for a callback (`.waitForTaskToken`) or for another execution (`.sync`). */
export interface TaskTokenRecord {
  token: string;
  executionId: string;
  stateMachine: string;
  /** waiting: no outcome yet; settled: `outcome` holds it (JSON of the engine's Outcome). */
  status: 'waiting' | 'settled';
  /** Whether the task's side effect (invoke, send, publish, start) is known to have been done. */
  dispatched: boolean;
  outcome: string | null;
  createdAt: number;
  heartbeatAt: number;
}

/** How the store wakes an execution: a message to the workflow queue, built by the executor. */
export interface Wake {
  queue: string;
  message(executionId: string): NewMessage;
}

/** Everything one transition changes, committed together by `commit`. */
export interface Transition {
  /** The row as it is to be stored; its `version` must be `expectedVersion + 1`. */
  execution: ExecutionRecord;
  expectedVersion: number;
  /** Appended to the history of `execution.rootId`, numbered in order. */
  events: readonly NewHistoryEvent[];
  /** Delete the execution's timers (except kind `execution`) before adding `timers`. */
  clearTimers?: boolean;
  timers?: readonly WorkflowTimer[];
  /** Delete the execution's task tokens before adding `tokens`. */
  clearTokens?: boolean;
  tokens?: readonly TaskTokenRecord[];
  /** Child runs to insert (their messages are in `messages` when they start RUNNING). */
  children?: readonly ExecutionRecord[];
  /** Executions to wake now. */
  wakeNow?: readonly string[];
  /**
   * The run ended (a final status): a child activates PENDING siblings up to its group limit and
   * wakes its parent once none runs; an execution with a callbackToken settles that token with
   * `callbackOutcome` and wakes its holder. All descendants still PENDING/RUNNING are ABORTED.
   */
  finished?: { callbackOutcome?: string };
  wake: Wake;
  now: number;
}

/** How many child runs of one group are in each status. */
export type ChildCounts = Record<ExecutionStatus, number>;

export interface ChildResult {
  index: number;
  status: ExecutionStatus;
  output: string | null;
  error: string | null;
  cause: string | null;
}

export interface ExecutionQuery {
  stateMachine: string;
  status?: ExecutionStatus;
  /** Only executions started before this time (paging backwards). */
  before?: number;
  /** At most this many (default 100, at most 1000). */
  limit?: number;
}

export interface WorkflowRepository {
  /** Creates or replaces a state machine. */
  putStateMachine(record: StateMachineRecord): Promise<void>;
  getStateMachine(name: string): Promise<StateMachineRecord | undefined>;
  /** Ordered by name. */
  listStateMachines(): Promise<StateMachineRecord[]>;
  /** Deletes the state machine (its executions stay and run to the end). False if absent. */
  deleteStateMachine(name: string): Promise<boolean>;

  /**
   * Inserts a new top-level execution with its first events, timers and wake-up, unless one with
   * the same id exists: then nothing changes and the existing one is returned.
   */
  createExecution(
    execution: ExecutionRecord,
    events: readonly NewHistoryEvent[],
    timers: readonly WorkflowTimer[],
    wake: Wake,
    now: number,
  ): Promise<{ created: true } | { created: false; existing: ExecutionRecord }>;
  getExecution(id: string): Promise<ExecutionRecord | undefined>;
  /** Top-level executions of a state machine, newest first (then by id, descending). */
  listExecutions(query: ExecutionQuery): Promise<ExecutionRecord[]>;
  /**
   * Saves a transition if the execution is still at `expectedVersion`; false (changing nothing)
   * when another save got there first.
   */
  commit(transition: Transition): Promise<boolean>;

  /** Events of a root execution with id greater than `afterId`, ascending (or descending), at most `limit` (default 1000). */
  history(
    rootId: string,
    options?: { afterId?: number; limit?: number; reverse?: boolean },
  ): Promise<StoredHistoryEvent[]>;

  childCounts(parentId: string, groupSeq: number): Promise<ChildCounts>;
  /** Results of a group's child runs, by index. */
  childResults(parentId: string, groupSeq: number): Promise<ChildResult[]>;

  getToken(token: string): Promise<TaskTokenRecord | undefined>;
  /** Settles a waiting token with `outcome` and wakes its execution. False if not waiting. */
  settleToken(token: string, outcome: string, wake: Wake, now: number): Promise<boolean>;
  /** Records that the token's side effect was done. */
  markDispatched(token: string): Promise<void>;
  /** Records a heartbeat of a waiting token (and moves its heartbeat timer). False if not waiting. */
  heartbeat(token: string, now: number, timer?: WorkflowTimer): Promise<boolean>;

  /** Deletes up to `limit` timers due at or before `now` and wakes their executions; returns how many. */
  fireDueTimers(now: number, limit: number, wake: Wake): Promise<number>;
  /** The earliest timer due time, or null when there is none. */
  nextTimerDue(): Promise<number | null>;
}
