import type { Clock } from '../core/clock.js';
import type { FunctionRegistry } from '../functions/control-plane.js';
import type { GatewayExtension } from '../gateway/types.js';
import { dlqRoutes } from './dlq-api.js';
import { queueRoutes } from './queue-api.js';
import type { QueueService } from './queue-service.js';
import { createQueueViews } from './queue-views.js';
import { createSqsService } from './sqs-protocol.js';

export interface QueueExtensionDeps {
  queues: QueueService;
  registry: Pick<FunctionRegistry, 'list'>;
  clock: Clock;
  region: string;
  accountId: string;
}

/**
 * What the queue capability adds to the HTTP API: the SQS JSON protocol on Gust's endpoint
 * (`X-Amz-Target: AmazonSQS.*`) and the control API's /queues and /dlq endpoints.
 */
export function createQueueExtension(deps: QueueExtensionDeps): GatewayExtension {
  const views = createQueueViews(deps);
  return {
    controlRoutes: [...queueRoutes(deps.queues, views), ...dlqRoutes(deps.queues, views)],
    awsJson: [createSqsService(deps)],
  };
}
