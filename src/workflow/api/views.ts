import type {
  ExecutionRecord,
  StateMachineRecord,
  StoredHistoryEvent,
} from '../../store/workflow-repository.js';
import type { Arns } from '../executor/names.js';
import { seconds } from './sfn-input.js';

/** How workflows and executions look on the Step Functions API (epoch seconds) and the control API (ms). */

export const sfnStateMachine = (arns: Arns, m: StateMachineRecord) => ({
  stateMachineArn: arns.stateMachine(m.name),
  name: m.name,
  status: 'ACTIVE',
  definition: m.definition,
  roleArn: `arn:aws:iam::000000000000:role/gust-workflow-${m.name}`,
  type: m.type,
  creationDate: seconds(m.createdAt),
  revisionId: String(m.revision),
});

export const sfnExecution = (arns: Arns, e: ExecutionRecord) => ({
  executionArn: arns.execution(e.stateMachine, e.name),
  stateMachineArn: arns.stateMachine(e.stateMachine),
  name: e.name,
  status: e.status,
  startDate: seconds(e.startedAt),
  ...(e.stoppedAt !== null ? { stopDate: seconds(e.stoppedAt) } : {}),
  input: e.input,
  inputDetails: { included: true },
  ...(e.output !== null ? { output: e.output, outputDetails: { included: true } } : {}),
  ...(e.error !== null ? { error: e.error } : {}),
  ...(e.cause !== null ? { cause: e.cause } : {}),
  redriveCount: e.redriveCount,
  ...(e.redriveAt !== null ? { redriveDate: seconds(e.redriveAt) } : {}),
  redriveStatus:
    e.status === 'FAILED' || e.status === 'ABORTED' || e.status === 'TIMED_OUT'
      ? 'REDRIVABLE'
      : 'NOT_REDRIVABLE',
});

export const sfnExecutionItem = (arns: Arns, e: ExecutionRecord) => ({
  executionArn: arns.execution(e.stateMachine, e.name),
  stateMachineArn: arns.stateMachine(e.stateMachine),
  name: e.name,
  status: e.status,
  startDate: seconds(e.startedAt),
  ...(e.stoppedAt !== null ? { stopDate: seconds(e.stoppedAt) } : {}),
  redriveCount: e.redriveCount,
});

/** A history event: the engine's details under their API names, with id and previousEventId. */
export const sfnEvent = (event: StoredHistoryEvent) => {
  const {
    type: _type,
    timestamp: _timestamp,
    ...details
  } = JSON.parse(event.body) as Record<string, unknown>;
  return {
    id: event.id,
    previousEventId: event.id - 1,
    timestamp: seconds(event.timestamp),
    type: event.type,
    ...details,
  };
};

/** The control API's view of a workflow (times in ms). */
export const workflowView = (arns: Arns, m: StateMachineRecord) => ({
  name: m.name,
  arn: arns.stateMachine(m.name),
  type: m.type,
  service: m.service,
  revision: m.revision,
  createdAt: m.createdAt,
  updatedAt: m.updatedAt,
});

/** The control API's view of an execution (times in ms; input and output parsed). */
export const executionView = (arns: Arns, e: ExecutionRecord, full = true) => ({
  name: e.name,
  workflow: e.stateMachine,
  arn: arns.execution(e.stateMachine, e.name),
  status: e.status,
  startedAt: e.startedAt,
  stoppedAt: e.stoppedAt,
  redriveCount: e.redriveCount,
  ...(full
    ? {
        input: JSON.parse(e.input) as unknown,
        output: e.output === null ? null : (JSON.parse(e.output) as unknown),
        error: e.error,
        cause: e.cause,
      }
    : {}),
});

export const historyView = (event: StoredHistoryEvent) => {
  const {
    type: _type,
    timestamp: _timestamp,
    ...details
  } = JSON.parse(event.body) as Record<string, unknown>;
  return { id: event.id, type: event.type, timestamp: event.timestamp, ...details };
};
