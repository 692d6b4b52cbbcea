import { invalidParameter } from './secret-errors.js';
import type { SecretValue } from './secret-values.js';

/** A Secrets Manager request body, as parsed JSON. */
export type SecretsInput = Record<string, unknown>;

export function optionalString(input: SecretsInput, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidParameter(field, `expected a string, got ${typeof value}.`);
  return value;
}

export function requiredString(input: SecretsInput, field: string): string {
  const value = optionalString(input, field);
  if (value === undefined || value === '') throw invalidParameter(field, 'this parameter is required.');
  return value;
}

export function optionalBoolean(input: SecretsInput, field: string): boolean | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidParameter(field, 'expected true or false.');
  return value;
}

export function optionalInteger(input: SecretsInput, field: string): number | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw invalidParameter(field, 'expected a whole number.');
  return value;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The value of SecretString or SecretBinary (base64 in the JSON protocol). Giving both is an
 * error; giving neither is undefined, which the operations that need a value refuse.
 */
export function secretValueOf(input: SecretsInput): SecretValue | undefined {
  const text = optionalString(input, 'SecretString');
  const binary = optionalString(input, 'SecretBinary');
  if (text !== undefined && binary !== undefined) {
    throw invalidParameter(
      'SecretBinary',
      "You can't specify both a binary secret value and a string secret value in the same secret.",
    );
  }
  if (text !== undefined) return { kind: 'string', text };
  if (binary === undefined) return undefined;
  if (!BASE64.test(binary)) throw invalidParameter('SecretBinary', 'expected base64-encoded bytes.');
  return { kind: 'binary', bytes: Buffer.from(binary, 'base64') };
}

/** Epoch milliseconds as the JSON protocol's timestamps: epoch seconds. */
export const epochSeconds = (ms: number) => ms / 1000;
