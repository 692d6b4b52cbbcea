/**
 * Durable workflow transitions per second on SQLite, in process (no server, no functions): a chain
 * of 1,000 Pass states and a Map over 1,000 items (one Pass each), run by the executor (every
 * transition committed to a SQLite file through the store, work carried by the gust-workflows
 * queue), against the same definitions run by the pure engine in memory. The ratio is what
 * persistence costs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../src/core/clock.js';
import { FakeInvoker } from '../src/gateway/test-support.js';
import { createQueueService } from '../src/queue/queue-service.js';
import { createSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { Json } from '../src/workflow/data/json.js';
import type { Definition, StateMachine } from '../src/workflow/definition/types.js';
import type { BranchOutcome, ExecutionState, StepResult } from '../src/workflow/engine/index.js';
import * as engine from '../src/workflow/engine/index.js';
import { createWorkflowExecutor } from '../src/workflow/executor/executor.js';
import type { BenchRow } from './lib/rows.js';

function chain(length: number): Definition {
  const states: Record<string, object> = {};
  for (let i = 0; i < length; i++) {
    states[`S${i}`] = i === length - 1 ? { Type: 'Pass', End: true } : { Type: 'Pass', Next: `S${i + 1}` };
  }
  return { StartAt: 'S0', States: states } as unknown as Definition;
}

const MAP: Definition = {
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      ItemProcessor: { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } },
      End: true,
    },
  },
} as unknown as Definition;

const CONTEXT = { executionId: 'x', executionName: 'x', stateMachineId: 'sm', stateMachineName: 'sm' };

/** Runs one machine (or branch) to its end in memory; returns its final state and how many transitions it took. */
async function runInMemory(
  definition: StateMachine,
  start: StepResult,
): Promise<{ state: ExecutionState; transitions: number }> {
  let r = start;
  let transitions = 0;
  while (r.state.status === 'RUNNING') {
    const action = r.state.awaiting;
    if (action === undefined) r = await engine.step(definition, r.state, Date.now());
    else if (action.kind === 'map' || action.kind === 'parallel') {
      const starts = action.kind === 'map' ? action.iterations : action.branches;
      const branches: BranchOutcome[] = [];
      for (const b of starts) {
        const done = await runInMemory(b.definition, { state: b.start, events: [] });
        transitions += done.transitions;
        branches.push(
          done.state.status === 'SUCCEEDED'
            ? { ok: done.state.output ?? null }
            : { error: done.state.error ?? '', cause: done.state.cause ?? '' },
        );
      }
      r = await engine.resume(definition, r.state, { branches }, Date.now());
    } else r = await engine.resume(definition, r.state, { ok: null }, Date.now());
    transitions++;
  }
  return { state: r.state, transitions };
}

async function inMemory(definition: Definition, input: Json) {
  const start = performance.now();
  const { transitions } = await runInMemory(
    definition,
    engine.startExecution(definition, input, CONTEXT, Date.now()),
  );
  return { transitions, seconds: (performance.now() - start) / 1000 };
}

/** Runs the workflow durably and returns the seconds from StartExecution to its end. */
export async function runWorkflowBench(quick = false): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'gust-workflow-bench-'));
  const store = createSqliteStore({ path: join(dir, 'gust.db') });
  await store.migrate();
  const queues = createQueueService({ store, clock: systemClock });
  const executor = createWorkflowExecutor({
    store,
    queues,
    invoker: new FakeInvoker(),
    engine,
    clock: systemClock,
    region: 'us-east-1',
    accountId: '000000000000',
  });
  await executor.start();
  const size = quick ? 200 : 1000;
  const rows: BenchRow[] = [];
  try {
    const cases: [string, Definition, Json][] = [
      [`chain of ${size} Pass states`, chain(size), {}],
      [`Map over ${size} items`, MAP, Array.from({ length: size }, (_, i) => i)],
    ];
    for (const [label, definition, input] of cases) {
      const name = label.startsWith('chain') ? 'chain' : 'map';
      await executor.stateMachines.put(name, definition);
      const memory = await inMemory(definition, input);
      const start = performance.now();
      const done = await executor.startSyncExecution({
        workflow: name,
        name: 'bench',
        input: JSON.stringify(input),
      });
      const seconds = (performance.now() - start) / 1000;
      if (done.status !== 'SUCCEEDED')
        throw new Error(`${label}: the execution ended ${done.status}: ${done.error}`);
      const durable = memory.transitions / seconds;
      const pure = memory.transitions / memory.seconds;
      rows.push(
        {
          name: `workflow: ${label}, durable on SQLite (transitions/s)`,
          value: Math.round(durable),
          unit: 'transitions/s',
          note: `${memory.transitions} transitions in ${seconds.toFixed(2)} s; each committed (state, history, wake-ups) before the next`,
        },
        {
          name: `workflow: ${label}, pure engine in memory (transitions/s)`,
          value: Math.round(pure),
          unit: 'transitions/s',
          note: `persistence costs ${(pure / durable).toFixed(1)}x`,
        },
      );
    }
  } finally {
    await executor.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
