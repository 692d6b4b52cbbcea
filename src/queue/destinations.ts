import type { InvokeResult } from '../invoker/types.js';

/** Why an asynchronous invocation's record went to a destination, in Lambda's words. */
export type DestinationCondition = 'Success' | 'RetriesExhausted' | 'EventAgeExceeded' | 'FunctionNotFound';

export interface DestinationRecordInput {
  requestId: string;
  functionArn: string;
  condition: DestinationCondition;
  approximateInvokeCount: number;
  /** The original event, as JSON text. */
  requestPayload: string;
  result: InvokeResult | null;
  /** Why it failed, when there was no invocation result (expired, function gone). */
  reason?: string;
  time: number;
}

/**
 * The invocation record Lambda sends to destinations: the original request together with the
 * result or error, so the receiver has everything it needs to act on it.
 */
export function destinationRecord(input: DestinationRecordInput): Record<string, unknown> {
  const responseContext: Record<string, unknown> = {
    statusCode: 200,
    executedVersion: input.result?.executedVersion ?? '$LATEST',
  };
  if (input.result && input.result.status !== 'success') responseContext.functionError = 'Unhandled';
  return {
    version: '1.0',
    timestamp: new Date(input.time).toISOString(),
    requestContext: {
      requestId: input.requestId,
      functionArn: input.functionArn,
      condition: input.condition,
      approximateInvokeCount: input.approximateInvokeCount,
    },
    requestPayload: parseOr(input.requestPayload),
    responseContext,
    responsePayload: input.result
      ? input.result.status === 'success'
        ? parseOr(input.result.payload ?? 'null')
        : input.result.error
      : { errorType: input.condition, errorMessage: input.reason ?? input.condition },
  };
}

function parseOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export type DestinationKind = 'function' | 'queue' | 'bus';

/** Splits `queue:name` into its kind and name. */
export function parseDestination(target: string): { kind: DestinationKind; name: string } {
  const colon = target.indexOf(':');
  const kind = target.slice(0, colon) as DestinationKind;
  return { kind, name: target.slice(colon + 1) };
}
