import { randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  addListener,
  dispatchSignal,
  type SignalBus,
  type SignalListener,
  type SignalTopic,
} from '../signals.js';

/**
 * Signals between nodes over PostgreSQL NOTIFY/LISTEN. One dedicated connection LISTENs on the
 * store's channel (named after its schema, so two clusters in one database do not hear each
 * other); publishing is `SELECT pg_notify(...)` on the pool, batched per turn of the event loop.
 * A notification holds lines `topic|node|payload`; the node id lets a listener skip its own.
 *
 * The listening connection reconnects by itself (with backoff) when the server restarts or the
 * network breaks. Signals sent while it was down are lost; after reconnecting it tells every topic's
 * listeners with an empty payload ("look at everything again"), which is how lost hints are made up.
 */
export interface PgSignalOptions {
  connectionString: string;
  /** The store's schema ('public' when unset): part of the channel name. */
  schema: string | undefined;
  pool: pg.Pool;
  onError(message: string, error?: unknown): void;
}

export interface PgSignalBus extends SignalBus {
  close(): Promise<void>;
}

const TOPICS: readonly SignalTopic[] = [
  'functions',
  'queue',
  'keys',
  'policies',
  'secrets',
  'workflows',
  'nodes',
];
const MAX_PAYLOAD = 1000;

export function createPgSignals(options: PgSignalOptions): PgSignalBus {
  const channel = `gust_signals_${(options.schema ?? 'public').toLowerCase()}`;
  const nodeId = randomUUID();
  const listeners = new Map<SignalTopic, Set<SignalListener>>();
  let client: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  let closed = false;
  let retryMs = 200;
  let retryTimer: NodeJS.Timeout | undefined;

  const onError = (error: unknown) => options.onError('a signal listener failed', error);

  /** One notification carries several signals, a line each: `topic|node|payload`. */
  const receive = (message: pg.Notification): void => {
    if (message.channel !== channel || message.payload === undefined) return;
    for (const line of message.payload.split('\n')) {
      const first = line.indexOf('|');
      const second = line.indexOf('|', first + 1);
      if (first === -1 || second === -1) continue;
      const topic = line.slice(0, first) as SignalTopic;
      // This node's own signals were dispatched locally when published.
      if (line.slice(first + 1, second) === nodeId) continue;
      dispatchSignal(listeners, topic, line.slice(second + 1), false, onError);
    }
  };

  /**
   * Signals published in one turn of the event loop go out together, duplicates folded: a burst of
   * sends to one queue costs one NOTIFY, not one round trip each.
   */
  let pending = new Set<string>();
  let flushing = false;
  const flush = (): void => {
    flushing = false;
    const lines = [...pending];
    pending = new Set();
    // NOTIFY payloads are limited to 8000 bytes: send in chunks well under that.
    let chunk = '';
    const send = (text: string) => {
      options.pool.query('SELECT pg_notify($1, $2)', [channel, text]).catch((error: unknown) => {
        options.onError('could not signal other nodes', error);
      });
    };
    for (const line of lines) {
      if (chunk.length + line.length + 1 > 7000 && chunk !== '') {
        send(chunk);
        chunk = '';
      }
      chunk = chunk === '' ? line : `${chunk}\n${line}`;
    }
    if (chunk !== '') send(chunk);
  };

  const scheduleReconnect = (): void => {
    if (closed || retryTimer !== undefined) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, retryMs);
    retryTimer.unref();
    retryMs = Math.min(retryMs * 2, 5000);
  };

  const connect = (): Promise<void> => {
    if (closed || client !== undefined) return Promise.resolve();
    connecting ??= (async () => {
      const next = new pg.Client({ connectionString: options.connectionString });
      next.on('notification', receive);
      next.on('error', (error) => {
        options.onError('the signal connection to PostgreSQL broke; reconnecting', error);
        if (client === next) client = undefined;
        next.end().catch(() => {});
        scheduleReconnect();
      });
      try {
        await next.connect();
        await next.query(`LISTEN ${channel}`);
        if (closed) {
          await next.end();
          return;
        }
        const wasDown = retryMs > 200;
        client = next;
        retryMs = 200;
        // Whatever was signalled while not listening is lost: tell everyone to look again.
        if (wasDown) for (const topic of TOPICS) dispatchSignal(listeners, topic, '', false, onError);
      } catch (error) {
        next.end().catch(() => {});
        options.onError('cannot listen for signals from other nodes yet; retrying', error);
        scheduleReconnect();
      }
    })().finally(() => {
      connecting = undefined;
    });
    return connecting;
  };

  return {
    crossNode: true,
    publish(topic, payload) {
      if (closed) return;
      // Local listeners hear at once; other nodes through the database.
      queueMicrotask(() => dispatchSignal(listeners, topic, payload, true, onError));
      pending.add(`${topic}|${nodeId}|${payload.slice(0, MAX_PAYLOAD).replaceAll('\n', ' ')}`);
      if (!flushing) {
        flushing = true;
        setImmediate(flush);
      }
    },
    subscribe(topic, listener) {
      void connect();
      return addListener(listeners, topic, listener);
    },
    async close() {
      closed = true;
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      await connecting;
      const c = client;
      client = undefined;
      await c?.end().catch(() => {});
    },
  };
}
