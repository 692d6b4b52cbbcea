import { randomUUID } from 'node:crypto';
import { timeOrderedUuid } from '../../core/ids.js';
import { WORKFLOW_STARTS_QUEUE } from '../../events/bus/types.js';
import { type Consumer, createConsumer } from '../../queue/consumer.js';
import { createRequestQueue } from '../../queue/request-queue.js';
import type { ExecutionRecord, Transition, Wake } from '../../store/workflow-repository.js';
import { createDriver } from './driver.js';
import { createExecutionOperations, type ExecutionOperations } from './execution-operations.js';
import { createArns } from './names.js';
import { createStateMachineService, type StateMachineService } from './state-machines.js';
import { createTimerLoop } from './timer-loop.js';
import { WORKFLOW_QUEUE, type WorkflowExecutorDeps } from './types.js';

export interface WorkflowExecutor extends ExecutionOperations {
  readonly stateMachines: StateMachineService;
  /** Advances one execution now, as a queue message would (tests and benchmarks). */
  drive(executionId: string): Promise<void>;
  /** Creates the workflow queue, then starts its consumer and the timers. */
  start(): Promise<void>;
  /** Stops taking work and waits for the transitions in flight. */
  stop(): Promise<void>;
}

/**
 * Durable workflow executions. Work travels through the system queue `gust-workflows`: each
 * message says "advance execution X", and is consumed with leases like async invocations, so a
 * crashed node's work is picked up again. Every transition is saved with compare-and-set before the
 * next, with its history, timers and wake-ups; timers live in the store. Tasks run through the one
 * invoker (trigger `workflow`).
 */
export function createWorkflowExecutor(deps: WorkflowExecutorDeps): WorkflowExecutor {
  const repo = deps.store.workflows;
  const arns = createArns(deps.region, deps.accountId);
  const log = deps.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const uuid = deps.uuid ?? randomUUID;
  const wake: Wake = {
    queue: WORKFLOW_QUEUE,
    message: (executionId) => ({
      id: timeOrderedUuid(deps.clock.now()),
      body: executionId,
      attributes: {},
      meta: { kind: 'workflow', executionId },
    }),
  };
  /** Callers of StartSyncExecution waiting for an execution to end. */
  const waiters = new Map<string, Set<() => void>>();
  const timers = createTimerLoop({
    repo,
    clock: deps.clock,
    wake,
    fired: () => deps.queues.notify(WORKFLOW_QUEUE),
    onError: (error) => log(`gust: workflow timers failed: ${(error as Error)?.message ?? error}`),
  });
  const afterCommit = (transition: Transition) => {
    deps.queues.notify(WORKFLOW_QUEUE);
    for (const timer of transition.timers ?? []) timers.poke(timer.dueAt);
    if (transition.finished) {
      for (const resolve of waiters.get(transition.execution.id) ?? []) resolve();
    }
  };
  const stateMachines = createStateMachineService({ repo, engine: deps.engine, clock: deps.clock });
  let operations: ExecutionOperations | undefined;
  const driver = createDriver({
    repo,
    engine: deps.engine,
    clock: deps.clock,
    arns,
    wake,
    env: { uuid, random: deps.random ?? Math.random },
    afterCommit,
    tasks: {
      invoker: deps.invoker,
      queues: deps.queues,
      clock: deps.clock,
      ...(deps.putEvents ? { putEvents: deps.putEvents } : {}),
      startExecution: async (request) => {
        const ops = operations as ExecutionOperations;
        const workflow = arns.parseStateMachine(request.stateMachineArn);
        const { execution } = await ops.startExecution({
          workflow,
          name: request.name,
          input: request.input,
          ...(request.callbackToken !== undefined ? { callbackToken: request.callbackToken } : {}),
        });
        return { executionArn: arns.execution(workflow, execution.name), startDate: execution.startedAt };
      },
    },
  });

  /**
   * One driver per execution on this node: a wake-up for an execution already being advanced here
   * marks it to go round once more instead of racing it (other nodes are kept out by the version).
   */
  const driving = new Map<string, { again: boolean }>();
  const drive = async (id: string) => {
    const current = driving.get(id);
    if (current) {
      current.again = true;
      return;
    }
    const entry = { again: true };
    driving.set(id, entry);
    try {
      while (entry.again) {
        entry.again = false;
        await driver.advance(id);
      }
    } finally {
      driving.delete(id);
    }
  };

  operations = createExecutionOperations({
    repo,
    engine: deps.engine,
    clock: deps.clock,
    arns,
    wake,
    uuid,
    stateMachines,
    afterCommit,
    notify: () => deps.queues.notify(WORKFLOW_QUEUE),
    definitionOf: driver.definitionOf,
    waitFor: (id, signal) => waitForEnd(id, signal),
  });

  const waitForEnd = async (id: string, signal?: AbortSignal): Promise<ExecutionRecord | undefined> => {
    for (;;) {
      const execution = await repo.getExecution(id);
      if (execution?.status !== 'RUNNING' || signal?.aborted) return execution;
      // Woken by this node's commit, or after a second (the execution may run on another node).
      await new Promise<void>((resolve) => {
        const set = waiters.get(id) ?? new Set();
        waiters.set(id, set);
        const timer = deps.clock.setTimeout(done, 1000);
        signal?.addEventListener('abort', done, { once: true });
        function done() {
          timer.cancel();
          set.delete(done);
          if (set.size === 0) waiters.delete(id);
          resolve();
        }
        set.add(done);
      });
    }
  };

  let consumer: Consumer | undefined;
  /**
   * Starts the execution an event rule asked for. The name comes with the request, so a redelivered
   * request finds its execution already there; a workflow that no longer exists is reported and the
   * request dropped (as for a rule targeting a deleted function).
   */
  const startFromRule = async (body: string): Promise<void> => {
    let request: { workflow: string; name: string; input: string };
    try {
      request = JSON.parse(body) as typeof request;
    } catch {
      log(`gust: dropped a workflow start request that is not JSON: ${body.slice(0, 200)}`);
      return;
    }
    try {
      await operations.startExecution(request);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (
        code !== 'ERR_WORKFLOW_NOT_FOUND' &&
        code !== 'ERR_EXECUTION_EXISTS' &&
        code !== 'ERR_INVALID_PARAMETER'
      ) {
        throw error;
      }
      log(
        `gust: an event rule's start of workflow '${request.workflow}' was dropped: ${(error as Error).message}`,
      );
    }
  };
  const starts = createRequestQueue({
    queues: deps.queues,
    clock: deps.clock,
    queue: WORKFLOW_STARTS_QUEUE,
    handle: startFromRule,
    log,
  });
  return {
    ...operations,
    stateMachines,
    drive,
    async start() {
      await deps.queues.putQueue(
        WORKFLOW_QUEUE,
        { visibilityTimeoutSec: 10, retentionSec: 14 * 24 * 3600 },
        { kind: 'system', owner: null },
      );
      const concurrency = deps.concurrency ?? 32;
      consumer = createConsumer(deps.queues, deps.clock, {
        queue: WORKFLOW_QUEUE,
        batchSize: 10,
        batchingWindowMs: 0,
        concurrency: Math.max(1, Math.ceil(concurrency / 10)),
        deliver: (batch) =>
          Promise.all(
            batch.map(async (message) => {
              try {
                await drive(message.body);
                return { kind: 'done' as const };
              } catch (error) {
                log(`gust: workflow execution ${message.body}: ${(error as Error)?.message ?? error}`);
                return { kind: 'retry' as const, error: String(error), delayMs: 1000 };
              }
            }),
          ),
        onError: (error) => log(`gust: workflow queue failed: ${(error as Error)?.message ?? error}`),
      });
      consumer.start();
      // Event-rule targets `workflow:NAME` arrive here as start requests (src/events/bus/routing.ts).
      await starts.start();
      timers.start();
    },
    async stop() {
      await timers.stop();
      await starts.stop();
      await consumer?.stop();
      for (const set of waiters.values()) for (const resolve of set) resolve();
    },
  };
}
