import type { Clock } from '../../core/clock.js';
import type { AuditRepository, NewAuditEntry } from '../../store/security-repositories.js';
import { actionIndex } from '../policy/action-index.js';
import { ACTIONS } from '../policy/actions.js';

/**
 * Actions that change state but are the data plane, not control: running a function, moving
 * messages, publishing events. They are far too frequent to audit when allowed (a denial of any
 * action is still audited).
 */
const DATA_PLANE = new Set([
  'function:Invoke',
  'queue:Send',
  'queue:Receive',
  'queue:DeleteMessage',
  'queue:ChangeVisibility',
  'events:Put',
  'workflows:Start',
  'workflows:SendTaskResult',
]);

/**
 * Whether an allowed `action` goes into the audit log: every control-plane change (deploy, delete,
 * publish, purge, redrive, queue settings), every change of keys and policies, and every read of a
 * secret's value. Reads of state are not audited.
 */
export function isAudited(action: string): boolean {
  const info = ACTIONS[actionIndex(action)];
  if (info === undefined) return false;
  if (info.access === 'read') return info.name === 'audit:Read';
  return !DATA_PLANE.has(info.name);
}

export interface AuditLog {
  /** Queues an entry; entries reach the store within a fraction of a second, in order. */
  record(entry: NewAuditEntry): void;
  /** Writes what is queued now (tests, shutdown, before answering an audit query). */
  flush(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

const FLUSH_MS = 100;

/**
 * The audit log's writer: entries are batched and appended in one transaction, off the request's
 * path. A write that fails is retried with the next batch and reported, never dropped silently.
 */
export function createAuditLog(deps: {
  repository: AuditRepository;
  clock: Clock;
  onError(message: string, error: unknown): void;
}): AuditLog {
  let queued: NewAuditEntry[] = [];
  let timer: { cancel(): void } | undefined;
  let writing: Promise<void> = Promise.resolve();
  let running = false;

  const write = async (): Promise<void> => {
    timer = undefined;
    if (queued.length === 0) return;
    const batch = queued;
    queued = [];
    try {
      await deps.repository.appendMany(batch);
    } catch (error) {
      queued = batch.concat(queued);
      deps.onError('could not write the audit log; will retry', error);
      if (running) schedule();
    }
  };
  const schedule = (): void => {
    if (timer !== undefined) return;
    timer = deps.clock.setTimeout(() => {
      writing = writing.then(write);
    }, FLUSH_MS);
  };

  return {
    record(entry) {
      queued.push(entry);
      if (running) schedule();
    },
    async flush() {
      timer?.cancel();
      timer = undefined;
      writing = writing.then(write);
      await writing;
    },
    start() {
      running = true;
      if (queued.length > 0) schedule();
    },
    async stop() {
      running = false;
      await this.flush();
    },
  };
}
