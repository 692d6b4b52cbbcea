import type { MessageAttribute } from '../store/queue-repository.js';
import { sqsError } from './sqs-errors.js';

/**
 * Reading SQS JSON request fields. The AWS JSON protocol sends the operation's input shape as a
 * JSON object; every reader here checks one field's type and range and names the field when it is
 * wrong, in SQS's error vocabulary (MissingParameter, InvalidParameterValue, ...).
 */
export type SqsInput = Record<string, unknown>;

export function invalidParameter(parameter: string, reason: string) {
  return sqsError('ERR_INVALID_PARAMETER', 'InvalidParameterValue', `${parameter}: ${reason}`, {
    parameter,
  });
}

export function requiredString(input: SqsInput, field: string): string {
  const value = input[field];
  if (value === undefined || value === null || value === '') {
    throw sqsError('ERR_INVALID_PARAMETER', 'MissingParameter', `The request must contain ${field}.`, {
      parameter: field,
    });
  }
  if (typeof value !== 'string') throw invalidParameter(field, 'expected a string.');
  return value;
}

export function optionalString(input: SqsInput, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidParameter(field, 'expected a string.');
  return value;
}

export function optionalInteger(
  input: SqsInput,
  field: string,
  min: number,
  max: number,
): number | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidParameter(
      field,
      `expected a whole number from ${min} to ${max}, got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

export function optionalStringList(input: SqsInput, field: string): string[] | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw invalidParameter(field, 'expected a list of strings.');
  }
  return value as string[];
}

export function optionalObject(input: SqsInput, field: string): Record<string, unknown> | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidParameter(field, 'expected a map.');
  return value as Record<string, unknown>;
}

export function requiredList(input: SqsInput, field: string): SqsInput[] {
  const value = input[field];
  if (value === undefined || value === null) {
    throw sqsError('ERR_INVALID_PARAMETER', 'MissingParameter', `The request must contain ${field}.`, {
      parameter: field,
    });
  }
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'object' || v === null || Array.isArray(v))) {
    throw invalidParameter(field, 'expected a list of entries.');
  }
  return value as SqsInput[];
}

/**
 * The queue a QueueUrl names: its last path segment, whatever the host (so URLs minted by another
 * endpoint or a proxy still work). A bare queue name is taken as it is.
 */
export function queueNameFromUrl(queueUrl: string): string {
  const path = queueUrl.split(/[?#]/, 1)[0] ?? '';
  const segments = path.split('/').filter((s) => s !== '');
  const last = segments.at(-1);
  if (last === undefined) throw invalidParameter('QueueUrl', `'${queueUrl}' names no queue.`);
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** The queue an ARN names (`arn:aws:sqs:REGION:ACCOUNT:NAME`). */
export function queueNameFromArn(arn: string, parameter: string): string {
  const parts = arn.split(':');
  if (parts.length !== 6 || parts[0] !== 'arn' || parts[2] !== 'sqs' || parts[5] === '') {
    throw invalidParameter(parameter, `'${arn}' is not an SQS queue ARN (arn:aws:sqs:REGION:ACCOUNT:NAME).`);
  }
  return parts[5] as string;
}

/** XML 1.0 characters, which is what SQS accepts in bodies and string attribute values. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the allowed control characters are the point.
const INVALID_CHARACTER = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export function checkMessageContents(text: string, parameter: string): void {
  const bad = INVALID_CHARACTER.exec(text);
  if (bad) {
    const codePoint = (bad[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
    throw sqsError(
      'ERR_INVALID_PARAMETER',
      'InvalidMessageContents',
      `${parameter} contains the character U+${codePoint}, which SQS does not allow (only #x9, #xA, #xD, #x20-#xD7FF, #xE000-#xFFFD, #x10000-#x10FFFF).`,
      { parameter },
    );
  }
}

const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
export const MAX_MESSAGE_ATTRIBUTES = 10;

function checkAttributeName(name: string, parameter: string): void {
  if (
    !ATTRIBUTE_NAME.test(name) ||
    name.startsWith('.') ||
    name.endsWith('.') ||
    name.includes('..') ||
    /^(aws|amazon)\./i.test(name)
  ) {
    throw invalidParameter(
      `${parameter}.${name}`,
      'attribute names are 1 to 256 letters, digits, _ - and ., not starting with AWS. or Amazon., without leading, trailing or repeated periods.',
    );
  }
}

/** Message attributes as SQS takes them: `{Name: {DataType, StringValue | BinaryValue}}`, at most 10. */
export function parseMessageAttributes(value: unknown, parameter: string): Record<string, MessageAttribute> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidParameter(parameter, 'expected a map.');
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_MESSAGE_ATTRIBUTES) {
    throw invalidParameter(
      parameter,
      `a message has at most ${MAX_MESSAGE_ATTRIBUTES} attributes, got ${entries.length}.`,
    );
  }
  const out: Record<string, MessageAttribute> = {};
  for (const [name, raw] of entries) {
    checkAttributeName(name, parameter);
    const at = `${parameter}.${name}`;
    if (typeof raw !== 'object' || raw === null)
      throw invalidParameter(at, 'expected {DataType, StringValue | BinaryValue}.');
    const { DataType, StringValue, BinaryValue, StringListValues, BinaryListValues } = raw as Record<
      string,
      unknown
    >;
    if (typeof DataType !== 'string' || DataType === '')
      throw invalidParameter(`${at}.DataType`, 'is required.');
    if (
      (Array.isArray(StringListValues) && StringListValues.length > 0) ||
      (Array.isArray(BinaryListValues) && BinaryListValues.length > 0)
    ) {
      throw invalidParameter(
        at,
        'StringListValues and BinaryListValues are not supported (SQS does not implement them either).',
      );
    }
    const isBinary = /^Binary(\..+)?$/.test(DataType);
    if (isBinary) {
      if (typeof BinaryValue !== 'string' || BinaryValue === '') {
        throw invalidParameter(at, `a ${DataType} attribute needs a BinaryValue (base64).`);
      }
      out[name] = { DataType, BinaryValue };
      continue;
    }
    if (typeof StringValue !== 'string' || StringValue === '') {
      throw invalidParameter(at, `a ${DataType} attribute needs a non-empty StringValue.`);
    }
    if (/^Number(\..+)?$/.test(DataType) && !NUMBER.test(StringValue)) {
      throw invalidParameter(at, `'${StringValue}' is not a number.`);
    }
    checkMessageContents(StringValue, at);
    out[name] = { DataType, StringValue };
  }
  return out;
}

/**
 * The attributes a receiver asked for with MessageAttributeNames: `All` or `.*` for every one, a
 * name, or `prefix.*` for every name starting with `prefix.`. None when not asked (as SQS does).
 */
export function selectAttributes(
  attributes: Record<string, MessageAttribute>,
  names: readonly string[] | undefined,
): Record<string, MessageAttribute> {
  if (names === undefined || names.length === 0) return {};
  if (names.includes('All') || names.includes('.*')) return attributes;
  const out: Record<string, MessageAttribute> = {};
  for (const [name, value] of Object.entries(attributes)) {
    const wanted = names.some((n) => (n.endsWith('.*') ? name.startsWith(n.slice(0, -1)) : n === name));
    if (wanted) out[name] = value;
  }
  return out;
}
