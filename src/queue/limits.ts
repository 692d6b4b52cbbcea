import { GustError } from '../core/errors.js';
import type { MessageAttribute, QueueConfig } from '../store/queue-repository.js';

/** SQS's limits, which Gust keeps so that code written for SQS behaves the same. */
export const MAX_MESSAGE_BYTES = 256 * 1024;
export const MAX_BATCH = 10;
export const MAX_DELAY_SEC = 900;
export const MAX_VISIBILITY_SEC = 12 * 3600;
export const MAX_WAIT_SEC = 20;
export const MIN_RETENTION_SEC = 60;
export const MAX_RETENTION_SEC = 14 * 24 * 3600;

export const DEFAULT_QUEUE_CONFIG: QueueConfig = {
  visibilityTimeoutSec: 30,
  maxReceiveCount: null,
  deadLetterQueue: null,
  retentionSec: 4 * 24 * 3600,
  delaySec: 0,
  dedupeWindowSec: 300,
};

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;

export function checkQueueName(name: string): void {
  if (!QUEUE_NAME.test(name)) {
    throw new GustError(
      'ERR_INVALID_PARAMETER',
      `Queue name '${name}' is not valid: use 1 to 80 letters, digits, - and _.`,
      { details: { parameter: 'QueueName' }, awsType: 'InvalidParameterValue' },
    );
  }
}

function checkRange(field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new GustError(
      'ERR_INVALID_PARAMETER',
      `${field} must be a whole number from ${min} to ${max}, got ${value}.`,
      {
        details: { parameter: field },
        awsType: 'InvalidAttributeValue',
      },
    );
  }
}

/** Fills defaults and checks every field's range; names the field that is wrong. */
export function queueConfig(partial: Partial<QueueConfig> = {}): QueueConfig {
  const config: QueueConfig = { ...DEFAULT_QUEUE_CONFIG, ...partial };
  checkRange('visibilityTimeout', config.visibilityTimeoutSec, 0, MAX_VISIBILITY_SEC);
  checkRange('delay', config.delaySec, 0, MAX_DELAY_SEC);
  checkRange('retention', config.retentionSec, MIN_RETENTION_SEC, MAX_RETENTION_SEC);
  checkRange('dedupeWindow', config.dedupeWindowSec, 0, 24 * 3600);
  if (config.maxReceiveCount !== null) checkRange('maxReceiveCount', config.maxReceiveCount, 1, 1000);
  if (config.deadLetterQueue !== null) checkQueueName(config.deadLetterQueue);
  if ((config.maxReceiveCount === null) !== (config.deadLetterQueue === null)) {
    throw new GustError(
      'ERR_INVALID_PARAMETER',
      'maxReceiveCount and deadLetterQueue go together: set both, or neither.',
      { details: { parameter: config.maxReceiveCount === null ? 'maxReceiveCount' : 'deadLetterQueue' } },
    );
  }
  return config;
}

/** The size SQS counts for a message: the body plus each attribute's name, type and value. */
export function messageSize(body: string, attributes: Record<string, MessageAttribute>): number {
  let size = Buffer.byteLength(body, 'utf8');
  for (const [name, a] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(a.DataType);
    if (a.StringValue !== undefined) size += Buffer.byteLength(a.StringValue);
    if (a.BinaryValue !== undefined) size += Math.floor((a.BinaryValue.length * 3) / 4);
  }
  return size;
}

export function checkMessage(
  body: string,
  attributes: Record<string, MessageAttribute>,
  delaySec?: number,
): void {
  if (body.length === 0) {
    throw new GustError('ERR_INVALID_PARAMETER', 'A message body must not be empty.', {
      details: { parameter: 'MessageBody' },
      awsType: 'MissingParameter',
    });
  }
  const size = messageSize(body, attributes);
  if (size > MAX_MESSAGE_BYTES) {
    throw new GustError(
      'ERR_MESSAGE_TOO_LARGE',
      `The message is ${size} bytes with its attributes; the limit is ${MAX_MESSAGE_BYTES} bytes (256 KB).`,
      { details: { size, limit: MAX_MESSAGE_BYTES }, awsType: 'InvalidParameterValue' },
    );
  }
  for (const [name, a] of Object.entries(attributes)) {
    if (!/^(String|Number|Binary)(\..+)?$/.test(a.DataType ?? '')) {
      throw new GustError(
        'ERR_INVALID_PARAMETER',
        `Message attribute '${name}' has DataType '${a.DataType}'; use String, Number or Binary (optionally with .label).`,
        { details: { parameter: `MessageAttributes.${name}` }, awsType: 'InvalidParameterValue' },
      );
    }
  }
  if (delaySec !== undefined) checkRange('DelaySeconds', delaySec, 0, MAX_DELAY_SEC);
}

/** SQS's batch operations take 1 to 10 entries. */
export function checkBatchSize(entries: readonly unknown[]): void {
  if (entries.length === 0 || entries.length > MAX_BATCH) {
    throw new GustError(
      'ERR_INVALID_PARAMETER',
      `A batch holds 1 to ${MAX_BATCH} entries, got ${entries.length}.`,
      {
        details: { parameter: 'Entries' },
        awsType: entries.length === 0 ? 'EmptyBatchRequest' : 'TooManyEntriesInBatchRequest',
      },
    );
  }
}
