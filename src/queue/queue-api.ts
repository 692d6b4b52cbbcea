import { z } from 'zod';
import { GustError } from '../core/errors.js';
import { integerParam } from '../gateway/query-params.js';
import { send, sendJson } from '../gateway/send.js';
import type { ControlRoute } from '../gateway/types.js';
import type { MessageAttribute, QueueConfig } from '../store/queue-repository.js';
import { readJsonBody } from './api-body.js';
import {
  checkBatchSize,
  checkQueueName,
  MAX_DELAY_SEC,
  MAX_RETENTION_SEC,
  MAX_VISIBILITY_SEC,
  MAX_WAIT_SEC,
  MIN_RETENTION_SEC,
} from './limits.js';
import { checkConsumable, checkNotConsumed, checkNotFifo, checkWritable } from './queue-access.js';
import type { QueueService, SendInput } from './queue-service.js';
import { messageView, type QueueViews } from './queue-views.js';
import { checkMessageContents, parseMessageAttributes } from './sqs-input.js';
import { md5OfBody } from './sqs-md5.js';

/**
 * Control API endpoints for queues (`/_gust/v1/queues...`), which the `gust queues` commands use.
 * docs/api.md ("Queues") is their specification. Bodies are checked with zod; failures name the
 * field. Gust's own queues (`gust-*`) are listed and readable, but only function dead-letter queues
 * among them can be consumed, and none can be written to, changed or deleted.
 */

const seconds = (min: number, max: number) =>
  z
    .number({ error: 'expected a number of seconds' })
    .int({ error: 'expected whole seconds' })
    .min(min, { error: `expected ${min} to ${max}` })
    .max(max, { error: `expected ${min} to ${max}` });

const createSchema = z.strictObject({
  name: z.string({ error: 'expected the queue name' }),
  visibilityTimeout: seconds(0, MAX_VISIBILITY_SEC).optional(),
  maxReceiveCount: z
    .number()
    .int()
    .min(1, { error: 'expected 1 to 1000' })
    .max(1000, { error: 'expected 1 to 1000' })
    .nullable()
    .optional(),
  deadLetterQueue: z.string({ error: 'expected a queue name' }).nullable().optional(),
  retention: seconds(MIN_RETENTION_SEC, MAX_RETENTION_SEC).optional(),
  delay: seconds(0, MAX_DELAY_SEC).optional(),
  dedupeWindow: seconds(0, 24 * 3600).optional(),
});

const attributeValue = z.union(
  [
    z.string(),
    z.strictObject({
      DataType: z.string(),
      StringValue: z.string().optional(),
      BinaryValue: z.string().optional(),
    }),
  ],
  { error: 'expected a string, or {DataType, StringValue | BinaryValue}' },
);

const messageSchema = z.strictObject({
  body: z.string({ error: 'expected the message body (a string)' }),
  delaySeconds: seconds(0, MAX_DELAY_SEC).optional(),
  attributes: z
    .record(z.string(), attributeValue, { error: 'expected a map of attribute name to value' })
    .optional(),
  dedupeId: z.string().min(1).max(128, { error: 'expected at most 128 characters' }).optional(),
});

const sendSchema = z.union(
  [
    z.strictObject({ entries: z.array(messageSchema, { error: 'expected a list of messages' }) }),
    messageSchema,
  ],
  {
    error: 'expected {body, delaySeconds?, attributes?, dedupeId?} or {entries: [...]}',
  },
);

const receiveSchema = z.strictObject({
  max: z
    .number()
    .int()
    .min(1, { error: 'expected 1 to 10' })
    .max(10, { error: 'expected 1 to 10' })
    .optional(),
  visibilityTimeout: seconds(0, MAX_VISIBILITY_SEC).optional(),
  waitTime: seconds(0, MAX_WAIT_SEC).optional(),
});

const deleteSchema = z.strictObject({
  receiptHandle: z.string({ error: 'expected the receipt handle' }).min(1),
});

type MessageBody = z.infer<typeof messageSchema>;

function toSendInput(m: MessageBody): SendInput {
  checkMessageContents(m.body, 'body');
  const raw: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(m.attributes ?? {}))
    raw[name] = typeof v === 'string' ? { DataType: 'String', StringValue: v } : v;
  const attributes: Record<string, MessageAttribute> = parseMessageAttributes(raw, 'attributes');
  const input: SendInput = { body: m.body, attributes };
  if (m.delaySeconds !== undefined) input.delaySec = m.delaySeconds;
  if (m.dedupeId !== undefined) input.dedupeId = m.dedupeId;
  return input;
}

const name = (params: Record<string, string | undefined>) => params.name ?? '';

export function queueRoutes(queues: QueueService, views: QueueViews): ControlRoute[] {
  return [
    {
      method: 'GET',
      path: '/queues',
      authorize: { action: 'queue:List', resource: () => 'gust:queue:*' },
      handler: async (_req, res, ctx) => sendJson(res, 200, { queues: await views.list() }, ctx.requestId),
    },
    {
      method: 'POST',
      path: '/queues',
      authorize: { inHandler: 'queue:Create on the queue named in the body' },
      handler: async (req, res, ctx) => {
        const body = await readJsonBody(req, createSchema);
        ctx.auth.require('queue:Create', `gust:queue:${body.name}`);
        checkNotFifo(body.name);
        checkWritable(body.name);
        checkQueueName(body.name);
        const existing = (await queues.listQueues(body.name)).find((q) => q.name === body.name);
        const config: Partial<QueueConfig> = { ...existing?.config };
        if (body.visibilityTimeout !== undefined) config.visibilityTimeoutSec = body.visibilityTimeout;
        if (body.maxReceiveCount !== undefined) config.maxReceiveCount = body.maxReceiveCount;
        if (body.deadLetterQueue !== undefined) config.deadLetterQueue = body.deadLetterQueue;
        if (body.retention !== undefined) config.retentionSec = body.retention;
        if (body.delay !== undefined) config.delaySec = body.delay;
        if (body.dedupeWindow !== undefined) config.dedupeWindowSec = body.dedupeWindow;
        const dlq = config.deadLetterQueue;
        if (dlq !== undefined && dlq !== null) {
          if (dlq === body.name)
            throw invalid('deadLetterQueue', 'a queue cannot be its own dead-letter queue.');
          if (!(await queues.listQueues(dlq)).some((q) => q.name === dlq)) {
            throw invalid('deadLetterQueue', `queue '${dlq}' does not exist; create it first.`);
          }
        }
        await queues.putQueue(body.name, config, existing ? {} : { kind: 'user', owner: null });
        sendJson(res, existing ? 200 : 201, await views.one(body.name), ctx.requestId);
      },
    },
    {
      method: 'GET',
      path: '/queues/:name',
      authorize: { action: 'queue:Get', resource: (p) => `gust:queue:${p.name ?? ''}` },
      handler: async (_req, res, ctx, params) =>
        sendJson(res, 200, await views.one(name(params)), ctx.requestId),
    },
    {
      method: 'DELETE',
      path: '/queues/:name',
      authorize: { action: 'queue:Delete', resource: (p) => `gust:queue:${p.name ?? ''}` },
      handler: async (_req, res, ctx, params) => {
        checkWritable(name(params));
        checkNotConsumed(name(params), views.consumers(name(params)));
        await queues.deleteQueue(name(params));
        send(res, 204, {}, null, ctx.requestId);
      },
    },
    {
      method: 'POST',
      path: '/queues/:name/messages',
      authorize: { action: 'queue:Send', resource: (p) => `gust:queue:${p.name ?? ''}` },
      handler: async (req, res, ctx, params) => {
        const queue = name(params);
        checkWritable(queue);
        await queues.getQueue(queue);
        const body = await readJsonBody(req, sendSchema);
        const entries = 'entries' in body ? body.entries : [body];
        checkBatchSize(entries);
        const inputs = entries.map(toSendInput);
        const results = await queues.send(queue, inputs);
        const messages = results.map((r, i) => ({
          id: r.id,
          duplicate: r.duplicate,
          md5OfBody: md5OfBody(inputs[i]?.body ?? ''),
        }));
        sendJson(res, 200, { messages }, ctx.requestId);
      },
    },
    {
      method: 'GET',
      path: '/queues/:name/messages',
      authorize: { action: 'queue:ReadMessages', resource: (p) => `gust:queue:${p.name ?? ''}` },
      handler: async (_req, res, ctx, params) => {
        const limit = integerParam(new URLSearchParams(ctx.query), 'limit', { min: 1, max: 1000 }) ?? 50;
        sendJson(res, 200, { messages: await views.peek(name(params), limit) }, ctx.requestId);
      },
    },
    {
      method: 'POST',
      path: '/queues/:name/receive',
      authorize: { action: 'queue:Receive', resource: (p) => `gust:queue:${p.name ?? ''}` },
      handler: async (req, res, ctx, params) => {
        const queue = name(params);
        checkConsumable(queue);
        const body = await readJsonBody(req, receiveSchema);
        const abort = new AbortController();
        res.once('close', () => abort.abort());
        const leased = await queues.receive(queue, {
          ...(body.max !== undefined ? { max: body.max } : {}),
          ...(body.visibilityTimeout !== undefined ? { visibilityTimeoutSec: body.visibilityTimeout } : {}),
          ...(body.waitTime !== undefined ? { waitTimeSec: body.waitTime } : {}),
          signal: abort.signal,
        });
        const messages = leased.map((m) => ({ ...messageView(m), receiptHandle: m.receiptHandle }));
        sendJson(res, 200, { messages }, ctx.requestId);
      },
    },
    {
      method: 'DELETE',
      path: '/queues/:name/messages',
      authorize: { action: 'queue:DeleteMessage', resource: (p) => `gust:queue:${p.name ?? ''}` },
      handler: async (req, res, ctx, params) => {
        const queue = name(params);
        checkConsumable(queue);
        // The handle may also come as ?receiptHandle= for clients that send no body with DELETE.
        const fromQuery = new URLSearchParams(ctx.query).get('receiptHandle');
        const { receiptHandle } = fromQuery
          ? { receiptHandle: fromQuery }
          : await readJsonBody(req, deleteSchema);
        if (!(await queues.deleteMessage(queue, receiptHandle))) {
          throw new GustError(
            'ERR_INVALID_RECEIPT_HANDLE',
            `Receipt handle ${receiptHandle} does not hold a message of '${queue}': it was deleted, moved or received again. Receive the message again.`,
            { details: { parameter: 'receiptHandle' } },
          );
        }
        send(res, 204, {}, null, ctx.requestId);
      },
    },
    {
      method: 'POST',
      path: '/queues/:name/purge',
      authorize: { action: 'queue:Purge', resource: (p) => `gust:queue:${p.name ?? ''}` },
      handler: async (_req, res, ctx, params) => {
        const queue = name(params);
        checkConsumable(queue);
        sendJson(res, 200, { purged: await queues.purge(queue) }, ctx.requestId);
      },
    },
  ];
}

function invalid(parameter: string, reason: string): GustError {
  return new GustError('ERR_INVALID_PARAMETER', `${parameter}: ${reason}`, { details: { parameter } });
}
