import type { StateMachine } from '../definition/types.js';

/**
 * The Task resources Gust runs, parsed from a Task's `Resource`:
 * - a Gust function by name, or a Lambda function ARN (`arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`):
 *   the effective input is the event, the function's result the task's result;
 * - `arn:aws:states:::lambda:invoke` (Parameters FunctionName, Payload): the result is wrapped as
 *   `{ExecutedVersion, Payload, StatusCode}`;
 * - `arn:aws:states:::sqs:sendMessage`, `arn:aws:states:::events:putEvents`;
 * - `arn:aws:states:::states:startExecution` (another workflow), also `.sync` / `.sync:2`, which
 *   wait for it to end.
 * `.waitForTaskToken` (on the integrations) waits for SendTaskSuccess / SendTaskFailure instead of
 * the call's result.
 */
export type Integration =
  | 'function'
  | 'lambda:invoke'
  | 'sqs:sendMessage'
  | 'events:putEvents'
  | 'states:startExecution';

/** How a task's result arrives: the call's response, a callback token, or the end of an execution. */
export type TaskMode = 'request' | 'token' | 'sync' | 'sync:2';

export interface ParsedResource {
  integration: Integration;
  mode: TaskMode;
  /** For `function`: the function and its qualifier ($LATEST when none). */
  functionName?: string;
  qualifier?: string;
}

const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const INTEGRATIONS = new Set([
  'lambda:invoke',
  'sqs:sendMessage',
  'events:putEvents',
  'states:startExecution',
]);

/** Parses a Task's Resource; a string says why it is not one Gust runs. */
export function parseResource(resource: string): ParsedResource | string {
  if (resource.startsWith('arn:aws:states:::')) {
    const rest = resource.slice('arn:aws:states:::'.length);
    const dot = rest.indexOf('.');
    const name = dot === -1 ? rest : rest.slice(0, dot);
    const tail = dot === -1 ? '' : rest.slice(dot + 1);
    if (!INTEGRATIONS.has(name)) {
      return `Gust does not run the integration ${JSON.stringify(resource)}: it runs lambda:invoke, sqs:sendMessage, events:putEvents and states:startExecution`;
    }
    const integration = name as Integration;
    if (tail === '') return { integration, mode: 'request' };
    if (tail === 'waitForTaskToken') return { integration, mode: 'token' };
    if (integration === 'states:startExecution' && (tail === 'sync' || tail === 'sync:2')) {
      return { integration, mode: tail };
    }
    return `${JSON.stringify(resource)}: '.${tail}' is not a pattern Gust supports for ${name} (use .waitForTaskToken${integration === 'states:startExecution' ? ', .sync or .sync:2' : ''})`;
  }
  if (resource.startsWith('arn:')) {
    const p = resource.split(':');
    if (
      p[2] !== 'lambda' ||
      p[5] !== 'function' ||
      p.length < 7 ||
      p.length > 8 ||
      !FUNCTION_NAME.test(p[6] ?? '')
    ) {
      return `${JSON.stringify(resource)} is not a Lambda function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME) nor an integration Gust runs`;
    }
    return {
      integration: 'function',
      mode: 'request',
      functionName: p[6] as string,
      qualifier: p[7] ?? '$LATEST',
    };
  }
  if (!FUNCTION_NAME.test(resource)) {
    return `${JSON.stringify(resource)} is not a function name (1 to 64 letters, digits, - and _) nor an ARN`;
  }
  return { integration: 'function', mode: 'request', functionName: resource, qualifier: '$LATEST' };
}

/** Every Task resource Gust cannot run, with its path in the definition (Parallel and Map included). */
export function resourceIssues(machine: StateMachine, path = ''): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  for (const [name, state] of Object.entries(machine.States ?? {})) {
    const at = `${path}States.${name}`;
    if (state.Type === 'Task' && typeof state.Resource === 'string') {
      const parsed = parseResource(state.Resource);
      if (typeof parsed === 'string') issues.push({ path: `${at}.Resource`, message: parsed });
    } else if (state.Type === 'Parallel') {
      for (const [i, branch] of (state.Branches ?? []).entries()) {
        issues.push(...resourceIssues(branch, `${at}.Branches[${i}].`));
      }
    } else if (state.Type === 'Map') {
      const processor = state.ItemProcessor ?? state.Iterator;
      const field = state.ItemProcessor ? 'ItemProcessor' : 'Iterator';
      if (processor) issues.push(...resourceIssues(processor, `${at}.${field}.`));
    }
  }
  return issues;
}
