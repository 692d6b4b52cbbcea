/**
 * Signals between the nodes that share a store: "something changed, look again". A deploy tells
 * other nodes to reload their functions, a send tells their consumers to look at a queue, a key
 * change tells them to forget a cached key. Signals are hints: whoever receives one re-reads the
 * store, so a lost or repeated signal costs at most a delay (the periodic checks still run) or an
 * extra read, never a wrong answer.
 *
 * SQLite serves one process: signals go to this process's listeners. PostgreSQL carries them with
 * NOTIFY/LISTEN to every node.
 */

/** What a signal is about. The payload names the thing (a queue, a service, a key id). */
export type SignalTopic = 'functions' | 'queue' | 'keys' | 'policies' | 'secrets' | 'workflows' | 'nodes';

/** A received signal: its payload, and whether this node sent it. */
export type SignalListener = (payload: string, fromThisNode: boolean) => void;

export interface SignalBus {
  /**
   * Tells every node sharing the store, this one included, about a change. Returns at once; a
   * failure to send is reported through the bus's error handler, never thrown (signals are hints).
   * Payloads are short (at most 1,000 characters).
   */
  publish(topic: SignalTopic, payload: string): void;
  /** Calls `listener` for each signal on `topic` until the returned function is called. */
  subscribe(topic: SignalTopic, listener: SignalListener): () => void;
  /** Whether signals reach other nodes (false for SQLite: there are none). */
  readonly crossNode: boolean;
}

/** Dispatches one signal to a topic's listeners; a throwing listener does not stop the others. */
export function dispatchSignal(
  listeners: ReadonlyMap<SignalTopic, ReadonlySet<SignalListener>>,
  topic: SignalTopic,
  payload: string,
  fromThisNode: boolean,
  onError: (error: unknown) => void,
): void {
  for (const listener of listeners.get(topic) ?? []) {
    try {
      listener(payload, fromThisNode);
    } catch (error) {
      onError(error);
    }
  }
}

/** Adds `listener` to `topic`'s listeners; returns the function that removes it. */
export function addListener(
  listeners: Map<SignalTopic, Set<SignalListener>>,
  topic: SignalTopic,
  listener: SignalListener,
): () => void {
  let set = listeners.get(topic);
  if (set === undefined) {
    set = new Set();
    listeners.set(topic, set);
  }
  set.add(listener);
  return () => {
    listeners.get(topic)?.delete(listener);
  };
}

/** The signal bus of a store that only one process uses: listeners run in a microtask. */
export function createLocalSignals(onError: (error: unknown) => void = () => {}): SignalBus {
  const listeners = new Map<SignalTopic, Set<SignalListener>>();
  return {
    crossNode: false,
    publish(topic, payload) {
      queueMicrotask(() => dispatchSignal(listeners, topic, payload, true, onError));
    },
    subscribe: (topic, listener) => addListener(listeners, topic, listener),
  };
}
