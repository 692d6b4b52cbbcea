import { GustError } from '../core/errors.js';

/** Bounds and default of an integer query parameter. */
export interface IntegerParam {
  min: number;
  max: number;
}

function invalidParameter(name: string, expected: string, got: string): GustError {
  return new GustError(
    'ERR_INVALID_PARAMETER',
    `Query parameter '${name}' must be ${expected}, got ${JSON.stringify(got)}.`,
    { details: { parameter: name } },
  );
}

/**
 * Reads an integer query parameter: undefined when absent, else an integer within [min, max], or
 * 400 ERR_INVALID_PARAMETER naming the parameter.
 */
export function integerParam(query: URLSearchParams, name: string, bounds: IntegerParam): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const value = /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < bounds.min || value > bounds.max) {
    const range =
      bounds.max === Number.MAX_SAFE_INTEGER
        ? `at least ${bounds.min}`
        : `from ${bounds.min} to ${bounds.max}`;
    throw invalidParameter(name, `an integer ${range}`, raw);
  }
  return value;
}

/** Reads a string query parameter: undefined when absent; 400 when present but empty. */
export function stringParam(query: URLSearchParams, name: string): string | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (raw === '') throw invalidParameter(name, 'a non-empty string', raw);
  return raw;
}
