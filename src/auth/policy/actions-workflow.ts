import type { ActionInfo } from './actions.js';

/**
 * Actions on workflows (upcoming: Amazon States Language state machines). A workflow's executions
 * are authorized on the workflow, `gust:workflow:NAME`.
 */
export const WORKFLOW_ACTIONS: readonly ActionInfo[] = [
  {
    name: 'workflows:Start',
    resource: 'gust:workflow:NAME',
    access: 'write',
    description: 'Start an execution of a workflow.',
    operations: [],
    aws: ['states:StartExecution', 'states:StartSyncExecution'],
    upcoming: true,
  },
  {
    name: 'workflows:Describe',
    resource: 'gust:workflow:NAME',
    access: 'read',
    description: 'Describe a workflow or one of its executions.',
    operations: [],
    aws: ['states:DescribeStateMachine', 'states:DescribeExecution'],
    upcoming: true,
  },
  {
    name: 'workflows:ReadHistory',
    resource: 'gust:workflow:NAME',
    access: 'read',
    description: "Read an execution's history of state transitions.",
    operations: [],
    aws: ['states:GetExecutionHistory'],
    upcoming: true,
  },
  {
    name: 'workflows:ListExecutions',
    resource: 'gust:workflow:NAME',
    access: 'read',
    description: "List a workflow's executions.",
    operations: [],
    aws: ['states:ListExecutions'],
    upcoming: true,
  },
  {
    name: 'workflows:List',
    resource: 'gust:workflow:*',
    access: 'read',
    description: 'List every workflow.',
    operations: [],
    aws: ['states:ListStateMachines'],
    upcoming: true,
  },
  {
    name: 'workflows:Stop',
    resource: 'gust:workflow:NAME',
    access: 'write',
    description: 'Stop a running execution.',
    operations: [],
    aws: ['states:StopExecution'],
    upcoming: true,
  },
  {
    name: 'workflows:SendTaskResult',
    resource: 'gust:workflow:NAME',
    access: 'write',
    description: 'Complete, fail or heartbeat a task waiting for a callback token.',
    operations: [],
    aws: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
    upcoming: true,
  },
];
