import { isGustError } from '../core/errors.js';
import type { LeasedMessage } from '../store/queue-repository.js';
import { checkBatchSize, checkMessage, MAX_MESSAGE_BYTES, messageSize } from './limits.js';
import { checkConsumable, checkWritable } from './queue-access.js';
import type { SendInput } from './queue-service.js';
import { queueArn } from './sqs-attributes.js';
import { type SqsDeps, type SqsOperation, targetQueue } from './sqs-context.js';
import { sqsError, sqsErrorName } from './sqs-errors.js';
import {
  checkMessageContents,
  invalidParameter,
  optionalInteger,
  optionalObject,
  optionalString,
  optionalStringList,
  parseMessageAttributes,
  requiredList,
  requiredString,
  type SqsInput,
  selectAttributes,
} from './sqs-input.js';
import { md5OfBody, md5OfMessageAttributes } from './sqs-md5.js';

/**
 * SendMessage(Batch), ReceiveMessage, DeleteMessage(Batch), ChangeMessageVisibility(Batch): the
 * SQS JSON shapes mapped onto the queue service. Batches answer per entry (Successful / Failed),
 * as SQS does, so one bad entry does not fail the others.
 */

const RECEIPT_HANDLE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BATCH_ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;
const DEDUPE_ID = /^[\x21-\x7E]{1,128}$/;
const SYSTEM_ATTRIBUTES = [
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'MessageDeduplicationId',
  'DeadLetterQueueSourceArn',
] as const;

/** A handle Gust could have issued: anything else is ReceiptHandleIsInvalid, as in SQS. */
function checkReceiptHandle(handle: string): void {
  if (!RECEIPT_HANDLE.test(handle)) {
    throw sqsError(
      'ERR_INVALID_RECEIPT_HANDLE',
      'ReceiptHandleIsInvalid',
      `The receipt handle '${handle.slice(0, 100)}' is not one Gust issued.`,
    );
  }
}

function notInFlight(handle: string) {
  return invalidParameter(
    'ReceiptHandle',
    `the message of receipt handle ${handle} does not exist or is not available for a visibility timeout change (it was deleted, moved or received again).`,
  );
}

/** One entry's SendMessage fields as the queue service takes them (checked, size included). */
function sendInput(entry: SqsInput): SendInput {
  const body = requiredString(entry, 'MessageBody');
  checkMessageContents(body, 'MessageBody');
  const attributes = parseMessageAttributes(entry.MessageAttributes, 'MessageAttributes');
  const delaySec = optionalInteger(entry, 'DelaySeconds', 0, 900);
  const dedupeId = optionalString(entry, 'MessageDeduplicationId');
  if (dedupeId !== undefined && !DEDUPE_ID.test(dedupeId)) {
    throw invalidParameter('MessageDeduplicationId', 'expected 1 to 128 printable ASCII characters.');
  }
  // Accepted for compatibility; standard queues have no ordering to honour them with.
  optionalString(entry, 'MessageGroupId');
  optionalObject(entry, 'MessageSystemAttributes');
  checkMessage(body, attributes, delaySec);
  const input: SendInput = { body, attributes };
  if (delaySec !== undefined) input.delaySec = delaySec;
  if (dedupeId !== undefined) input.dedupeId = dedupeId;
  return input;
}

function sentOutput(input: SendInput, messageId: string): Record<string, unknown> {
  const out: Record<string, unknown> = { MessageId: messageId, MD5OfMessageBody: md5OfBody(input.body) };
  const md5 = md5OfMessageAttributes(input.attributes ?? {});
  if (md5 !== undefined) out.MD5OfMessageAttributes = md5;
  return out;
}

/** Checks entry ids: 1 to 10 entries, each id well-formed and distinct. */
function checkEntries(entries: readonly SqsInput[]): string[] {
  checkBatchSize(entries);
  const ids = entries.map((e) => e.Id);
  for (const id of ids) {
    if (typeof id !== 'string' || !BATCH_ENTRY_ID.test(id)) {
      throw sqsError(
        'ERR_INVALID_PARAMETER',
        'InvalidBatchEntryId',
        `Batch entry id ${JSON.stringify(id)} is not valid: use 1 to 80 letters, digits, - and _.`,
        { parameter: 'Entries.Id' },
      );
    }
  }
  const seen = new Set<string>();
  for (const id of ids as string[]) {
    if (seen.has(id)) {
      throw sqsError(
        'ERR_INVALID_PARAMETER',
        'BatchEntryIdsNotDistinct',
        `Batch entry id '${id}' is used twice.`,
        {
          parameter: 'Entries.Id',
        },
      );
    }
    seen.add(id);
  }
  return ids as string[];
}

function failure(id: string, error: unknown): Record<string, unknown> {
  if (!isGustError(error)) throw error;
  return { Id: id, SenderFault: error.status < 500, Code: sqsErrorName(error), Message: error.message };
}

export function createMessageOperations(deps: SqsDeps): Record<string, SqsOperation> {
  const { queues } = deps;

  const messageOutput = (m: LeasedMessage, attributeNames: string[], systemNames: string[]) => {
    const out: Record<string, unknown> = {
      MessageId: m.id,
      ReceiptHandle: m.receiptHandle,
      MD5OfBody: md5OfBody(m.body),
      Body: m.body,
    };
    const all = systemNames.includes('All');
    const system: Record<(typeof SYSTEM_ATTRIBUTES)[number], string | undefined> = {
      SenderId: deps.accountId,
      SentTimestamp: String(m.sentAt),
      ApproximateReceiveCount: String(m.receiveCount),
      ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? m.sentAt),
      MessageDeduplicationId: m.dedupeId ?? undefined,
      DeadLetterQueueSourceArn: m.sourceQueue === null ? undefined : queueArn(m.sourceQueue, deps),
    };
    const attributes: Record<string, string> = {};
    for (const name of SYSTEM_ATTRIBUTES) {
      const value = system[name];
      if ((all || systemNames.includes(name)) && value !== undefined) attributes[name] = value;
    }
    if (Object.keys(attributes).length > 0) out.Attributes = attributes;
    const selected = selectAttributes(m.attributes, attributeNames);
    const md5 = md5OfMessageAttributes(selected);
    if (md5 !== undefined) {
      out.MD5OfMessageAttributes = md5;
      out.MessageAttributes = selected;
    }
    return out;
  };

  return {
    async SendMessage(input) {
      const queue = targetQueue(input);
      checkWritable(queue);
      await queues.getQueue(queue);
      const message = sendInput(input);
      const [result] = await queues.send(queue, [message]);
      return sentOutput(message, result?.id ?? '');
    },

    async SendMessageBatch(input) {
      const queue = targetQueue(input);
      checkWritable(queue);
      const entries = requiredList(input, 'Entries');
      const ids = checkEntries(entries);
      await queues.getQueue(queue);
      const failed: Record<string, unknown>[] = [];
      const accepted: { id: string; message: SendInput }[] = [];
      let total = 0;
      entries.forEach((entry, i) => {
        const id = ids[i] as string;
        try {
          const message = sendInput(entry);
          total += messageSize(message.body, message.attributes ?? {});
          accepted.push({ id, message });
        } catch (error) {
          failed.push(failure(id, error));
        }
      });
      if (total > MAX_MESSAGE_BYTES) {
        throw sqsError(
          'ERR_MESSAGE_TOO_LARGE',
          'BatchRequestTooLong',
          `The batch's messages total ${total} bytes; a batch may hold at most ${MAX_MESSAGE_BYTES} bytes (256 KB).`,
          { size: total, limit: MAX_MESSAGE_BYTES },
        );
      }
      const results =
        accepted.length > 0
          ? await queues.send(
              queue,
              accepted.map((a) => a.message),
            )
          : [];
      const successful = accepted.map((a, i) => ({
        Id: a.id,
        ...sentOutput(a.message, results[i]?.id ?? ''),
      }));
      return { Successful: successful, Failed: failed };
    },

    async ReceiveMessage(input, ctx) {
      const queue = targetQueue(input);
      checkConsumable(queue);
      const max = optionalInteger(input, 'MaxNumberOfMessages', 1, 10);
      const visibility = optionalInteger(input, 'VisibilityTimeout', 0, 43_200);
      const wait = optionalInteger(input, 'WaitTimeSeconds', 0, 20);
      const attributeNames = optionalStringList(input, 'MessageAttributeNames') ?? [];
      const systemNames = [
        ...(optionalStringList(input, 'AttributeNames') ?? []),
        ...(optionalStringList(input, 'MessageSystemAttributeNames') ?? []),
      ];
      optionalString(input, 'ReceiveRequestAttemptId');
      const messages = await queues.receive(queue, {
        ...(max !== undefined ? { max } : {}),
        ...(visibility !== undefined ? { visibilityTimeoutSec: visibility } : {}),
        ...(wait !== undefined ? { waitTimeSec: wait } : {}),
        signal: ctx.signal,
      });
      // SQS leaves Messages out of an empty answer.
      if (messages.length === 0) return {};
      return { Messages: messages.map((m) => messageOutput(m, attributeNames, systemNames)) };
    },

    async DeleteMessage(input) {
      const queue = targetQueue(input);
      checkConsumable(queue);
      const handle = requiredString(input, 'ReceiptHandle');
      checkReceiptHandle(handle);
      // As in SQS, a handle whose lease was superseded deletes nothing and still succeeds.
      await queues.deleteMessage(queue, handle);
      return {};
    },

    async DeleteMessageBatch(input) {
      const queue = targetQueue(input);
      checkConsumable(queue);
      const entries = requiredList(input, 'Entries');
      const ids = checkEntries(entries);
      const failed: Record<string, unknown>[] = [];
      const valid: { id: string; handle: string }[] = [];
      entries.forEach((entry, i) => {
        const id = ids[i] as string;
        try {
          const handle = requiredString(entry, 'ReceiptHandle');
          checkReceiptHandle(handle);
          valid.push({ id, handle });
        } catch (error) {
          failed.push(failure(id, error));
        }
      });
      if (valid.length > 0)
        await queues.deleteMessages(
          queue,
          valid.map((v) => v.handle),
        );
      else await queues.getQueue(queue);
      return { Successful: valid.map((v) => ({ Id: v.id })), Failed: failed };
    },

    async ChangeMessageVisibility(input) {
      const queue = targetQueue(input);
      checkConsumable(queue);
      const handle = requiredString(input, 'ReceiptHandle');
      checkReceiptHandle(handle);
      const timeout = optionalInteger(input, 'VisibilityTimeout', 0, 43_200);
      if (timeout === undefined) throw invalidParameter('VisibilityTimeout', 'is required.');
      if (!(await queues.changeVisibility(queue, handle, timeout))) throw notInFlight(handle);
      return {};
    },

    async ChangeMessageVisibilityBatch(input) {
      const queue = targetQueue(input);
      checkConsumable(queue);
      const entries = requiredList(input, 'Entries');
      const ids = checkEntries(entries);
      await queues.getQueue(queue);
      const successful: Record<string, unknown>[] = [];
      const failed: Record<string, unknown>[] = [];
      for (const [i, entry] of entries.entries()) {
        const id = ids[i] as string;
        try {
          const handle = requiredString(entry, 'ReceiptHandle');
          checkReceiptHandle(handle);
          const timeout = optionalInteger(entry, 'VisibilityTimeout', 0, 43_200);
          if (timeout === undefined) throw invalidParameter('VisibilityTimeout', 'is required.');
          if (!(await queues.changeVisibility(queue, handle, timeout))) throw notInFlight(handle);
          successful.push({ Id: id });
        } catch (error) {
          failed.push(failure(id, error));
        }
      }
      return { Successful: successful, Failed: failed };
    },
  };
}
