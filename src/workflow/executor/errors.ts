import { GustError } from '../../core/errors.js';

/**
 * The errors of workflows, each with its Step Functions exception name (`awsType`), so the SFN
 * protocol and the control API report the same failure the same way.
 */

export const workflowNotFound = (name: string): GustError =>
  new GustError('ERR_WORKFLOW_NOT_FOUND', `Workflow '${name}' does not exist.`, {
    awsType: 'StateMachineDoesNotExist',
    details: { workflow: name },
  });

export const executionNotFound = (workflow: string, name: string): GustError =>
  new GustError('ERR_EXECUTION_NOT_FOUND', `Workflow '${workflow}' has no execution '${name}'.`, {
    awsType: 'ExecutionDoesNotExist',
    details: { workflow, execution: name },
  });

export const executionExists = (workflow: string, name: string): GustError =>
  new GustError(
    'ERR_EXECUTION_EXISTS',
    `Workflow '${workflow}' already has an execution named '${name}' with another input; choose another name.`,
    { awsType: 'ExecutionAlreadyExists', details: { workflow, execution: name } },
  );

export const invalidName = (what: string, name: string): GustError =>
  new GustError(
    'ERR_INVALID_NAME',
    `${what} name ${JSON.stringify(name)} is not valid: use 1 to 80 letters, digits, - and _.`,
    { awsType: 'InvalidName', details: { name } },
  );

export const invalidArn = (arn: string, expected: string): GustError =>
  new GustError('ERR_INVALID_ARN', `${JSON.stringify(arn)} is not a valid ARN: expected ${expected}.`, {
    awsType: 'InvalidArn',
    details: { arn },
  });

export const taskNotFound = (): GustError =>
  new GustError(
    'ERR_TASK_NOT_FOUND',
    'No task is waiting for this task token: it was never issued, or its execution has ended.',
    { awsType: 'TaskDoesNotExist' },
  );

export const taskTimedOut = (): GustError =>
  new GustError(
    'ERR_TASK_TIMED_OUT',
    'The task of this token has already ended (it timed out, or was completed before).',
    { awsType: 'TaskTimedOut' },
  );

export const notRedrivable = (name: string, status: string): GustError =>
  new GustError(
    'ERR_EXECUTION_NOT_REDRIVABLE',
    `Execution '${name}' is ${status}: only a FAILED, TIMED_OUT or ABORTED execution can be redriven.`,
    { awsType: 'ExecutionNotRedrivable', details: { execution: name, status } },
  );

/** A missing or wrongly typed request field (`ValidationException` on the SFN API). */
export const invalidField = (field: string, expected: string): GustError =>
  new GustError('ERR_INVALID_PARAMETER', `${field}: expected ${expected}.`, {
    awsType: 'ValidationException',
    details: { parameter: field },
  });
