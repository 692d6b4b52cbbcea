import type { ActionInfo } from './actions.js';

/**
 * Actions on workflows (Amazon States Language state machines, docs/workflows.md). A workflow's
 * executions and its tasks' callbacks are authorized on the workflow, `gust:workflow:NAME`.
 */
export const WORKFLOW_ACTIONS: readonly ActionInfo[] = [
  {
    name: 'workflows:Start',
    resource: 'gust:workflow:NAME',
    access: 'write',
    description: 'Start an execution of a workflow.',
    operations: [
      'POST /_gust/v1/workflows/{name}/executions',
      'StepFunctions StartExecution',
      'StepFunctions StartSyncExecution',
    ],
    aws: ['states:StartExecution', 'states:StartSyncExecution'],
  },
  {
    name: 'workflows:Describe',
    resource: 'gust:workflow:NAME',
    access: 'read',
    description: 'Describe a workflow or one of its executions.',
    operations: [
      'GET /_gust/v1/workflows/{name}',
      'GET /_gust/v1/workflows/{name}/executions/{execution}',
      'StepFunctions DescribeStateMachine',
      'StepFunctions DescribeExecution',
    ],
    aws: ['states:DescribeStateMachine', 'states:DescribeExecution'],
  },
  {
    name: 'workflows:ReadHistory',
    resource: 'gust:workflow:NAME',
    access: 'read',
    description: "Read an execution's history of state transitions.",
    operations: [
      'GET /_gust/v1/workflows/{name}/executions/{execution}/history',
      'StepFunctions GetExecutionHistory',
    ],
    aws: ['states:GetExecutionHistory'],
  },
  {
    name: 'workflows:ListExecutions',
    resource: 'gust:workflow:NAME',
    access: 'read',
    description: "List a workflow's executions.",
    operations: ['GET /_gust/v1/workflows/{name}/executions', 'StepFunctions ListExecutions'],
    aws: ['states:ListExecutions'],
  },
  {
    name: 'workflows:List',
    resource: 'gust:workflow:*',
    access: 'read',
    description: 'List every workflow.',
    operations: ['GET /_gust/v1/workflows', 'StepFunctions ListStateMachines'],
    aws: ['states:ListStateMachines'],
  },
  {
    name: 'workflows:Validate',
    resource: 'gust:workflow:*',
    access: 'read',
    description: 'Check a workflow definition without storing it.',
    operations: ['StepFunctions ValidateStateMachineDefinition'],
    aws: ['states:ValidateStateMachineDefinition'],
  },
  {
    name: 'workflows:Create',
    resource: 'gust:workflow:NAME',
    access: 'write',
    description: 'Create a workflow or change its definition (also when a deploy declares it).',
    operations: [
      'PUT /_gust/v1/workflows/{name}',
      'StepFunctions CreateStateMachine',
      'StepFunctions UpdateStateMachine',
    ],
    aws: ['states:CreateStateMachine', 'states:UpdateStateMachine'],
  },
  {
    name: 'workflows:Delete',
    resource: 'gust:workflow:NAME',
    access: 'write',
    description: 'Delete a workflow (its running executions continue).',
    operations: ['DELETE /_gust/v1/workflows/{name}', 'StepFunctions DeleteStateMachine'],
    aws: ['states:DeleteStateMachine'],
  },
  {
    name: 'workflows:Stop',
    resource: 'gust:workflow:NAME',
    access: 'write',
    description: 'Stop a running execution.',
    operations: [
      'POST /_gust/v1/workflows/{name}/executions/{execution}/stop',
      'StepFunctions StopExecution',
    ],
    aws: ['states:StopExecution'],
  },
  {
    name: 'workflows:Redrive',
    resource: 'gust:workflow:NAME',
    access: 'write',
    description: 'Run a failed, timed-out or stopped execution again from where it ended.',
    operations: [
      'POST /_gust/v1/workflows/{name}/executions/{execution}/redrive',
      'StepFunctions RedriveExecution',
    ],
    aws: ['states:RedriveExecution'],
  },
  {
    name: 'workflows:SendTaskResult',
    resource: 'gust:workflow:NAME',
    access: 'write',
    description: 'Complete, fail or heartbeat a task waiting for a callback token.',
    operations: [
      'POST /_gust/v1/tasks/success',
      'POST /_gust/v1/tasks/failure',
      'POST /_gust/v1/tasks/heartbeat',
      'StepFunctions SendTaskSuccess',
      'StepFunctions SendTaskFailure',
      'StepFunctions SendTaskHeartbeat',
    ],
    aws: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
  },
];
