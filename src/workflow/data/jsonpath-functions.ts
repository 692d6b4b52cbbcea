/**
 * Jayway's path functions, which may end a (non-reference) JSONPath: `$.items.length()`.
 * Aggregates ignore non-numbers, as Jayway does, and fail on an empty set.
 */
import { isJsonObject, type Json, jsonTypeOf } from './json.js';
import type { PathFunction } from './jsonpath-parser.js';
import { StatesError } from './states-error.js';

/** Applies a path function to the value the rest of the path selected. */
export function applyPathFunction(name: PathFunction, value: Json): Json {
  switch (name) {
    case 'length':
    case 'size':
      if (Array.isArray(value) || typeof value === 'string') return value.length;
      if (isJsonObject(value)) return Object.keys(value).length;
      return fail(name, value);
    case 'keys':
      return isJsonObject(value) ? Object.keys(value) : fail(name, value);
    case 'first':
    case 'last': {
      if (!Array.isArray(value) || value.length === 0) return fail(name, value);
      return (name === 'first' ? value[0] : value[value.length - 1]) as Json;
    }
    default:
      return aggregate(name, value);
  }
}

function aggregate(name: 'min' | 'max' | 'avg' | 'sum' | 'stddev', value: Json): number {
  const numbers = Array.isArray(value) ? value.filter((v): v is number => typeof v === 'number') : [];
  if (numbers.length === 0) {
    throw new StatesError(
      'States.Runtime',
      `Aggregation function ${name}() attempted to calculate value using empty array`,
    );
  }
  const sum = numbers.reduce((a, b) => a + b, 0);
  const mean = sum / numbers.length;
  switch (name) {
    case 'min':
      return Math.min(...numbers);
    case 'max':
      return Math.max(...numbers);
    case 'sum':
      return sum;
    case 'avg':
      return mean;
    case 'stddev':
      return Math.sqrt(numbers.reduce((a, b) => a + (b - mean) ** 2, 0) / numbers.length);
  }
}

function fail(name: string, value: Json): never {
  throw new StatesError(
    'States.Runtime',
    `The path function ${name}() cannot be applied to a value of type ${jsonTypeOf(value)}`,
  );
}
