import type { Clock } from '../core/clock.js';
import { GustError, isGustError } from '../core/errors.js';
import type { ResolvedVersion } from '../core/types.js';
import type { InvokeOptions } from './types.js';

export interface AsyncJob {
  resolved: ResolvedVersion;
  payload: string;
  requestId: string;
  options: InvokeOptions;
}

export interface AsyncRunnerDeps {
  clock: Clock;
  /** Runs one job synchronously; throws ERR_TOO_MANY_REQUESTS when throttled. */
  run: (job: AsyncJob) => Promise<unknown>;
  /** Most jobs waiting at once; beyond it enqueue refuses with 429 (default 10,000). */
  maxBacklog?: number;
}

/**
 * Runs `Event` invocations in the background. A throttled job waits and is tried again (with
 * backoff up to 1 s) instead of failing, as Lambda's async invocation does.
 *
 * This runner keeps jobs in memory: they are lost if the process dies. The durable queue (with
 * retries of failed invocations, destinations and dead-letter queues) replaces it.
 */
export function createAsyncRunner(deps: AsyncRunnerDeps) {
  const maxBacklog = deps.maxBacklog ?? 10_000;
  let waiting = 0;
  let stopped = false;

  const attempt = (job: AsyncJob, delayMs: number) => {
    if (stopped) return;
    void deps.run(job).then(
      () => {
        waiting--;
      },
      (error: unknown) => {
        if (isGustError(error) && error.code === 'ERR_TOO_MANY_REQUESTS' && !stopped) {
          const next = Math.min(1000, delayMs * 2);
          deps.clock.setTimeout(() => attempt(job, next), delayMs);
          return;
        }
        waiting--;
        console.error(`gust: async invocation ${job.requestId} could not run:`, error);
      },
    );
  };

  return {
    enqueue(job: AsyncJob) {
      if (waiting >= maxBacklog) {
        throw new GustError(
          'ERR_TOO_MANY_REQUESTS',
          `Too many asynchronous invocations waiting (${maxBacklog}).`,
          {
            awsType: 'TooManyRequestsException',
            headers: { 'Retry-After': '1' },
          },
        );
      }
      waiting++;
      attempt(job, 50);
    },
    backlog: () => waiting,
    stop() {
      stopped = true;
    },
  };
}
