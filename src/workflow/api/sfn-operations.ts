import { GustError } from '../../core/errors.js';
import type { ExecutionStatus } from '../../store/workflow-repository.js';
import { invalidField } from '../executor/errors.js';
import type { WorkflowExecutor } from '../executor/executor.js';
import { definitionIssues } from '../executor/state-machines.js';
import type { WorkflowEngine } from '../executor/types.js';
import {
  nextTokenOf,
  optionalInteger,
  optionalString,
  pageOf,
  requiredString,
  type SfnInput,
  seconds,
} from './sfn-input.js';
import { sfnEvent, sfnExecution, sfnExecutionItem, sfnStateMachine } from './views.js';

export type SfnOperation = (input: SfnInput, signal: AbortSignal) => Promise<Record<string, unknown>>;

const STATUSES = new Set(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']);

function typeOf(input: SfnInput): 'STANDARD' | 'EXPRESS' | undefined {
  const type = optionalString(input, 'type');
  if (type !== undefined && type !== 'STANDARD' && type !== 'EXPRESS')
    throw invalidField('type', 'STANDARD or EXPRESS');
  return type;
}

/** The Step Functions operations over the executor (input and output as the SDK sends them). */
export function createSfnOperations(
  executor: WorkflowExecutor,
  engine: WorkflowEngine,
): Record<string, SfnOperation> {
  const { arns, stateMachines } = executor;
  const machineOf = (input: SfnInput) => arns.parseStateMachine(requiredString(input, 'stateMachineArn'));
  const executionOf = (input: SfnInput) => arns.parseExecution(requiredString(input, 'executionArn'));
  const startRequest = (input: SfnInput) => {
    const name = optionalString(input, 'name');
    const body = optionalString(input, 'input');
    return {
      workflow: machineOf(input),
      ...(name !== undefined ? { name } : {}),
      ...(body !== undefined ? { input: body } : {}),
    };
  };

  return {
    async CreateStateMachine(input) {
      const type = typeOf(input);
      const m = await stateMachines.put(requiredString(input, 'name'), requiredString(input, 'definition'), {
        createOnly: true,
        ...(type !== undefined ? { type } : {}),
      });
      return { stateMachineArn: arns.stateMachine(m.name), creationDate: seconds(m.createdAt) };
    },
    async UpdateStateMachine(input) {
      const name = machineOf(input);
      const current = await stateMachines.get(name);
      const definition = optionalString(input, 'definition') ?? current.definition;
      const m = await stateMachines.put(name, definition);
      return { updateDate: seconds(m.updatedAt), revisionId: String(m.revision) };
    },
    async DeleteStateMachine(input) {
      await stateMachines.delete(machineOf(input));
      return {};
    },
    async ListStateMachines(input) {
      const { offset, size } = pageOf(input, 100);
      const all = await stateMachines.list();
      const page = all.slice(offset, offset + size);
      return {
        stateMachines: page.map((m) => ({
          stateMachineArn: arns.stateMachine(m.name),
          name: m.name,
          type: m.type,
          creationDate: seconds(m.createdAt),
        })),
        ...(offset + size < all.length ? { nextToken: nextTokenOf(offset + size) } : {}),
      };
    },
    async DescribeStateMachine(input) {
      return sfnStateMachine(arns, await stateMachines.get(machineOf(input)));
    },
    async ValidateStateMachineDefinition(input) {
      typeOf(input);
      const issues = definitionIssues(engine, requiredString(input, 'definition'));
      return {
        result: issues.length === 0 ? 'OK' : 'FAIL',
        diagnostics: issues.map((i) => ({
          severity: 'ERROR',
          code: 'SCHEMA_VALIDATION_FAILED',
          message: i.message,
          location: i.path === '' ? '/' : `/${i.path.replaceAll('.', '/')}`,
        })),
        truncated: false,
      };
    },
    async StartExecution(input) {
      const { execution } = await executor.startExecution(startRequest(input));
      return {
        executionArn: arns.execution(execution.stateMachine, execution.name),
        startDate: seconds(execution.startedAt),
      };
    },
    async StartSyncExecution(input, signal) {
      const e = await executor.startSyncExecution(startRequest(input), signal);
      const { redriveCount: _r, redriveStatus: _s, inputDetails: _i, ...view } = sfnExecution(arns, e);
      return view;
    },
    async DescribeExecution(input) {
      const { workflow, name } = executionOf(input);
      return sfnExecution(arns, await executor.describeExecution(workflow, name));
    },
    async StopExecution(input) {
      const { workflow, name } = executionOf(input);
      const error = optionalString(input, 'error');
      const cause = optionalString(input, 'cause');
      const e = await executor.stopExecution(workflow, name, {
        ...(error !== undefined ? { error } : {}),
        ...(cause !== undefined ? { cause } : {}),
      });
      return { stopDate: seconds(e.stoppedAt ?? e.updatedAt) };
    },
    async RedriveExecution(input) {
      const { workflow, name } = executionOf(input);
      const e = await executor.redriveExecution(workflow, name);
      return { redriveDate: seconds(e.redriveAt) };
    },
    async ListExecutions(input) {
      const status = optionalString(input, 'statusFilter');
      if (status !== undefined && !STATUSES.has(status)) {
        throw invalidField(
          'statusFilter',
          'RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED or PENDING_REDRIVE',
        );
      }
      const { offset, size } = pageOf(input, 100);
      const executions = await executor.listExecutions({
        stateMachine: machineOf(input),
        ...(status !== undefined ? { status: status as ExecutionStatus } : {}),
        limit: Math.min(1000, offset + size + 1),
      });
      const page = executions.slice(offset, offset + size);
      return {
        executions: page.map((e) => sfnExecutionItem(arns, e)),
        ...(executions.length > offset + size ? { nextToken: nextTokenOf(offset + size) } : {}),
      };
    },
    async GetExecutionHistory(input) {
      const { workflow, name } = executionOf(input);
      const size = optionalInteger(input, 'maxResults', 0, 1000) || 100;
      const token = optionalString(input, 'nextToken');
      const reverse = input.reverseOrder === true;
      const after = token === undefined ? undefined : Number.parseInt(token, 10);
      if (after !== undefined && !Number.isSafeInteger(after)) {
        throw new GustError('ERR_INVALID_PARAMETER', 'nextToken is not one this API returned.', {
          awsType: 'InvalidToken',
        });
      }
      const events = await executor.history(workflow, name, {
        ...(after !== undefined ? { afterId: after } : {}),
        limit: size + 1,
        reverse,
      });
      const page = events.slice(0, size);
      const last = page.at(-1);
      return {
        events: page.map(sfnEvent),
        ...(events.length > size && last ? { nextToken: String(last.id) } : {}),
      };
    },
    async SendTaskSuccess(input) {
      await executor.sendTaskSuccess(requiredString(input, 'taskToken'), requiredString(input, 'output'));
      return {};
    },
    async SendTaskFailure(input) {
      await executor.sendTaskFailure(
        requiredString(input, 'taskToken'),
        optionalString(input, 'error'),
        optionalString(input, 'cause'),
      );
      return {};
    },
    async SendTaskHeartbeat(input) {
      await executor.sendTaskHeartbeat(requiredString(input, 'taskToken'));
      return {};
    },
  };
}
