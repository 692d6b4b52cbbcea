import { GustError } from '../core/errors.js';

/**
 * The one way this folder reports a bad expression: the message starts with the expression as the
 * user wrote it (normalised), then names the field and what it allows.
 */
export function invalidSchedule(expression: string, problem: string, field?: string): GustError {
  const details = field === undefined ? { expression } : { expression, field };
  const where = field === undefined ? '' : `${field}: `;
  return new GustError('ERR_INVALID_SCHEDULE', `${expression}: ${where}${problem}`, { details });
}

/** Throws the problem it is given; field parsers take one so they need not know the expression. */
export type Fail = (problem: string) => never;

/** Guards the public time arguments: a NaN or an Infinity here is a caller's bug, not user input. */
export function assertEpochMs(ms: number): void {
  if (!Number.isFinite(ms)) throw new RangeError(`Expected a time in epoch milliseconds, got ${ms}`);
}
