import type { Clock, TimerHandle } from '../../core/clock.js';
import type { Wake, WorkflowRepository } from '../../store/workflow-repository.js';

export interface TimerLoopDeps {
  repo: WorkflowRepository;
  clock: Clock;
  wake: Wake;
  /** Called after timers fired (their wake-up messages are queued). */
  fired(): void;
  onError(error: unknown): void;
  /** Longest sleep, so timers another node added are seen (default 5 s). */
  pollMs?: number;
}

const BATCH = 100;

/**
 * Fires durable timers (Wait states, retry delays, task timeouts and heartbeats) when due: the store
 * deletes each due timer and queues a wake-up for its execution in one transaction, so a timer
 * fires once even across restarts, and one that came due while Gust was down fires at start.
 * The loop sleeps until the earliest timer (or `pollMs`), and `poke` re-arms it after a new one.
 */
export function createTimerLoop(deps: TimerLoopDeps) {
  const pollMs = deps.pollMs ?? 5000;
  let timer: TimerHandle | undefined;
  let armedFor = Number.POSITIVE_INFINITY;
  let running = false;
  let busy: Promise<void> | undefined;
  /** A tick was asked for while one ran. */
  let again = false;

  const arm = (at: number) => {
    timer?.cancel();
    armedFor = at;
    timer = deps.clock.setTimeout(tick, Math.max(0, at - deps.clock.now()));
  };

  /** Fires what is due, then sleeps until the next timer; goes round again if one came due meanwhile. */
  const tick = () => {
    if (!running) return;
    if (busy) {
      again = true;
      return;
    }
    busy = (async () => {
      do {
        again = false;
        try {
          let fired = 0;
          do {
            fired = await deps.repo.fireDueTimers(deps.clock.now(), BATCH, deps.wake);
            if (fired > 0) deps.fired();
          } while (fired === BATCH && running);
          const next = await deps.repo.nextTimerDue();
          const now = deps.clock.now();
          if (next !== null && next <= now) again = true;
          else if (running) arm(Math.min(next ?? Number.POSITIVE_INFINITY, now + pollMs));
        } catch (error) {
          deps.onError(error);
          if (running) arm(deps.clock.now() + 1000);
        }
      } while (again && running);
      // In the same synchronous step as the last check of `again`: a tick from now on starts anew.
      busy = undefined;
    })();
  };

  return {
    start() {
      running = true;
      tick();
    },
    /** A timer due at `dueAt` was added: wake earlier if it is sooner than the armed time. */
    poke(dueAt: number) {
      if (running && dueAt < armedFor) arm(dueAt);
    },
    async stop() {
      running = false;
      timer?.cancel();
      await busy;
    },
  };
}
