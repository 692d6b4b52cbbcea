import { isGustError } from '../core/errors.js';
import type { AwsJsonService } from '../gateway/types.js';
import type { SqsDeps, SqsOperation } from './sqs-context.js';
import { queryErrorHeader, sqsError, toSqsError } from './sqs-errors.js';
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
