import type { GatewayExtension } from '../../gateway/types.js';
import type { WorkflowExecutor } from '../executor/executor.js';
import type { WorkflowEngine } from '../executor/types.js';
import { workflowRoutes } from './control-routes.js';
import { createSfnService } from './sfn-protocol.js';

/**
 * What workflows add to the HTTP API: the Step Functions JSON protocol on Gust's endpoint
 * (`X-Amz-Target: AWSStepFunctions.*`) and the control API's /workflows and /tasks endpoints.
 */
export function createWorkflowExtension(
  executor: WorkflowExecutor,
  engine: WorkflowEngine,
): GatewayExtension {
  return { controlRoutes: workflowRoutes(executor), awsJson: [createSfnService(executor, engine)] };
}
