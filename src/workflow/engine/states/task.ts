/**
 * Task: asks the executor to invoke `Resource` with the effective payload (a `task` action), then
 * completes with the result. JSONPath: InputPath → Parameters → invoke → ResultSelector →
 * ResultPath → OutputPath. JSONata: Arguments → invoke → Output/Assign (`$states.result`).
 * A resource ending in `.waitForTaskToken` gets a fresh task token (`$$.Task.Token`) first.
 */
import type { Json } from '../../data/json.js';
import type { TaskState } from '../../definition/types.js';
import type { Outcome, PendingWork, TaskAction } from '../api.js';
import { members, readPath, StatesError } from '../data-flow.js';
import { event, jsonText, resourceParts } from '../events.js';
import { evaluate, finishJsonata } from '../jsonata-flow.js';
import { applyInputPath, applyTemplate, finishJsonPath, scopeOf } from '../jsonpath-flow.js';
import { done, nextOf, type StateHandler, type StateOutcome, type StateRun } from '../run.js';

export const taskHandler: StateHandler = {
  async enter(run: StateRun): Promise<StateOutcome> {
    const state = run.state as TaskState;
    if (typeof state.Resource !== 'string') {
      throw new StatesError(
        'States.Runtime',
        'The Task Resource was not resolved to a string (a CloudFormation reference?)',
      );
    }
    const waitForTaskToken = state.Resource.endsWith('.waitForTaskToken');
    if (waitForTaskToken) run.context.Task = { Token: run.env.uuid() };
    let effective = run.input;
    let payload: Json;
    let timeout: Json | undefined;
    let heartbeat: Json | undefined;
    let credentials: Json | undefined;
    if (run.language === 'JSONata') {
      payload =
        state.Arguments === undefined
          ? run.input
          : ((await evaluate(run, 'Arguments', state.Arguments)) ?? null);
      timeout = await evaluate(run, 'TimeoutSeconds', state.TimeoutSeconds);
      heartbeat = await evaluate(run, 'HeartbeatSeconds', state.HeartbeatSeconds);
      credentials = await evaluate(run, 'Credentials', state.Credentials);
    } else {
      effective = applyInputPath(run, run.input);
      payload = applyTemplate(run, 'Parameters', state.Parameters, effective);
      const scope = scopeOf(run);
      timeout =
        state.TimeoutSecondsPath !== undefined
          ? readPath(effective, state.TimeoutSecondsPath, scope)
          : state.TimeoutSeconds;
      heartbeat =
        state.HeartbeatSecondsPath !== undefined
          ? readPath(effective, state.HeartbeatSecondsPath, scope)
          : state.HeartbeatSeconds;
      credentials =
        state.Credentials === undefined
          ? undefined
          : applyTemplate(run, 'Credentials', state.Credentials, effective);
    }
    const action: TaskAction = { kind: 'task', resource: state.Resource, input: payload };
    const timeoutSeconds = seconds(timeout, 'TimeoutSeconds');
    const heartbeatSeconds = seconds(heartbeat, 'HeartbeatSeconds');
    if (timeoutSeconds !== undefined) action.timeoutSeconds = timeoutSeconds;
    if (heartbeatSeconds !== undefined) action.heartbeatSeconds = heartbeatSeconds;
    if (waitForTaskToken && run.context.Task !== undefined) {
      action.waitForTaskToken = true;
      action.taskToken = run.context.Task.Token;
    }
    if (credentials !== undefined) action.credentials = members(credentials);
    run.events.push(scheduled(action, run.now));
    return { type: 'await', action, pending: { reason: 'action', effectiveInput: effective } };
  },

  async complete(run: StateRun, _pending: PendingWork, outcome: Outcome): Promise<StateOutcome> {
    const state = run.state as TaskState;
    const parts = resourceParts(state.Resource);
    if ('branches' in outcome) throw new Error('A Task was resumed with branch outcomes');
    if ('error' in outcome) {
      run.events.push(
        event('TaskFailed', run.now, {
          taskFailedEventDetails: { ...parts, error: outcome.error, cause: outcome.cause },
        }),
      );
      return { type: 'error', error: outcome.error, cause: outcome.cause };
    }
    run.events.push(
      event('TaskSucceeded', run.now, {
        taskSucceededEventDetails: {
          ...parts,
          output: jsonText(outcome.ok),
          outputDetails: { truncated: false },
        },
      }),
    );
    const { output, assign } =
      run.language === 'JSONata'
        ? await finishJsonata(run, outcome.ok, { result: outcome.ok })
        : finishJsonPath(run, outcome.ok);
    return done(output, assign, nextOf(state));
  },
};

function scheduled(action: TaskAction, now: number) {
  const details: Record<string, Json> = {
    ...resourceParts(action.resource),
    region: 'local',
    parameters: jsonText(action.input),
  };
  if (action.timeoutSeconds !== undefined) details.timeoutInSeconds = action.timeoutSeconds;
  if (action.heartbeatSeconds !== undefined) details.heartbeatInSeconds = action.heartbeatSeconds;
  if (action.credentials !== undefined)
    details.taskCredentials = { roleArn: action.credentials.RoleArn ?? null };
  return event('TaskScheduled', now, { taskScheduledEventDetails: details });
}

function seconds(value: Json | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new StatesError(
      'States.Runtime',
      `${field} must be a positive integer, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}
