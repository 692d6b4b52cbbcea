import { parseAwsCron } from './aws-cron.js';
import { createCronSchedule } from './cron-schedule.js';
import { parseCrontab } from './crontab.js';
import { parseRate } from './rate.js';
import { invalidSchedule } from './schedule-error.js';
import { resolveTimeZone } from './time-zone.js';
import type { Schedule, ScheduleInput } from './types.js';

/**
 * Parses a schedule as the manifest writes it (docs/schedules.md):
 *
 * - `'rate(5 minutes)'`: a fixed interval, aligned to the Unix epoch.
 * - `'cron(0 12 * * ? *)'`: AWS EventBridge cron, in UTC.
 * - `{ cron: 'cron(0 12 * * ? *)', timezone: 'Europe/Paris' }`: the same, in a time zone.
 * - `{ cron: '*\/10 * * * * *', timezone?: ... }`: a standard crontab line, 5 fields or 6 with
 *   seconds first. The `cron(...)` wrapper is what tells the two dialects apart, since both can
 *   have six fields.
 * - `{ rate: 'rate(5 minutes)' }` (or `'5 minutes'`): as the Serverless Framework's `rate` key,
 *   which also takes a `cron(...)` string.
 *
 * Throws GustError `ERR_INVALID_SCHEDULE` naming the expression, the field and what it allows.
 */
export function parseSchedule(input: ScheduleInput): Schedule {
  if (typeof input === 'string') return parseExpression(input.trim(), 'UTC');
  if (typeof input === 'object' && input !== null) {
    const hasCron = 'cron' in input;
    const hasRate = 'rate' in input;
    if (hasCron && hasRate) {
      throw invalidSchedule(describeInput(input), 'give either cron or rate, not both');
    }
    if (hasCron && typeof input.cron === 'string') {
      const display = input.cron.trim();
      const zone = input.timezone === undefined ? 'UTC' : resolveTimeZone(String(input.timezone), display);
      if (display.startsWith('cron(')) return parseExpression(display, zone);
      return parseCrontabSchedule(display, zone);
    }
    if (hasRate && typeof input.rate === 'string') {
      const display = input.rate.trim();
      if ('timezone' in input) {
        throw invalidSchedule(
          display,
          'a rate fires at fixed intervals and takes no timezone; use cron for that',
          'timezone',
        );
      }
      if (display.startsWith('rate(') || display.startsWith('cron(')) return parseExpression(display, 'UTC');
      return parseRate(display, display);
    }
  }
  throw invalidSchedule(
    describeInput(input),
    'a schedule is a string "rate(...)" or "cron(...)", or an object { cron, timezone? } or { rate }',
  );
}

/** `rate(...)` or `cron(...)`. */
function parseExpression(text: string, timezone: string): Schedule {
  const wrapped = /^(rate|cron)\((.*)\)$/s.exec(text);
  if (wrapped?.[1] === 'rate') return parseRate(wrapped[2] ?? '', text);
  if (wrapped?.[1] === 'cron') {
    const aws = parseAwsCron(wrapped[2] ?? '', text);
    return createCronSchedule({
      expression: `cron(${aws.fields.join(' ')})`,
      pattern: aws.pattern,
      mode: '7-part',
      domAndDow: true,
      timezone,
      dst: 'aws',
    });
  }
  throw invalidSchedule(
    text,
    'expected rate(value unit) or cron(minutes hours day-of-month month day-of-week year); ' +
      'for a standard crontab line use { cron: "..." }',
  );
}

function parseCrontabSchedule(text: string, timezone: string): Schedule {
  const crontab = parseCrontab(text, text);
  return createCronSchedule({
    expression: crontab.expression,
    pattern: crontab.pattern,
    mode: '6-part',
    domAndDow: false,
    timezone,
    dst: 'vixie',
  });
}

function describeInput(input: unknown): string {
  try {
    return JSON.stringify(input) ?? String(input);
  } catch {
    return String(input);
  }
}
