import type { Clock } from '../../core/clock.js';
import { isGustError } from '../../core/errors.js';
import type { InvokeResult, Invoker } from '../../invoker/types.js';
import type { QueueService } from '../../queue/queue-service.js';
import { queueNameFromUrl } from '../../queue/sqs-input.js';
import { md5OfBody } from '../../queue/sqs-md5.js';
import { isJsonObject, type Json, type JsonObject } from '../data/json.js';
import type { Outcome } from '../engine/api.js';
import type { ParsedResource } from './resources.js';

export interface TaskRunnerDeps {
  invoker: Invoker;
  queues: QueueService;
  clock: Clock;
  putEvents?: (entries: unknown) => Promise<unknown>;
  /** Starts an execution of another workflow (states:startExecution). */
  startExecution(request: {
    stateMachineArn: string;
    name: string;
    input: string;
    callbackToken?: string;
  }): Promise<{ executionArn: string; startDate: number }>;
}

/** One task call: the parsed resource, its effective input and what names it. */
export interface TaskCall {
  resource: ParsedResource;
  input: Json;
  /** The execution name a started execution gets when Parameters give none (same on every retry). */
  defaultName: string;
  /** The task token (token and sync modes). */
  token?: string;
}

const failure = (error: string, cause: unknown): Outcome => ({
  error,
  cause: typeof cause === 'string' ? cause : JSON.stringify(cause),
});

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

function parameters(call: TaskCall): JsonObject {
  return isJsonObject(call.input) ? call.input : {};
}

/** `name`, `name:qualifier`, or a (partial) Lambda ARN. */
function functionOf(value: Json | undefined): { name: string; qualifier: string } | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const at = value.indexOf('function:');
  const rest = at === -1 ? value : value.slice(at + 'function:'.length);
  const [name = '', qualifier = '$LATEST'] = rest.split(':');
  return { name, qualifier };
}

/**
 * Performs a task's call: invokes a function through the one invoker (trigger `workflow`), sends to
 * a queue, publishes events or starts an execution. In `request` mode the result is the task's
 * outcome; in `token` and `sync` modes the call only dispatches (undefined: done; an error outcome:
 * it could not be made). Failures become ASL errors (a function's errorType, `Lambda.*`, `SQS.*`,
 * `EventBridge.*`, `StepFunctions.*`); only a shutting-down invoker throws, so the task is retried
 * after the restart instead of failing.
 */
export async function callTask(deps: TaskRunnerDeps, call: TaskCall): Promise<Outcome | undefined> {
  const { integration, mode } = call.resource;
  const params = parameters(call);
  if (integration === 'function' || integration === 'lambda:invoke') {
    const target =
      integration === 'function'
        ? { name: call.resource.functionName ?? '', qualifier: call.resource.qualifier ?? '$LATEST' }
        : functionOf(params.FunctionName);
    if (target === undefined) return failure('States.Runtime', 'lambda:invoke needs Parameters.FunctionName');
    const payload = integration === 'function' ? call.input : (params.Payload ?? {});
    let result: InvokeResult;
    try {
      result = await deps.invoker.invoke(target.name, JSON.stringify(payload), {
        qualifier: target.qualifier,
        trigger: 'workflow',
        ...(mode === 'token' ? { invocationType: 'Event' as const } : {}),
      });
    } catch (error) {
      if (isGustError(error) && error.code === 'ERR_SHUTTING_DOWN') throw error;
      const type = !isGustError(error)
        ? 'Lambda.ServiceException'
        : error.code === 'ERR_FUNCTION_NOT_FOUND' || error.code === 'ERR_VERSION_NOT_FOUND'
          ? 'Lambda.ResourceNotFoundException'
          : error.code === 'ERR_TOO_MANY_REQUESTS'
            ? 'Lambda.TooManyRequestsException'
            : 'Lambda.ServiceException';
      return failure(type, errorText(error));
    }
    if (mode === 'token') return undefined;
    if (result.status !== 'success') {
      const e = result.error;
      return failure(
        e?.errorType || 'States.TaskFailed',
        e ?? { errorMessage: `The function ${result.status}` },
      );
    }
    let output: Json = null;
    try {
      output = result.payload === null || result.payload === '' ? null : (JSON.parse(result.payload) as Json);
    } catch {
      // Lambda's integration keeps a non-JSON result as text.
      output = result.payload;
    }
    if (integration === 'function') return { ok: output };
    return {
      ok: {
        ExecutedVersion: result.executedVersion,
        Payload: output,
        SdkHttpMetadata: { HttpStatusCode: 200 },
        SdkResponseMetadata: { RequestId: result.requestId },
        StatusCode: 200,
      },
    };
  }
  if (integration === 'sqs:sendMessage') {
    if (typeof params.QueueUrl !== 'string')
      return failure('States.Runtime', 'sqs:sendMessage needs Parameters.QueueUrl');
    if (params.MessageBody === undefined)
      return failure('States.Runtime', 'sqs:sendMessage needs Parameters.MessageBody');
    const body =
      typeof params.MessageBody === 'string' ? params.MessageBody : JSON.stringify(params.MessageBody);
    try {
      const delay = typeof params.DelaySeconds === 'number' ? { delaySec: params.DelaySeconds } : {};
      const [sent] = await deps.queues.send(queueNameFromUrl(params.QueueUrl), [{ body, ...delay }]);
      if (mode === 'token') return undefined;
      return { ok: { MessageId: sent?.id ?? '', MD5OfMessageBody: md5OfBody(body) } };
    } catch (error) {
      const type =
        isGustError(error) && error.code === 'ERR_QUEUE_NOT_FOUND'
          ? 'SQS.QueueDoesNotExistException'
          : 'SQS.AmazonSQSException';
      return failure(type, errorText(error));
    }
  }
  if (integration === 'events:putEvents') {
    if (!deps.putEvents)
      return failure('EventBridge.AmazonEventBridgeException', 'the event bus is not available');
    try {
      const output = (await deps.putEvents(params.Entries)) as { FailedEntryCount?: number };
      if ((output.FailedEntryCount ?? 0) > 0) return failure('EventBridge.FailedEntry', output);
      if (mode === 'token') return undefined;
      return { ok: output as Json };
    } catch (error) {
      return failure('EventBridge.AmazonEventBridgeException', errorText(error));
    }
  }
  // states:startExecution
  if (typeof params.StateMachineArn !== 'string') {
    return failure('States.Runtime', 'states:startExecution needs Parameters.StateMachineArn');
  }
  const input =
    params.Input === undefined
      ? '{}'
      : typeof params.Input === 'string'
        ? params.Input
        : JSON.stringify(params.Input);
  try {
    const started = await deps.startExecution({
      stateMachineArn: params.StateMachineArn,
      name: typeof params.Name === 'string' ? params.Name : call.defaultName,
      input,
      ...(mode === 'sync' || mode === 'sync:2' ? { callbackToken: call.token ?? '' } : {}),
    });
    if (mode !== 'request') return undefined;
    return {
      ok: { ExecutionArn: started.executionArn, StartDate: new Date(started.startDate).toISOString() },
    };
  } catch (error) {
    const type =
      isGustError(error) && error.awsType
        ? `StepFunctions.${error.awsType}Exception`
        : 'StepFunctions.AWSStepFunctionsException';
    return failure(type, errorText(error));
  }
}
