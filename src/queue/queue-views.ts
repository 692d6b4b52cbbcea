import type { FunctionRegistry } from '../functions/control-plane.js';
import type {
  MessageAttribute,
  QueueConfig,
  QueueKind,
  QueueRecord,
  QueueStats,
  StoredMessage,
} from '../store/queue-repository.js';
import { type DeadLetterQueueInfo, deadLetterQueues } from './dead-letter-queues.js';
import { consumersOf } from './queue-access.js';
import type { QueueService } from './queue-service.js';
import { md5OfBody } from './sqs-md5.js';

/**
 * The control API's JSON views of queues and messages (docs/api.md, "Queues"). The CLI reads these
 * types too, so the two stay in step.
 */

export interface QueueView {
  name: string;
  kind: QueueKind;
  /** The service (app) that declared it in gust.yaml, or null when created through the API. */
  owner: string | null;
  createdAt: number;
  arn: string;
  config: QueueConfig;
  /** Depth: visible, inFlight and delayed add up to total; oldestAgeMs is null when empty. */
  stats: QueueStats;
  /** The queue's dead-letter queue and how many messages it holds, or null without one. */
  deadLetterQueue: { name: string; messages: number } | null;
  /** Functions that have this queue as an event source (queue triggers). */
  consumers: string[];
}

export interface MessageView {
  id: string;
  body: string;
  md5OfBody: string;
  attributes: Record<string, MessageAttribute>;
  sentAt: number;
  /** Receives in this queue so far (the retry count: a message is tried receiveCount times). */
  receiveCount: number;
  firstReceivedAt: number | null;
  visibleAt: number;
  /** Why the last delivery failed; on a dead-lettered message, why it was dead-lettered. */
  lastError: string | null;
  /** For a dead-lettered message: the queue it came from (where redrive returns it). */
  sourceQueue: string | null;
  dedupeId: string | null;
  /** For an asynchronous invocation (gust-async, gust-dlq-*): its request id. */
  requestId: string | null;
}

export interface ReceivedMessageView extends MessageView {
  receiptHandle: string;
}

export interface DeadLetterQueueView extends DeadLetterQueueInfo {
  stats: QueueStats;
}

export interface QueueViewDeps {
  queues: QueueService;
  registry: Pick<FunctionRegistry, 'list'>;
  region: string;
  accountId: string;
}

export function messageView(m: StoredMessage, sources?: ReadonlyMap<string, QueueRecord>): MessageView {
  let lastError = m.lastError;
  const source = m.sourceQueue === null ? undefined : sources?.get(m.sourceQueue);
  if (lastError === null && source?.config.maxReceiveCount != null) {
    // Moved by a receive that found the count reached, so no consumer reported a reason.
    lastError = `not deleted after ${source.config.maxReceiveCount} receives (maxReceiveCount of ${source.name})`;
  }
  const requestId =
    m.meta?.kind === 'async' && typeof m.meta.requestId === 'string' ? m.meta.requestId : null;
  return {
    id: m.id,
    body: m.body,
    md5OfBody: md5OfBody(m.body),
    attributes: m.attributes,
    sentAt: m.sentAt,
    receiveCount: m.receiveCount,
    firstReceivedAt: m.firstReceivedAt,
    visibleAt: m.visibleAt,
    lastError,
    sourceQueue: m.sourceQueue,
    dedupeId: m.dedupeId,
    requestId,
  };
}

/** Builds views; reads every queue once per call so lists cost one store query per queue. */
export function createQueueViews(deps: QueueViewDeps) {
  const { queues } = deps;

  const consumers = (name: string) => consumersOf(deps.registry, name);

  const view = async (q: QueueRecord, all: readonly QueueRecord[]): Promise<QueueView> => {
    const dlqName = q.config.deadLetterQueue;
    const dlq = dlqName === null ? undefined : all.find((r) => r.name === dlqName);
    return {
      name: q.name,
      kind: q.kind,
      owner: q.owner,
      createdAt: q.createdAt,
      arn: `arn:aws:sqs:${deps.region}:${deps.accountId}:${q.name}`,
      config: q.config,
      stats: await queues.stats(q.name),
      deadLetterQueue: dlq ? { name: dlq.name, messages: (await queues.stats(dlq.name)).total } : null,
      consumers: consumers(q.name),
    };
  };

  return {
    async list(): Promise<QueueView[]> {
      const all = await queues.listQueues();
      return Promise.all(all.map((q) => view(q, all)));
    },
    async one(name: string): Promise<QueueView> {
      const q = await queues.getQueue(name);
      return view(q, await queues.listQueues());
    },
    /** The functions consuming a queue. */
    consumers,
    async deadLetterQueues(): Promise<DeadLetterQueueView[]> {
      const infos = deadLetterQueues(await queues.listQueues());
      return Promise.all(infos.map(async (d) => ({ ...d, stats: await queues.stats(d.name) })));
    },
    async peek(name: string, limit: number): Promise<MessageView[]> {
      const messages = await queues.peek(name, limit);
      const sources = new Map((await queues.listQueues()).map((q) => [q.name, q]));
      return messages.map((m) => messageView(m, sources));
    },
  };
}

export type QueueViews = ReturnType<typeof createQueueViews>;
