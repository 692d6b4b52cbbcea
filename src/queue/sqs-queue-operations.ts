import { isGustError } from '../core/errors.js';
import { timeOrderedUuid } from '../core/ids.js';
import type { QueueConfig, QueueRecord } from '../store/queue-repository.js';
import { deadLetterQueues, sourceQueuesOf } from './dead-letter-queues.js';
import { checkQueueName } from './limits.js';
import {
  checkConsumable,
  checkNotConsumed,
  checkNotFifo,
  checkWritable,
  consumersOf,
} from './queue-access.js';
import { configFromAttributes, differingAttribute, queueArn, queueAttributes } from './sqs-attributes.js';
import { queueUrl, type SqsDeps, type SqsOperation, targetQueue } from './sqs-context.js';
import { sqsError } from './sqs-errors.js';
import {
  invalidParameter,
  optionalInteger,
  optionalObject,
  optionalString,
  optionalStringList,
  queueNameFromArn,
  requiredString,
} from './sqs-input.js';
import { isSystemQueue, SYSTEM_PREFIX } from './system-queues.js';

/**
 * The queue-level SQS operations: CreateQueue, GetQueueUrl, ListQueues, DeleteQueue,
 * Get/SetQueueAttributes, PurgeQueue, ListDeadLetterSourceQueues, and redrive as SQS's message move
 * tasks (StartMessageMoveTask, ListMessageMoveTasks). Gust's own queues are listed only when the
 * prefix asks for `gust-`, and cannot be created, changed or deleted here.
 */

/** A finished redrive, as ListMessageMoveTasks reports it. Gust moves synchronously, so every task is COMPLETED. */
interface MoveTask {
  handle: string;
  source: string;
  destination: string | null;
  moved: number;
  startedAt: number;
}

const MAX_REMEMBERED_TASKS = 100;

/** NextToken for list operations: the last name of the page, opaque to clients. */
const encodeToken = (name: string) => Buffer.from(name, 'utf8').toString('base64url');
const decodeToken = (token: string) => Buffer.from(token, 'base64url').toString('utf8');

function page(names: string[], input: Record<string, unknown>): { names: string[]; next?: string } {
  const max = optionalInteger(input, 'MaxResults', 1, 1000);
  const token = optionalString(input, 'NextToken');
  const after = token === undefined ? undefined : decodeToken(token);
  const rest = after === undefined ? names : names.filter((n) => n > after);
  const limit = max ?? 1000;
  const taken = rest.slice(0, limit);
  const last = taken.at(-1);
  return rest.length > limit && max !== undefined && last !== undefined
    ? { names: taken, next: encodeToken(last) }
    : { names: taken };
}

export function createQueueOperations(deps: SqsDeps): Record<string, SqsOperation> {
  const { queues } = deps;
  const tasks: MoveTask[] = [];

  const findQueue = async (name: string): Promise<QueueRecord | undefined> => {
    try {
      return await queues.getQueue(name);
    } catch (error) {
      if (isGustError(error) && error.code === 'ERR_QUEUE_NOT_FOUND') return undefined;
      throw error;
    }
  };

  /** A RedrivePolicy must name an existing queue other than the queue itself. */
  const checkDeadLetterTarget = async (name: string, config: Partial<QueueConfig>) => {
    const target = config.deadLetterQueue;
    if (target === undefined || target === null) return;
    if (target === name)
      throw invalidParameter('RedrivePolicy', 'a queue cannot be its own dead-letter queue.');
    if (!(await findQueue(target))) {
      throw invalidParameter(
        'RedrivePolicy',
        `the dead-letter target queue '${target}' does not exist; create it first.`,
      );
    }
  };

  const toTaskOutput = (t: MoveTask) => ({
    TaskHandle: t.handle,
    Status: 'COMPLETED',
    SourceArn: queueArn(t.source, deps),
    ...(t.destination === null ? {} : { DestinationArn: queueArn(t.destination, deps) }),
    ApproximateNumberOfMessagesMoved: t.moved,
    ApproximateNumberOfMessagesToMove: t.moved,
    StartedTimestamp: t.startedAt,
  });

  return {
    async CreateQueue(input, ctx) {
      const name = requiredString(input, 'QueueName');
      checkNotFifo(name);
      checkWritable(name);
      checkQueueName(name);
      const requested = configFromAttributes(optionalObject(input, 'Attributes') ?? {});
      // Tags are accepted so that tools which always send them work; Gust does not keep them.
      optionalObject(input, 'tags');
      await checkDeadLetterTarget(name, requested);
      const existing = await findQueue(name);
      if (existing) {
        const differs = differingAttribute(existing.config, requested);
        if (differs !== undefined) {
          throw sqsError(
            'ERR_CONFLICT',
            'QueueNameExists',
            `Queue '${name}' already exists with a different ${differs}. Change it with SetQueueAttributes.`,
            { queue: name },
          );
        }
      } else {
        await queues.putQueue(name, requested, { kind: 'user', owner: null });
      }
      return { QueueUrl: queueUrl(ctx.baseUrl, deps.accountId, name) };
    },

    async GetQueueUrl(input, ctx) {
      const name = requiredString(input, 'QueueName');
      optionalString(input, 'QueueOwnerAWSAccountId');
      await queues.getQueue(name);
      return { QueueUrl: queueUrl(ctx.baseUrl, deps.accountId, name) };
    },

    async ListQueues(input, ctx) {
      const prefix = optionalString(input, 'QueueNamePrefix');
      const showSystem = prefix?.startsWith(SYSTEM_PREFIX) ?? false;
      const names = (await queues.listQueues(prefix))
        .map((q) => q.name)
        .filter((n) => showSystem || !isSystemQueue(n));
      const { names: shown, next } = page(names, input);
      return {
        QueueUrls: shown.map((n) => queueUrl(ctx.baseUrl, deps.accountId, n)),
        ...(next === undefined ? {} : { NextToken: next }),
      };
    },

    async DeleteQueue(input) {
      const name = targetQueue(input);
      checkWritable(name);
      checkNotConsumed(name, consumersOf(deps.registry, name));
      await queues.deleteQueue(name);
      return {};
    },

    async GetQueueAttributes(input) {
      const name = targetQueue(input);
      const queue = await queues.getQueue(name);
      const names = optionalStringList(input, 'AttributeNames') ?? [];
      if (names.length === 0) return {};
      const attributes = queueAttributes(queue, await queues.stats(name), names, deps);
      return { Attributes: attributes };
    },

    async SetQueueAttributes(input) {
      const name = targetQueue(input);
      checkWritable(name);
      const attributes = optionalObject(input, 'Attributes');
      if (attributes === undefined) {
        throw sqsError('ERR_INVALID_PARAMETER', 'MissingParameter', 'The request must contain Attributes.', {
          parameter: 'Attributes',
        });
      }
      const queue = await queues.getQueue(name);
      const requested = configFromAttributes(attributes);
      await checkDeadLetterTarget(name, requested);
      await queues.putQueue(name, { ...queue.config, ...requested });
      return {};
    },

    async PurgeQueue(input) {
      const name = targetQueue(input);
      checkConsumable(name);
      await queues.purge(name);
      return {};
    },

    async ListDeadLetterSourceQueues(input, ctx) {
      const name = targetQueue(input);
      await queues.getQueue(name);
      const { names, next } = page(sourceQueuesOf(await queues.listQueues(), name), input);
      return {
        queueUrls: names.map((n) => queueUrl(ctx.baseUrl, deps.accountId, n)),
        ...(next === undefined ? {} : { NextToken: next }),
      };
    },

    async ListQueueTags(input) {
      await queues.getQueue(targetQueue(input));
      return {};
    },

    async StartMessageMoveTask(input) {
      const source = queueNameFromArn(requiredString(input, 'SourceArn'), 'SourceArn');
      const destinationArn = optionalString(input, 'DestinationArn');
      const destination =
        destinationArn === undefined ? null : queueNameFromArn(destinationArn, 'DestinationArn');
      optionalInteger(input, 'MaxNumberOfMessagesPerSecond', 1, 500);
      checkConsumable(source);
      await queues.getQueue(source);
      if (!deadLetterQueues(await queues.listQueues()).some((d) => d.name === source)) {
        throw invalidParameter('SourceArn', `queue '${source}' is not a dead-letter queue of any queue.`);
      }
      if (destination !== null) checkWritable(destination);
      const startedAt = deps.clock.now();
      const moved = await queues.redrive(source, destination === null ? {} : { toQueue: destination });
      const task: MoveTask = { handle: timeOrderedUuid(startedAt), source, destination, moved, startedAt };
      tasks.unshift(task);
      tasks.length = Math.min(tasks.length, MAX_REMEMBERED_TASKS);
      return { TaskHandle: task.handle };
    },

    async ListMessageMoveTasks(input) {
      const source = queueNameFromArn(requiredString(input, 'SourceArn'), 'SourceArn');
      const max = optionalInteger(input, 'MaxResults', 1, 10) ?? 1;
      await queues.getQueue(source);
      return {
        Results: tasks
          .filter((t) => t.source === source)
          .slice(0, max)
          .map(toTaskOutput),
      };
    },
  };
}
