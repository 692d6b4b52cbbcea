import { GustError } from '../../core/errors.js';
import type {
  MessageAttribute,
  QueueConfig,
  QueueKind,
  QueueRecord,
  StoredMessage,
} from '../queue-repository.js';

export interface QueueRow {
  name: string;
  config: string;
  kind: string;
  owner: string | null;
  created_at: number;
}

export interface MessageRow {
  id: string;
  queue: string;
  body: string;
  attributes: string;
  meta: string | null;
  sent_at: number;
  visible_at: number;
  receive_count: number;
  first_received_at: number | null;
  receipt_handle: string | null;
  last_error: string | null;
  source_queue: string | null;
  dedupe_id: string | null;
}

export const toQueue = (r: QueueRow): QueueRecord => ({
  name: r.name,
  // Written by putQueue from a QueueConfig.
  config: JSON.parse(r.config) as QueueConfig,
  kind: r.kind as QueueKind,
  owner: r.owner,
  createdAt: r.created_at,
});

export const toMessage = (r: MessageRow): StoredMessage => ({
  id: r.id,
  queue: r.queue,
  body: r.body,
  // Written by the sender from typed messages.
  attributes: JSON.parse(r.attributes) as Record<string, MessageAttribute>,
  meta: r.meta === null ? null : (JSON.parse(r.meta) as Record<string, unknown>),
  sentAt: r.sent_at,
  visibleAt: r.visible_at,
  receiveCount: r.receive_count,
  firstReceivedAt: r.first_received_at,
  receiptHandle: r.receipt_handle,
  lastError: r.last_error,
  sourceQueue: r.source_queue,
  dedupeId: r.dedupe_id,
});

/** Seconds (possibly fractional) as whole milliseconds. */
export const secondsToMs = (seconds: number): number => Math.round(seconds * 1000);

/**
 * The error for a queue that a send, receive or move names but that does not exist (the same code,
 * message and AWS type the queue service uses, so a race with a deleted queue looks the same).
 */
export function queueNotFound(queue: string): GustError {
  return new GustError('ERR_QUEUE_NOT_FOUND', `Queue '${queue}' does not exist.`, {
    awsType: 'QueueDoesNotExist',
    details: { queue },
  });
}
