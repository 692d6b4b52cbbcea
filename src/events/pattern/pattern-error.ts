/**
 * How an invalid pattern is reported: one GustError code, a message that starts with the JSON path of
 * the offending part (`pattern.detail.price[0].numeric: ...`) and says why, and the same path in
 * `details.path`. AWS-compatible APIs show it as `InvalidEventPatternException`.
 */
import { GustError } from '../../core/errors.js';

/** A location inside the pattern, root first: field names and array indexes. */
export type PatternPath = readonly (string | number)[];

// Keys that read unambiguously after a dot. Anything else (dots, spaces, quotes, the empty key) is
// written as ["key"] so a dotted key is never confused with nesting.
const PLAIN_KEY = /^[A-Za-z0-9_$-]+$/;

/** Formats a path as `pattern.detail["state.name"][0].numeric`. */
export function formatPath(path: PatternPath): string {
  let out = 'pattern';
  for (const step of path) {
    if (typeof step === 'number') out += `[${step}]`;
    else if (PLAIN_KEY.test(step)) out += `.${step}`;
    else out += `[${JSON.stringify(step)}]`;
  }
  return out;
}

/** Describes a JSON value for a message: `string "x"`, `number 10`, `array`, `null`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return `string ${quote(value)}`;
    case 'number':
    case 'boolean':
      return `${typeof value} ${String(value)}`;
    case 'object':
      return 'object';
    default:
      return typeof value;
  }
}

/** A string as JSON, shortened so one huge value cannot flood a message. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

export function invalidPattern(path: PatternPath, why: string): GustError {
  const where = formatPath(path);
  return new GustError('ERR_INVALID_PATTERN', `${where}: ${why}`, {
    details: { path: where },
    awsType: 'InvalidEventPatternException',
  });
}
