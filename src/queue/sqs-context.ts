import type { Clock } from '../core/clock.js';
import type { FunctionRegistry } from '../functions/control-plane.js';
import type { AwsJsonContext } from '../gateway/types.js';
import type { QueueService } from './queue-service.js';
import { queueNameFromUrl, requiredString, type SqsInput } from './sqs-input.js';

/** What the SQS operations need. */
export interface SqsDeps {
  queues: QueueService;
  /** For the functions consuming a queue (which may not be deleted under them). */
  registry: Pick<FunctionRegistry, 'list'>;
  clock: Clock;
  /** Reported in queue ARNs. */
  region: string;
  accountId: string;
}

/** One SQS operation: the request's input shape in, the output shape out (errors are thrown). */
export type SqsOperation = (input: SqsInput, ctx: AwsJsonContext) => Promise<Record<string, unknown>>;

/** `${baseUrl}/${accountId}/${name}`: the form SQS uses, on the endpoint the client reached. */
export function queueUrl(baseUrl: string, accountId: string, name: string): string {
  return `${baseUrl}/${accountId}/${encodeURIComponent(name)}`;
}

/** The queue named by the request's QueueUrl. */
export function targetQueue(input: SqsInput): string {
  return queueNameFromUrl(requiredString(input, 'QueueUrl'));
}
