/**
 * Concurrency accounting with Lambda's semantics: a function with `reservedConcurrency` R may run
 * at most R at once and those R slots are kept for it; every other function shares what is left of
 * the platform limit. The limiter never queues: a caller either gets a slot or is told no, so a
 * flood is answered with 429 at once instead of piling up.
 */
export interface ConcurrencyLimiter {
  /**
   * Takes a slot for `functionName`. Returns a release function, or a reason string when the
   * function or the platform is at its limit. Release exactly once.
   */
  tryAcquire(functionName: string, reserved: number | undefined): (() => void) | ThrottleReason;
  /** Declares the reserved concurrency of every function (replaces the previous declaration). */
  setReservations(reserved: ReadonlyMap<string, number>): void;
  inFlight(): { total: number; byFunction: Record<string, number> };
}

export type ThrottleReason =
  | 'ReservedFunctionConcurrentInvocationLimitExceeded'
  | 'ConcurrentInvocationLimitExceeded';

export function createConcurrencyLimiter(maxConcurrency: number): ConcurrencyLimiter {
  const running = new Map<string, number>();
  let reservedTotal = 0;
  let reservations: ReadonlyMap<string, number> = new Map();
  /** In-flight invocations of functions without a reservation. */
  let unreservedRunning = 0;
  let total = 0;

  return {
    tryAcquire(functionName, reserved) {
      const current = running.get(functionName) ?? 0;
      const isReserved = reserved !== undefined;
      if (isReserved) {
        if (current >= reserved) return 'ReservedFunctionConcurrentInvocationLimitExceeded';
      } else if (unreservedRunning >= Math.max(0, maxConcurrency - reservedTotal)) {
        return 'ConcurrentInvocationLimitExceeded';
      }
      running.set(functionName, current + 1);
      total++;
      if (!isReserved) unreservedRunning++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const n = (running.get(functionName) ?? 1) - 1;
        if (n === 0) running.delete(functionName);
        else running.set(functionName, n);
        total--;
        if (!isReserved) unreservedRunning--;
      };
    },
    setReservations(next) {
      reservations = next;
      reservedTotal = 0;
      for (const r of reservations.values()) reservedTotal += r;
    },
    inFlight() {
      return { total, byFunction: Object.fromEntries(running) };
    },
  };
}
