import {
  DAY_OF_MONTH,
  type FieldSpec,
  MONTH,
  readValue,
  translateDayOfMonthSpecial,
  translateList,
} from './cron-field.js';
import { type Fail, invalidSchedule } from './schedule-error.js';

/**
 * AWS EventBridge cron: `cron(minutes hours day-of-month month day-of-week year)`, with the rules of
 * the EventBridge cron reference:
 *
 *   minutes       0-59                 , - * /
 *   hours         0-23                 , - * /
 *   day-of-month  1-31                 , - * ? / L W
 *   month         1-12 or JAN-DEC      , - * /
 *   day-of-week   1-7 or SUN-SAT       , - * ? L #     (1 = Sunday, 7 = Saturday)
 *   year          1970-2199            , - * /
 *
 * Exactly one of day-of-month and day-of-week is `?`. `#` (`3#2`, the second Tuesday) stands alone
 * in day-of-week; so do `L` (Saturday, the last day of the week) and `nL` (the last such day of the
 * month, `6L` = last Friday). In day-of-month `L` is the last day, `LW` the last weekday and `nW`
 * the weekday nearest day n, never leaving the month.
 *
 * The result is croner's 7-part pattern (a 0 seconds field first) with crontab day numbering; it is
 * evaluated with day-of-month AND day-of-week, which is AWS's meaning once one of them is `?` (`*`).
 */
export interface AwsCron {
  /** The six fields, upper-cased: the normalised expression is `cron(${fields.join(' ')})`. */
  readonly fields: readonly string[];
  readonly pattern: string;
}

const DAY_NAMES: Readonly<Record<string, number>> = {
  SUN: 1,
  MON: 2,
  TUE: 3,
  WED: 4,
  THU: 5,
  FRI: 6,
  SAT: 7,
};

const MINUTES: FieldSpec = { name: 'minutes', min: 0, max: 59, steps: true, allowed: '0-59 with , - * /' };
const HOURS: FieldSpec = { name: 'hours', min: 0, max: 23, steps: true, allowed: '0-23 with , - * /' };
const DAY_OF_WEEK: FieldSpec = {
  name: 'day-of-week',
  min: 1,
  max: 7,
  names: DAY_NAMES,
  steps: false,
  allowed: '1-7 (1 = SUN) or SUN-SAT with , - * ? L #',
  // AWS counts 1 = Sunday ... 7 = Saturday; croner (like crontab) 0 = Sunday ... 6 = Saturday.
  toCroner: (value) => value - 1,
};
const YEAR: FieldSpec = {
  name: 'year',
  min: 1970,
  max: 2199,
  steps: true,
  allowed: '1970-2199 with , - * /',
  // Croner's own `*` spans years 1-9999; AWS's spans 1970-2199, so a schedule ends after 2199.
  star: '1970-2199',
};

/** Parses what stands inside `cron(...)`; `display` is the text used in error messages. */
export function parseAwsCron(body: string, display: string): AwsCron {
  const raw = body.trim() === '' ? [] : body.trim().split(/\s+/);
  const fields = raw.map((field) => field.toUpperCase());
  if (fields.length !== 6) {
    const hint = fields.length === 5 ? '; add the year field, e.g. * for every year' : '';
    throw invalidSchedule(
      display,
      `expected 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}${hint}`,
    );
  }
  const [minutes = '', hours = '', dayOfMonth = '', month = '', dayOfWeek = '', year = ''] = raw;
  if (dayOfMonth === '?' && dayOfWeek === '?') {
    throw invalidSchedule(
      display,
      'day-of-month and day-of-week cannot both be ?; give one of them a value or *',
    );
  }
  if (dayOfMonth !== '?' && dayOfWeek !== '?') {
    throw invalidSchedule(
      display,
      'day-of-month and day-of-week cannot both be specified; use ? in one of them',
    );
  }
  const failIn =
    (spec: FieldSpec): Fail =>
    (problem) => {
      throw invalidSchedule(display, problem, spec.name);
    };
  const pattern = [
    '0',
    translateList(minutes, MINUTES, failIn(MINUTES)),
    translateList(hours, HOURS, failIn(HOURS)),
    translateDayOfMonth(dayOfMonth, failIn(DAY_OF_MONTH)),
    translateList(month, MONTH, failIn(MONTH)),
    translateDayOfWeek(dayOfWeek, failIn(DAY_OF_WEEK)),
    translateList(year, YEAR, failIn(YEAR)),
  ].join(' ');
  return { fields, pattern };
}

function translateDayOfMonth(text: string, fail: Fail): string {
  if (text === '?') return '*';
  return translateDayOfMonthSpecial(text, DAY_OF_MONTH, fail) ?? translateList(text, DAY_OF_MONTH, fail);
}

function translateDayOfWeek(text: string, fail: Fail): string {
  if (text === '?') return '*';
  if (text.toUpperCase() === 'L') return '6'; // the last day of the week: Saturday
  const day = (token: string) => readValue(token, DAY_OF_WEEK, false, fail) - 1;
  if (text.includes('#')) {
    const nth = /^(\w+)#(\d+)$/.exec(text);
    if (!nth) {
      fail(`"${text}": # stands alone in day-of-week, as day#n such as 3#2 (the second Tuesday)`);
    }
    const n = Number(nth[2]);
    if (n < 1 || n > 5) fail(`"${text}": the n in day#n must be 1-5`);
    return `${day(nth[1] ?? '')}#${n}`;
  }
  const last = /^(\w+)L$/i.exec(text);
  if (last) return `${day(last[1] ?? '')}#L`;
  if (/L/i.test(text)) {
    fail(`"${text}": L stands alone in day-of-week, as L (Saturday) or nL such as 6L (the last Friday)`);
  }
  return translateList(text, DAY_OF_WEEK, fail);
}
