import { assertEpochMs, invalidSchedule } from './schedule-error.js';
import type { Schedule } from './types.js';

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;

/**
 * `rate(value unit)` with AWS's rules: a positive whole number, and the unit singular for 1 and
 * plural otherwise (`rate(1 minute)`, `rate(5 minutes)`, `rate(1 hour)`, `rate(2 days)`).
 *
 * Anchoring: AWS starts a rate when the rule is created. Gust aligns every rate to the Unix epoch
 * instead, so fire times are the multiples of the interval since 1970-01-01T00:00:00Z: `rate(5
 * minutes)` fires at :00, :05, :10...; `rate(1 day)` at 00:00 UTC. The same expression therefore
 * names the same instants on every node and after every restart, which is what lets "fire each
 * tick once" be checked against a stored last tick.
 *
 * `body` is what stands inside the parentheses; `display` is the text used in error messages.
 */
export function parseRate(body: string, display: string): Schedule {
  const words = body.trim().split(/\s+/);
  const [valueText = '', unitText = ''] = words;
  const allowed =
    'use rate(value unit) with a positive whole number and minute, minutes, hour, hours, day or days';
  if (words.length !== 2) throw invalidSchedule(display, `expected a value and a unit; ${allowed}`);
  if (!/^[1-9]\d*$/.test(valueText)) {
    throw invalidSchedule(display, `"${valueText}" is not a positive whole number; ${allowed}`, 'value');
  }
  const value = Number(valueText);
  const singular = unitText.endsWith('s') ? unitText.slice(0, -1) : unitText;
  if (!Object.hasOwn(UNIT_MS, singular)) {
    throw invalidSchedule(display, `"${unitText}" is not a unit; ${allowed}`, 'unit');
  }
  const unit = singular as Unit;
  const expected = value === 1 ? unit : `${unit}s`;
  if (unitText !== expected) {
    const rule = value === 1 ? 'a value of 1 takes a singular unit' : 'a value above 1 takes a plural unit';
    throw invalidSchedule(display, `${rule}: write rate(${value} ${expected})`, 'unit');
  }
  const intervalMs = value * UNIT_MS[unit];
  if (!Number.isSafeInteger(intervalMs)) throw invalidSchedule(display, 'the interval is too long', 'value');
  return createRateSchedule(`rate(${value} ${expected})`, intervalMs);
}

function createRateSchedule(expression: string, intervalMs: number): Schedule {
  return {
    kind: 'rate',
    expression,
    timezone: 'UTC',
    next(after) {
      assertEpochMs(after);
      // The next multiple of the interval strictly after `after` (floor also handles negatives).
      return (Math.floor(after / intervalMs) + 1) * intervalMs;
    },
    describe: () => expression,
  };
}
