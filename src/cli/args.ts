/**
 * Parsing of flag values that need more than commander gives: --since times, --payload JSON
 * (inline or @file), and bounded integers. Errors are usage errors (exit code 2) that say what
 * was expected.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { usageError } from './cli-error.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
/** Epoch milliseconds below this (2001-09-09) are almost certainly a duration missing its unit. */
const MIN_EPOCH_MS = 1_000_000_000_000;

/** Parses `90s`, `10m`, `1h30m`, `2d`, `250ms` into milliseconds; undefined when it is not a duration. */
export function parseDurationMs(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(DURATION_PART)) {
    total += Number(amount) * (UNIT_MS[unit ?? ''] ?? 0);
  }
  return total;
}

/**
 * Reads a --since value as epoch milliseconds: a duration ago (`10m`, `1h`), an ISO date or time
 * (`2025-11-26`, `2025-11-26T10:00:00Z`), or epoch milliseconds (`1764194400000`).
 */
export function parseSince(text: string, now: number): number {
  const value = text.trim();
  const duration = parseDurationMs(value);
  if (duration !== undefined) return now - duration;
  if (/^\d+$/.test(value)) {
    const ms = Number(value);
    if (ms < MIN_EPOCH_MS) {
      throw usageError(`--since ${value}: give a unit (${value}m, ${value}h) or full epoch milliseconds.`);
    }
    return ms;
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return ms;
  }
  throw usageError(
    `--since '${text}' is not a time: use a duration like 10m or 1h, an ISO time like 2025-11-26T10:00:00Z, or epoch milliseconds.`,
  );
}

/**
 * Returns the invocation payload for --payload: inline JSON, or `@path` to read a file (relative to
 * `cwd`). No flag means `{}`. The text is sent as written, after checking here that it is JSON, so
 * the user hears about a typo before anything reaches the server.
 */
export function readPayload(option: string | undefined, cwd: string): string {
  if (option === undefined) return '{}';
  let text = option;
  let source = '--payload';
  if (option.startsWith('@')) {
    const file = option.slice(1);
    if (file === '')
      throw usageError('--payload @: give a file name after the @, like --payload @event.json.');
    source = `--payload ${option}`;
    try {
      text = readFileSync(resolve(cwd, file), 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? String(error);
      throw usageError(`${source}: cannot read ${file} (${reason}).`, error);
    }
  }
  try {
    JSON.parse(text);
  } catch (error) {
    throw usageError(`${source} is not valid JSON: ${(error as Error).message}`, error);
  }
  return text;
}

/** A commander argument parser for an integer in [min, max]. */
export function integerOption(min: number, max: number = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(
        max === Number.MAX_SAFE_INTEGER
          ? `Expected an integer ≥ ${min}.`
          : `Expected an integer from ${min} to ${max}.`,
      );
    }
    return n;
  };
}

/** A commander argument parser for a positive number of seconds (fractions allowed). */
export function secondsOption(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError('Expected a positive number of seconds.');
  }
  return n;
}
