/**
 * The catalogue of every action Gust authorizes, named `service:Verb`. Policies name these (or
 * wildcards over them, or the AWS names in `aws`); the gateway calls `authorize` with one of them and
 * the resource it concerns. `operations` lists the API operations each action guards, so wiring a
 * route to its action is a lookup here; a test keeps it in step with docs/api.md, and another keeps
 * the table in docs/policies.md in step with this file.
 *
 * Invariants (tested): names are unique ignoring case; each AWS name maps to exactly one action and
 * never equals another action's Gust name; adding an action is backwards compatible, renaming or
 * removing one breaks stored policies.
 */

import { SECURITY_ACTIONS } from './actions-security.js';
import { WORKFLOW_ACTIONS } from './actions-workflow.js';

/**
 * How much an action can do, which decides the built-in policies:
 * - `read` shows state without changing it (read-only gets these; logs and message bodies included);
 * - `write` changes state or runs code;
 * - `secret` reveals a secret's value (read-only does not get it);
 * - `permissions` changes who may do what (keys and policies).
 */
export type AccessLevel = 'read' | 'write' | 'secret' | 'permissions';

export interface ActionInfo {
  /** `service:Verb`, matched case-insensitively. */
  readonly name: string;
  /** The resource the gateway passes to `authorize`; `NAME`/`ID` stand for the name or id. */
  readonly resource: string;
  readonly access: AccessLevel;
  /** One line: what the action allows. */
  readonly description: string;
  /** The API operations it guards: `METHOD /path`, `SQS Op`, `EventBridge Op`, `SecretsManager Op`, `StepFunctions Op`. */
  readonly operations: readonly string[];
  /** AWS IAM action names that mean this action in a policy. */
  readonly aws: readonly string[];
  /** For a feature not released yet: policies may name it now. */
  readonly upcoming?: true;
}

/** API operations no policy guards: whoever can reach Gust may call them (load balancers do). */
export const PUBLIC_OPERATIONS: readonly string[] = ['GET /_gust/v1/health'];

/** Every action, in the order of the table in docs/policies.md. */
export const ACTIONS: readonly ActionInfo[] = [
  {
    name: 'function:Invoke',
    resource: 'gust:function:NAME',
    access: 'write',
    description: 'Run a function, synchronously, asynchronously (Event) or as a DryRun.',
    operations: ['POST /2015-03-31/functions/{name}/invocations'],
    aws: ['lambda:InvokeFunction', 'lambda:InvokeAsync'],
  },
  {
    name: 'function:Deploy',
    resource: 'gust:function:NAME',
    access: 'write',
    description: 'Create, update or remove a function by deploying its app (checked for each function).',
    operations: ['POST /_gust/v1/deploy'],
    aws: ['lambda:CreateFunction', 'lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration'],
  },
  {
    name: 'function:Delete',
    resource: 'gust:function:NAME',
    access: 'write',
    description: 'Delete a function and stop its instances.',
    operations: ['DELETE /_gust/v1/functions/{name}'],
    aws: ['lambda:DeleteFunction'],
  },
  {
    name: 'function:Publish',
    resource: 'gust:function:NAME',
    access: 'write',
    description: 'Publish $LATEST as a numbered version.',
    operations: ['POST /_gust/v1/functions/{name}/versions'],
    aws: ['lambda:PublishVersion'],
  },
  {
    name: 'function:Get',
    resource: 'gust:function:NAME',
    access: 'read',
    description: 'Show a function: configuration, versions, instances.',
    operations: ['GET /_gust/v1/functions/{name}', 'GET /2015-03-31/functions/{name}'],
    aws: ['lambda:GetFunction', 'lambda:GetFunctionConfiguration'],
  },
  {
    name: 'function:List',
    resource: 'gust:function:*',
    access: 'read',
    description: 'List every function and every HTTP route.',
    operations: ['GET /_gust/v1/functions', 'GET /_gust/v1/routes'],
    aws: ['lambda:ListFunctions'],
  },
  {
    name: 'function:ReadLogs',
    resource: 'gust:function:NAME',
    access: 'read',
    description: "Read a function's log lines.",
    operations: ['GET /_gust/v1/functions/{name}/logs'],
    aws: [],
  },
  {
    name: 'function:ReadInvocations',
    resource: 'gust:function:NAME',
    access: 'read',
    description: "Read a function's invocation records and asynchronous invocations.",
    operations: [
      'GET /_gust/v1/functions/{name}/invocations',
      'GET /_gust/v1/invocations/{requestId}',
      'GET /_gust/v1/functions/{name}/async',
    ],
    aws: [],
  },
  {
    name: 'queue:Create',
    resource: 'gust:queue:NAME',
    access: 'write',
    description: 'Create a queue or change its settings (also each queue a deploy declares).',
    operations: ['POST /_gust/v1/queues', 'SQS CreateQueue', 'SQS SetQueueAttributes'],
    aws: ['sqs:CreateQueue', 'sqs:SetQueueAttributes'],
  },
  {
    name: 'queue:Delete',
    resource: 'gust:queue:NAME',
    access: 'write',
    description: 'Delete a queue and its messages.',
    operations: ['DELETE /_gust/v1/queues/{name}', 'SQS DeleteQueue'],
    aws: ['sqs:DeleteQueue'],
  },
  {
    name: 'queue:Send',
    resource: 'gust:queue:NAME',
    access: 'write',
    description: 'Send messages to a queue.',
    operations: ['POST /_gust/v1/queues/{name}/messages', 'SQS SendMessage', 'SQS SendMessageBatch'],
    aws: ['sqs:SendMessage'],
  },
  {
    name: 'queue:Receive',
    resource: 'gust:queue:NAME',
    access: 'write',
    description: 'Receive (lease) messages from a queue.',
    operations: ['POST /_gust/v1/queues/{name}/receive', 'SQS ReceiveMessage'],
    aws: ['sqs:ReceiveMessage'],
  },
  {
    name: 'queue:DeleteMessage',
    resource: 'gust:queue:NAME',
    access: 'write',
    description: 'Delete received messages.',
    operations: ['DELETE /_gust/v1/queues/{name}/messages', 'SQS DeleteMessage', 'SQS DeleteMessageBatch'],
    aws: ['sqs:DeleteMessage'],
  },
  {
    name: 'queue:ChangeVisibility',
    resource: 'gust:queue:NAME',
    access: 'write',
    description: 'Change how long received messages stay hidden.',
    operations: ['SQS ChangeMessageVisibility', 'SQS ChangeMessageVisibilityBatch'],
    aws: ['sqs:ChangeMessageVisibility'],
  },
  {
    name: 'queue:Purge',
    resource: 'gust:queue:NAME',
    access: 'write',
    description: 'Delete every message of a queue.',
    operations: ['POST /_gust/v1/queues/{name}/purge', 'SQS PurgeQueue'],
    aws: ['sqs:PurgeQueue'],
  },
  {
    name: 'queue:Redrive',
    resource: 'gust:queue:NAME',
    access: 'write',
    description: 'Move messages out of this dead-letter queue (with toQueue, also queue:Send on that queue).',
    operations: ['POST /_gust/v1/dlq/{name}/redrive', 'SQS StartMessageMoveTask'],
    aws: ['sqs:StartMessageMoveTask'],
  },
  {
    name: 'queue:ReadMessages',
    resource: 'gust:queue:NAME',
    access: 'read',
    description: "Look at a queue's messages without receiving them.",
    operations: ['GET /_gust/v1/queues/{name}/messages', 'GET /_gust/v1/dlq/{name}/messages'],
    aws: [],
  },
  {
    name: 'queue:Get',
    resource: 'gust:queue:NAME',
    access: 'read',
    description: 'Show a queue: its URL, settings, statistics, dead-letter sources and move tasks.',
    operations: [
      'GET /_gust/v1/queues/{name}',
      'SQS GetQueueUrl',
      'SQS GetQueueAttributes',
      'SQS ListDeadLetterSourceQueues',
      'SQS ListMessageMoveTasks',
      'SQS ListQueueTags',
    ],
    aws: [
      'sqs:GetQueueUrl',
      'sqs:GetQueueAttributes',
      'sqs:ListDeadLetterSourceQueues',
      'sqs:ListMessageMoveTasks',
      'sqs:ListQueueTags',
    ],
  },
  {
    name: 'queue:List',
    resource: 'gust:queue:*',
    access: 'read',
    description: 'List every queue and every dead-letter queue.',
    operations: ['GET /_gust/v1/queues', 'GET /_gust/v1/dlq', 'SQS ListQueues'],
    aws: ['sqs:ListQueues'],
  },
  {
    name: 'events:Put',
    resource: 'gust:bus:NAME',
    access: 'write',
    description: 'Publish events on a bus.',
    operations: ['POST /_gust/v1/events', 'POST /_gust/v1/events/cloudevents', 'EventBridge PutEvents'],
    aws: ['events:PutEvents'],
  },
  {
    name: 'events:ListRules',
    resource: 'gust:bus:NAME',
    access: 'read',
    description: "List and describe a bus's rules and targets (every bus's: gust:bus:*).",
    operations: [
      'GET /_gust/v1/rules',
      'EventBridge ListRules',
      'EventBridge DescribeRule',
      'EventBridge ListTargetsByRule',
    ],
    aws: ['events:DescribeRule', 'events:ListTargetsByRule'],
  },
  {
    name: 'events:ListBuses',
    resource: 'gust:bus:*',
    access: 'read',
    description: 'List every event bus.',
    operations: ['GET /_gust/v1/buses', 'EventBridge ListEventBuses'],
    aws: ['events:ListEventBuses'],
  },
  {
    name: 'events:GetBus',
    resource: 'gust:bus:NAME',
    access: 'read',
    description: 'Describe an event bus.',
    operations: ['EventBridge DescribeEventBus'],
    aws: ['events:DescribeEventBus'],
  },
  {
    name: 'schedules:List',
    resource: 'gust:schedule:*',
    access: 'read',
    description: 'List every schedule with its next and last tick.',
    operations: ['GET /_gust/v1/schedules'],
    aws: ['scheduler:ListSchedules'],
  },
  {
    name: 'nodes:List',
    resource: 'gust:node:*',
    access: 'read',
    description: 'List the nodes sharing the store, with their health and load.',
    operations: ['GET /_gust/v1/nodes'],
    aws: [],
  },
  ...SECURITY_ACTIONS,
  ...WORKFLOW_ACTIONS,
];
