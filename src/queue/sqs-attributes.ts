import type { QueueConfig, QueueRecord, QueueStats } from '../store/queue-repository.js';
import { MAX_MESSAGE_BYTES } from './limits.js';
import { sqsError } from './sqs-errors.js';
import { queueNameFromArn } from './sqs-input.js';

/**
 * Queue attributes in SQS's vocabulary (GetQueueAttributes, SetQueueAttributes, CreateQueue's
 * Attributes): every value is a string; RedrivePolicy is JSON text. Gust keeps the attributes that
 * have a meaning for it and refuses, naming them, those it cannot honour, rather than ignoring them.
 */
export interface SqsLocation {
  region: string;
  accountId: string;
}

export function queueArn(name: string, at: SqsLocation): string {
  return `arn:aws:sqs:${at.region}:${at.accountId}:${name}`;
}

/** Attributes GetQueueAttributes reports (`All` expands to these). */
const READABLE = [
  'QueueArn',
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'VisibilityTimeout',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'DelaySeconds',
  'ReceiveMessageWaitTimeSeconds',
  'RedrivePolicy',
  'SqsManagedSseEnabled',
] as const;

/** SQS attributes that exist but that Gust does not implement: asking for them returns nothing. */
const NOT_IMPLEMENTED = [
  'Policy',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
  'RedriveAllowPolicy',
];

function invalidName(name: string, reason: string) {
  return sqsError('ERR_INVALID_PARAMETER', 'InvalidAttributeName', `Queue attribute ${name}: ${reason}`, {
    parameter: `Attributes.${name}`,
  });
}

function invalidValue(name: string, reason: string) {
  return sqsError('ERR_INVALID_PARAMETER', 'InvalidAttributeValue', `Queue attribute ${name}: ${reason}`, {
    parameter: `Attributes.${name}`,
  });
}

export function redrivePolicyText(config: QueueConfig, at: SqsLocation): string | undefined {
  if (config.deadLetterQueue === null || config.maxReceiveCount === null) return undefined;
  return JSON.stringify({
    deadLetterTargetArn: queueArn(config.deadLetterQueue, at),
    maxReceiveCount: config.maxReceiveCount,
  });
}

/** GetQueueAttributes: the requested attributes (`All` for every one); unknown names are refused. */
export function queueAttributes(
  queue: QueueRecord,
  stats: QueueStats,
  names: readonly string[],
  at: SqsLocation,
): Record<string, string> {
  for (const name of names) {
    if (
      name !== 'All' &&
      !(READABLE as readonly string[]).includes(name) &&
      !NOT_IMPLEMENTED.includes(name)
    ) {
      throw invalidName(name, 'there is no such attribute.');
    }
  }
  const wanted = names.includes('All') ? new Set<string>(READABLE) : new Set(names);
  const seconds = (ms: number) => String(Math.floor(ms / 1000));
  const all: Record<(typeof READABLE)[number], string | undefined> = {
    QueueArn: queueArn(queue.name, at),
    ApproximateNumberOfMessages: String(stats.visible),
    ApproximateNumberOfMessagesNotVisible: String(stats.inFlight),
    ApproximateNumberOfMessagesDelayed: String(stats.delayed),
    CreatedTimestamp: seconds(queue.createdAt),
    // Gust does not record configuration changes separately from creation.
    LastModifiedTimestamp: seconds(queue.createdAt),
    VisibilityTimeout: String(queue.config.visibilityTimeoutSec),
    MaximumMessageSize: String(MAX_MESSAGE_BYTES),
    MessageRetentionPeriod: String(queue.config.retentionSec),
    DelaySeconds: String(queue.config.delaySec),
    ReceiveMessageWaitTimeSeconds: '0',
    RedrivePolicy: redrivePolicyText(queue.config, at),
    SqsManagedSseEnabled: 'false',
  };
  const out: Record<string, string> = {};
  for (const name of READABLE) {
    const value = all[name];
    if (wanted.has(name) && value !== undefined) out[name] = value;
  }
  return out;
}

function wholeNumber(name: string, raw: unknown, min: number, max: number): number {
  const text = typeof raw === 'number' ? String(raw) : raw;
  const value = typeof text === 'string' && /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw invalidValue(name, `expected a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}.`);
  }
  return value;
}

function parseRedrivePolicy(raw: unknown): Pick<QueueConfig, 'deadLetterQueue' | 'maxReceiveCount'> {
  if (raw === '' || raw === null) return { deadLetterQueue: null, maxReceiveCount: null };
  let policy: unknown = raw;
  if (typeof raw === 'string') {
    try {
      policy = JSON.parse(raw);
    } catch {
      throw invalidValue(
        'RedrivePolicy',
        'expected JSON {"deadLetterTargetArn": "arn:aws:sqs:...", "maxReceiveCount": N}.',
      );
    }
  }
  if (typeof policy !== 'object' || policy === null) {
    throw invalidValue(
      'RedrivePolicy',
      'expected JSON {"deadLetterTargetArn": "arn:aws:sqs:...", "maxReceiveCount": N}.',
    );
  }
  const { deadLetterTargetArn, maxReceiveCount } = policy as Record<string, unknown>;
  if (typeof deadLetterTargetArn !== 'string') {
    throw invalidValue('RedrivePolicy', 'deadLetterTargetArn is required (the dead-letter queue ARN).');
  }
  return {
    deadLetterQueue: queueNameFromArn(deadLetterTargetArn, 'RedrivePolicy.deadLetterTargetArn'),
    maxReceiveCount: wholeNumber('RedrivePolicy.maxReceiveCount', maxReceiveCount, 1, 1000),
  };
}

/** Fixed values Gust accepts when they are given as the value it already has. */
const FIXED: Record<string, { value: string; why: string }> = {
  ReceiveMessageWaitTimeSeconds: {
    value: '0',
    why: 'Gust has no queue-wide long-poll default; pass WaitTimeSeconds to ReceiveMessage instead.',
  },
  MaximumMessageSize: {
    value: String(MAX_MESSAGE_BYTES),
    why: `Gust's limit is fixed at ${MAX_MESSAGE_BYTES} bytes.`,
  },
  SqsManagedSseEnabled: { value: 'false', why: 'Gust does not encrypt queue data at rest.' },
  FifoQueue: { value: 'false', why: 'FIFO queues are not supported by Gust.' },
};

/**
 * The configuration changes that CreateQueue / SetQueueAttributes ask for. Whether the dead-letter
 * queue exists is checked by the caller (it needs the store).
 */
export function configFromAttributes(attributes: Record<string, unknown>): Partial<QueueConfig> {
  const config: Partial<QueueConfig> = {};
  for (const [name, raw] of Object.entries(attributes)) {
    switch (name) {
      case 'VisibilityTimeout':
        config.visibilityTimeoutSec = wholeNumber(name, raw, 0, 43_200);
        break;
      case 'MessageRetentionPeriod':
        config.retentionSec = wholeNumber(name, raw, 60, 1_209_600);
        break;
      case 'DelaySeconds':
        config.delaySec = wholeNumber(name, raw, 0, 900);
        break;
      case 'RedrivePolicy':
        Object.assign(config, parseRedrivePolicy(raw));
        break;
      case 'RedriveAllowPolicy':
        if (!/"redrivePermission"\s*:\s*"allowAll"/.test(String(raw))) {
          throw invalidValue(
            name,
            'Gust lets every queue use any dead-letter queue; only {"redrivePermission":"allowAll"} is accepted.',
          );
        }
        break;
      default: {
        const fixed = FIXED[name];
        if (fixed) {
          if (String(raw) !== fixed.value) {
            if (name === 'FifoQueue') {
              throw sqsError(
                'ERR_INVALID_PARAMETER',
                'UnsupportedOperation',
                'FIFO queues are not supported by Gust: create a standard queue (deduplication ids work on standard queues).',
              );
            }
            throw invalidValue(name, `only ${fixed.value} is accepted. ${fixed.why}`);
          }
          break;
        }
        if (NOT_IMPLEMENTED.includes(name)) throw invalidName(name, 'Gust does not support this attribute.');
        if ((READABLE as readonly string[]).includes(name))
          throw invalidName(name, 'this attribute is read-only.');
        throw invalidName(name, 'there is no such attribute.');
      }
    }
  }
  return config;
}

/**
 * For CreateQueue on an existing queue: the first attribute whose requested value differs from the
 * queue's (SQS then answers QueueNameExists), or undefined when every given one matches.
 */
export function differingAttribute(
  existing: QueueConfig,
  requested: Partial<QueueConfig>,
): string | undefined {
  const names: Record<keyof QueueConfig, string> = {
    visibilityTimeoutSec: 'VisibilityTimeout',
    retentionSec: 'MessageRetentionPeriod',
    delaySec: 'DelaySeconds',
    deadLetterQueue: 'RedrivePolicy',
    maxReceiveCount: 'RedrivePolicy',
    dedupeWindowSec: 'DedupeWindow',
  };
  for (const key of Object.keys(requested) as (keyof QueueConfig)[]) {
    if (requested[key] !== existing[key]) return names[key];
  }
  return undefined;
}
