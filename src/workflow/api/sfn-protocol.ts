import { GustError, isGustError } from '../../core/errors.js';
import type { AwsJsonContext, AwsJsonService } from '../../gateway/types.js';
import type { WorkflowExecutor } from '../executor/executor.js';
import type { WorkflowEngine } from '../executor/types.js';
import { requiredString, type SfnInput, toSfnError } from './sfn-input.js';
import { createSfnOperations } from './sfn-operations.js';

/**
 * The action each operation needs and where its workflow is: a state machine ARN or name field, an
 * execution ARN, every workflow (`*`), or the task token (checked in `handle`, once the token is
 * looked up: authorization cannot wait for the store).
 */
const RULES: Record<
  string,
  { action: string; from: 'name' | 'stateMachineArn' | 'executionArn' | '*' | 'token' }
> = {
  CreateStateMachine: { action: 'workflows:Create', from: 'name' },
  UpdateStateMachine: { action: 'workflows:Create', from: 'stateMachineArn' },
  DeleteStateMachine: { action: 'workflows:Delete', from: 'stateMachineArn' },
  ListStateMachines: { action: 'workflows:List', from: '*' },
  DescribeStateMachine: { action: 'workflows:Describe', from: 'stateMachineArn' },
  ValidateStateMachineDefinition: { action: 'workflows:Validate', from: '*' },
  StartExecution: { action: 'workflows:Start', from: 'stateMachineArn' },
  StartSyncExecution: { action: 'workflows:Start', from: 'stateMachineArn' },
  DescribeExecution: { action: 'workflows:Describe', from: 'executionArn' },
  StopExecution: { action: 'workflows:Stop', from: 'executionArn' },
  RedriveExecution: { action: 'workflows:Redrive', from: 'executionArn' },
  ListExecutions: { action: 'workflows:ListExecutions', from: 'stateMachineArn' },
  GetExecutionHistory: { action: 'workflows:ReadHistory', from: 'executionArn' },
  SendTaskSuccess: { action: 'workflows:SendTaskResult', from: 'token' },
  SendTaskFailure: { action: 'workflows:SendTaskResult', from: 'token' },
  SendTaskHeartbeat: { action: 'workflows:SendTaskResult', from: 'token' },
};

const unknown = (operation: string) =>
  new GustError('ERR_NOT_FOUND', `Gust does not implement the Step Functions operation '${operation}'.`, {
    awsType: 'UnknownOperationException',
  });

/**
 * The Step Functions JSON protocol (`X-Amz-Target: AWSStepFunctions.Operation`), so
 * @aws-sdk/client-sfn works unchanged against Gust. Times are epoch seconds; errors carry Step
 * Functions' exception names (StateMachineDoesNotExist, ExecutionAlreadyExists, InvalidArn, ...).
 */
export function createSfnService(executor: WorkflowExecutor, engine: WorkflowEngine): AwsJsonService {
  const operations = createSfnOperations(executor, engine);
  const { arns } = executor;

  /** For callbacks: the token's workflow, or every workflow for a token that names none. */
  const authorizeToken = async (action: string, input: SfnInput, ctx: AwsJsonContext) => {
    const workflow = await executor.tokenWorkflow(requiredString(input, 'taskToken'));
    ctx.auth.require(action, `gust:workflow:${workflow ?? '*'}`);
  };

  return {
    targetPrefix: 'AWSStepFunctions',
    authorize(operation, input, ctx) {
      const rule = Object.hasOwn(RULES, operation) ? RULES[operation] : undefined;
      if (rule === undefined) throw unknown(operation);
      try {
        if (rule.from === 'token') return;
        const workflow =
          rule.from === '*'
            ? '*'
            : rule.from === 'name'
              ? requiredString(input, 'name')
              : rule.from === 'stateMachineArn'
                ? arns.parseStateMachine(requiredString(input, 'stateMachineArn'))
                : arns.parseExecution(requiredString(input, 'executionArn')).workflow;
        ctx.auth.require(rule.action, `gust:workflow:${workflow}`);
      } catch (error) {
        throw isGustError(error) ? toSfnError(error) : error;
      }
    },
    async handle(operation, input, ctx) {
      const run = Object.hasOwn(operations, operation) ? operations[operation] : undefined;
      try {
        if (run === undefined) throw unknown(operation);
        const rule = RULES[operation];
        if (rule?.from === 'token') await authorizeToken(rule.action, input, ctx);
        return await run(input, ctx.signal);
      } catch (error) {
        throw isGustError(error) ? toSfnError(error) : error;
      }
    },
  };
}
