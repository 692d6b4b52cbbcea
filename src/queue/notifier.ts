/**
 * Wakes waiters when a queue may have visible messages: long-polling receivers and consumers sleep
 * on it instead of polling the store. Signals are hints (a waiter always re-checks the store), so a
 * missed or spurious signal costs at most one extra look, never a lost message.
 */
export interface QueueNotifier {
  notify(queue: string): void;
  /** Wakes every waiter of every queue. */
  notifyAll(): void;
  /** Resolves on the next notify(queue), or when `signal` aborts. */
  wait(queue: string, signal?: AbortSignal): Promise<void>;
}

export function createQueueNotifier(): QueueNotifier {
  const waiters = new Map<string, Set<() => void>>();
  return {
    notify(queue) {
      const set = waiters.get(queue);
      if (!set) return;
      waiters.delete(queue);
      for (const wake of set) wake();
    },
    notifyAll() {
      for (const queue of [...waiters.keys()]) this.notify(queue);
    },
    wait(queue, signal) {
      return new Promise<void>((resolve) => {
        if (signal?.aborted) return resolve();
        let set = waiters.get(queue);
        if (!set) {
          set = new Set();
          waiters.set(queue, set);
        }
        const wake = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          waiters.get(queue)?.delete(wake);
          resolve();
        };
        set.add(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}
