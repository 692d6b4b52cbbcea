import { randomUUID } from 'node:crypto';
import type { LeasedMessage, QueueConfig } from '../queue-repository.js';
import type { SqliteDatabase } from './database.js';
import { prepareOnce } from './prepare-once.js';
import type { MessageRow } from './queue-rows.js';
import { queueNotFound, toMessage } from './queue-rows.js';

/**
 * Rounds of dead-lettering one receive does at most. Each round moves at least one message, so a
 * backlog of exhausted messages (a dead-letter queue configured late) is moved over several
 * receives rather than in one long transaction.
 */
const MAX_DEAD_LETTER_ROUNDS = 100;

/** The SQL function that mints a receipt handle per leased row (a random UUID). */
const HANDLE_FUNCTION = 'gust_receipt_handle';

interface CandidateRow {
  id: string;
  receive_count: number;
}

function prepare(db: SqliteDatabase) {
  return {
    queueConfig: db.prepare<[string], string>('SELECT config FROM queues WHERE name = ?').pluck(),
    queueExists: db.prepare<[string], number>('SELECT 1 FROM queues WHERE name = ?').pluck(),
    // Index-only on messages_by_queue_visible: the oldest visible ids, in delivery order.
    candidates: db
      .prepare<[string, number, number], string>(
        'SELECT id FROM messages WHERE queue = ? AND visible_at <= ? ORDER BY visible_at, id LIMIT ?',
      )
      .pluck(),
    candidatesWithCount: db.prepare<[string, number, number], CandidateRow>(
      `SELECT id, receive_count FROM messages WHERE queue = ? AND visible_at <= ?
       ORDER BY visible_at, id LIMIT ?`,
    ),
    // One statement leases the whole batch; every row gets its own handle from the SQL function.
    lease: db.prepare<[number, number, string], MessageRow>(
      `UPDATE messages SET receive_count = receive_count + 1,
         first_received_at = COALESCE(first_received_at, ?), visible_at = ?,
         receipt_handle = ${HANDLE_FUNCTION}()
       WHERE id IN (SELECT value FROM json_each(?)) RETURNING *`,
    ),
    deadLetter: db.prepare<[string, number, string]>(
      `UPDATE messages SET queue = ?, source_queue = queue, receive_count = 0, first_received_at = NULL,
         receipt_handle = NULL, visible_at = ?
       WHERE id IN (SELECT value FROM json_each(?))`,
    ),
  };
}

type Statements = ReturnType<typeof prepare>;

/**
 * Receiving: leases a queue's oldest visible messages, dead-lettering those that reached the
 * queue's maxReceiveCount on the way, in one IMMEDIATE transaction. Within a process better-sqlite3
 * runs it synchronously, so nothing interleaves; across processes SQLite's write lock, taken before
 * the first read, serialises receivers. Either way no two receivers lease the same message.
 */
export class SqliteMessageLeases {
  readonly #receive: (queue: string, max: number, visibilityMs: number, now: number) => LeasedMessage[];

  constructor(db: SqliteDatabase) {
    db.function(HANDLE_FUNCTION, { deterministic: false }, () => randomUUID());
    const s = prepareOnce(db, prepare);
    const receive = db.transaction((queue: string, max: number, visibilityMs: number, now: number) =>
      leaseInTransaction(s(), queue, max, visibilityMs, now),
    );
    this.#receive = receive.immediate;
  }

  /** Leases up to `max` (already clamped) messages; see `QueueRepository.receive`. */
  receive(queue: string, max: number, visibilityMs: number, now: number): LeasedMessage[] {
    return this.#receive(queue, max, visibilityMs, now);
  }
}

function leaseInTransaction(
  s: Statements,
  queue: string,
  max: number,
  visibilityMs: number,
  now: number,
): LeasedMessage[] {
  const configText = s.queueConfig.get(queue);
  if (configText === undefined) throw queueNotFound(queue);
  // Written by putQueue from a QueueConfig.
  const config = JSON.parse(configText) as QueueConfig;
  const until = now + Math.max(0, visibilityMs);
  const dlq = activeDeadLetterQueue(s, queue, config);
  if (dlq === null) return lease(s, s.candidates.all(queue, now, max), now, until);

  const limit = config.maxReceiveCount ?? Number.POSITIVE_INFINITY;
  const leased: LeasedMessage[] = [];
  for (let round = 0; round < MAX_DEAD_LETTER_ROUNDS && leased.length < max; round++) {
    const want = max - leased.length;
    const rows = s.candidatesWithCount.all(queue, now, want);
    const exhausted = rows.filter((r) => r.receive_count >= limit).map((r) => r.id);
    const deliverable = rows.filter((r) => r.receive_count < limit).map((r) => r.id);
    if (exhausted.length > 0) s.deadLetter.run(dlq, now, JSON.stringify(exhausted));
    leased.push(...lease(s, deliverable, now, until));
    // Without exhausted rows this round saw every visible message it could (or filled the batch).
    if (exhausted.length === 0 || rows.length < want) break;
  }
  return leased;
}

/** The queue dead-lettering happens to, or null when messages past maxReceiveCount are delivered. */
function activeDeadLetterQueue(s: Statements, queue: string, config: QueueConfig): string | null {
  const { deadLetterQueue: dlq, maxReceiveCount } = config;
  if (maxReceiveCount === null || dlq === null || dlq === queue) return null;
  // A missing dead-letter queue must not swallow messages: they are delivered instead.
  return s.queueExists.get(dlq) === undefined ? null : dlq;
}

/** Leases `ids` and returns them in the order given (the UPDATE's RETURNING order is unspecified). */
function lease(s: Statements, ids: readonly string[], now: number, until: number): LeasedMessage[] {
  if (ids.length === 0) return [];
  const byId = new Map<string, MessageRow>();
  for (const row of s.lease.all(now, until, JSON.stringify(ids))) byId.set(row.id, row);
  const leased: LeasedMessage[] = [];
  for (const id of ids) {
    const row = byId.get(id);
    // The UPDATE just set a handle on every row it returns.
    if (row !== undefined) leased.push(toMessage(row) as LeasedMessage);
  }
  return leased;
}
