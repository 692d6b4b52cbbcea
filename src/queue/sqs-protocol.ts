import { ACTIONS } from '../auth/policy/actions.js';
import { isGustError } from '../core/errors.js';
import type { AwsJsonService } from '../gateway/types.js';
import type { SqsDeps, SqsOperation } from './sqs-context.js';
import { queryErrorHeader, sqsError, toSqsError } from './sqs-errors.js';
import { queueNameFromUrl, requiredString } from './sqs-input.js';
import { createMessageOperations } from './sqs-message-operations.js';
import { createQueueOperations } from './sqs-queue-operations.js';

export type { SqsDeps } from './sqs-context.js';

/** SQS operations that exist but that Gust does not implement: each is refused by name. */
const NOT_IMPLEMENTED = new Set([
  'AddPermission',
  'RemovePermission',
  'TagQueue',
  'UntagQueue',
  'CancelMessageMoveTask',
]);

/** SQS operation → the Gust action that guards it, from the catalogue's `operations`. */
const SQS_ACTIONS: ReadonlyMap<string, string> = new Map(
  ACTIONS.flatMap((action) =>
    action.operations.filter((op) => op.startsWith('SQS ')).map((op) => [op.slice(4), action.name] as const),
  ),
);

/** The queue name at the end of a queue ARN (`arn:aws:sqs:REGION:ACCOUNT:NAME`). */
function queueOfArn(arn: string): string {
  return arn.slice(arn.lastIndexOf(':') + 1);
}

/**
 * The SQS JSON protocol (`X-Amz-Target: AmazonSQS.Operation`) over Gust's durable queues, so
 * @aws-sdk/client-sqs (and the other AWS SDKs, which all speak SQS's JSON protocol now) work
 * unchanged against Gust's endpoint. Errors carry SQS's `__type` (`com.amazonaws.sqs#Name`), its
 * status, and the `x-amzn-query-error` header the SDKs use to name the exception.
 */
export function createSqsService(deps: SqsDeps): AwsJsonService {
  const operations: Record<string, SqsOperation> = {
    ...createQueueOperations(deps),
    ...createMessageOperations(deps),
  };
  return {
    targetPrefix: 'AmazonSQS',
    authorize(operation, input, ctx) {
      const action = SQS_ACTIONS.get(operation);
      // Operations Gust does not implement need no right: handle() refuses them by name.
      if (action === undefined) return;
      try {
        if (operation === 'ListQueues') {
          ctx.auth.require(action, 'gust:queue:*');
          return;
        }
        if (operation === 'StartMessageMoveTask') {
          ctx.auth.require(action, `gust:queue:${queueOfArn(requiredString(input, 'SourceArn'))}`);
          const destination = input.DestinationArn;
          if (typeof destination === 'string' && destination !== '') {
            ctx.auth.require('queue:Send', `gust:queue:${queueOfArn(destination)}`);
          }
          return;
        }
        const name =
          operation === 'ListMessageMoveTasks'
            ? queueOfArn(requiredString(input, 'SourceArn'))
            : operation === 'CreateQueue' || operation === 'GetQueueUrl'
              ? requiredString(input, 'QueueName')
              : queueNameFromUrl(requiredString(input, 'QueueUrl'));
        ctx.auth.require(action, `gust:queue:${name}`);
      } catch (error) {
        throw isGustError(error) ? toSqsError(error) : error;
      }
    },
    async handle(operation, input, ctx) {
      const run = Object.hasOwn(operations, operation) ? operations[operation] : undefined;
      try {
        if (run === undefined) {
          if (NOT_IMPLEMENTED.has(operation)) {
            throw sqsError(
              'ERR_BAD_REQUEST',
              'UnsupportedOperation',
              `Gust does not implement the SQS operation ${operation}.`,
            );
          }
          throw sqsError('ERR_NOT_FOUND', 'InvalidAction', `There is no SQS operation '${operation}'.`);
        }
        return await run(input, ctx);
      } catch (error) {
        throw isGustError(error) ? toSqsError(error) : error;
      }
    },
    errorHeaders: queryErrorHeader,
  };
}
