import type { Clock } from '../../core/clock.js';
import type { Invoker } from '../../invoker/types.js';
import type { QueueService } from '../../queue/queue-service.js';
import type { Store } from '../../store/store.js';
import type * as Engine from '../engine/index.js';

/**
 * The engine's functions the executor drives (src/workflow/engine/api.ts documents the protocol).
 * Injected so the executor can be tested against the real engine or a stand-in.
 */
export interface WorkflowEngine {
  startExecution: typeof Engine.startExecution;
  step: typeof Engine.step;
  resume: typeof Engine.resume;
  redrive: typeof Engine.redrive;
  parseDefinition: typeof Engine.parseDefinition;
  validateDefinition: typeof Engine.validateDefinition;
}

export interface WorkflowExecutorDeps {
  store: Store;
  queues: QueueService;
  /** The one invoker: Task states run functions through it (trigger `workflow`). */
  invoker: Invoker;
  engine: WorkflowEngine;
  clock: Clock;
  region: string;
  accountId: string;
  /** EventBridge PutEvents, for `arn:aws:states:::events:putEvents` tasks. */
  putEvents?: (entries: unknown) => Promise<unknown>;
  /** Executions advanced at once by this node (default 32). */
  concurrency?: number;
  /** Fresh UUIDs (task tokens, generated execution names). Default crypto.randomUUID. */
  uuid?: () => string;
  /** Random numbers for retry jitter. Default Math.random. */
  random?: () => number;
  /** Where the executor reports its own failures (default: stderr). */
  log?: (line: string) => void;
}

/** The system queue whose messages say "advance execution X". */
export const WORKFLOW_QUEUE = 'gust-workflows';
