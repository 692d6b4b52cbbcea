import { type ErrorCode, GustError } from '../core/errors.js';

/**
 * SQS's error names, the legacy query error code each one carries in `x-amzn-query-error` (the SDKs
 * use that header to pick the exception class, since SQS is "awsQueryCompatible"), and SQS's
 * status. Names the SQS model does not define (InvalidParameterValue, MissingParameter, ...) are
 * AWS's common errors; the SDK reports them with that name as `error.name` and `error.Code`.
 */
const SQS_ERRORS = {
  QueueDoesNotExist: { queryCode: 'AWS.SimpleQueueService.NonExistentQueue', status: 400 },
  QueueNameExists: { queryCode: 'QueueAlreadyExists', status: 400 },
  ReceiptHandleIsInvalid: { queryCode: 'ReceiptHandleIsInvalid', status: 404 },
  MessageNotInflight: { queryCode: 'AWS.SimpleQueueService.MessageNotInflight', status: 400 },
  EmptyBatchRequest: { queryCode: 'AWS.SimpleQueueService.EmptyBatchRequest', status: 400 },
  TooManyEntriesInBatchRequest: {
    queryCode: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
    status: 400,
  },
  BatchEntryIdsNotDistinct: { queryCode: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct', status: 400 },
  InvalidBatchEntryId: { queryCode: 'AWS.SimpleQueueService.InvalidBatchEntryId', status: 400 },
  BatchRequestTooLong: { queryCode: 'AWS.SimpleQueueService.BatchRequestTooLong', status: 400 },
  UnsupportedOperation: { queryCode: 'AWS.SimpleQueueService.UnsupportedOperation', status: 400 },
  InvalidAttributeName: { queryCode: 'InvalidAttributeName', status: 400 },
  InvalidAttributeValue: { queryCode: 'InvalidAttributeValue', status: 400 },
  InvalidMessageContents: { queryCode: 'InvalidMessageContents', status: 400 },
  ResourceNotFoundException: { queryCode: 'ResourceNotFoundException', status: 404 },
  InvalidParameterValue: { queryCode: 'InvalidParameterValue', status: 400 },
  MissingParameter: { queryCode: 'MissingParameter', status: 400 },
  InvalidAction: { queryCode: 'InvalidAction', status: 400 },
  InternalFailure: { queryCode: 'InternalFailure', status: 500 },
  ServiceUnavailable: { queryCode: 'ServiceUnavailable', status: 503 },
  RequestThrottled: { queryCode: 'RequestThrottled', status: 403 },
} as const satisfies Record<string, { queryCode: string; status: number }>;

const lookup = (name: string): { queryCode: string; status: number } | undefined =>
  (SQS_ERRORS as Record<string, { queryCode: string; status: number }>)[name];

export type SqsErrorName = keyof typeof SQS_ERRORS;

const NAMESPACE = 'com.amazonaws.sqs#';

/** The SQS error name for Gust errors that carry no awsType of their own. */
const BY_CODE: Partial<Record<ErrorCode, SqsErrorName>> = {
  ERR_QUEUE_NOT_FOUND: 'QueueDoesNotExist',
  ERR_INVALID_RECEIPT_HANDLE: 'ReceiptHandleIsInvalid',
  ERR_MESSAGE_TOO_LARGE: 'InvalidParameterValue',
  ERR_INVALID_PARAMETER: 'InvalidParameterValue',
  ERR_INVALID_JSON: 'InvalidParameterValue',
  ERR_TOO_MANY_REQUESTS: 'RequestThrottled',
  ERR_SHUTTING_DOWN: 'ServiceUnavailable',
  ERR_INTERNAL: 'InternalFailure',
};

/** The bare SQS error name of an error (no namespace): its awsType, else one derived from its code. */
export function sqsErrorName(error: GustError): string {
  const type = error.awsType;
  if (type !== undefined) return type.startsWith(NAMESPACE) ? type.slice(NAMESPACE.length) : type;
  return BY_CODE[error.code] ?? (error.status >= 500 ? 'InternalFailure' : 'InvalidParameterValue');
}

/** A Gust error in SQS's words: `name` becomes the `__type` and the query error code. */
export function sqsError(
  code: ErrorCode,
  name: SqsErrorName,
  message: string,
  details?: Record<string, unknown>,
): GustError {
  const options = details === undefined ? {} : { details };
  return new GustError(code, message, { ...options, awsType: name });
}

/**
 * Rewrites an error from the queue service (or anywhere below) into the shape SQS clients expect:
 * `__type` `com.amazonaws.sqs#Name` and SQS's status for it. The code, message and details stay.
 */
export function toSqsError(error: GustError): GustError {
  const name = sqsErrorName(error);
  const known = lookup(name);
  const options: ConstructorParameters<typeof GustError>[2] = {
    cause: error,
    awsType: `${NAMESPACE}${name}`,
    status: known?.status ?? error.status,
  };
  if (error.details !== undefined) options.details = error.details;
  if (error.headers !== undefined) options.headers = error.headers;
  return new GustError(error.code, error.message, options);
}

/** `x-amzn-query-error: CODE;Sender` (or `;Receiver` for a server fault), which the SDKs read. */
export function queryErrorHeader(error: GustError): Record<string, string> {
  const name = sqsErrorName(error);
  const queryCode = lookup(name)?.queryCode ?? name;
  return { 'x-amzn-query-error': `${queryCode};${error.status >= 500 ? 'Receiver' : 'Sender'}` };
}
