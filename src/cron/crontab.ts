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
 * Standard (Vixie) crontab lines, as `{ cron: '...' }` takes them: 5 fields (minute precision) or
 * 6 with seconds first, and the nicknames `@hourly`, `@daily`, `@weekly`, `@monthly`, `@yearly`.
 *
 *   second        0-59                 , - * /      (6-field form only)
 *   minute        0-59                 , - * /
 *   hour          0-23                 , - * /
 *   day-of-month  1-31                 , - * ? / L W
 *   month         1-12 or JAN-DEC      , - * /
 *   day-of-week   0-7 or SUN-SAT       , - * ? / L #   (0 and 7 = Sunday)
 *
 * As in Vixie cron, when both day fields are restricted a day matching either one fires. `?` is
 * `*` and is taken only in the day fields: elsewhere it almost always means an AWS expression
 * written without its `cron(...)`, which would silently mean something else here.
 */
export interface Crontab {
  /** The fields (or the nickname), upper-cased names: the normalised expression. */
  readonly expression: string;
  /** Croner's 6-part pattern (seconds first). */
  readonly pattern: string;
}

const NICKNAMES: Readonly<Record<string, string>> = {
  '@YEARLY': '0 0 1 1 *',
  '@ANNUALLY': '0 0 1 1 *',
  '@MONTHLY': '0 0 1 * *',
  '@WEEKLY': '0 0 * * 0',
  '@DAILY': '0 0 * * *',
  '@MIDNIGHT': '0 0 * * *',
  '@HOURLY': '0 * * * *',
};

const DAY_NAMES: Readonly<Record<string, number>> = {
  SUN: 0,
  MON: 1,
  TUE: 2,
  WED: 3,
  THU: 4,
  FRI: 5,
  SAT: 6,
};

const SECOND: FieldSpec = { name: 'second', min: 0, max: 59, steps: true, allowed: '0-59 with , - * /' };
const MINUTE: FieldSpec = { name: 'minute', min: 0, max: 59, steps: true, allowed: '0-59 with , - * /' };
const HOUR: FieldSpec = { name: 'hour', min: 0, max: 23, steps: true, allowed: '0-23 with , - * /' };
const DAY_OF_WEEK: FieldSpec = {
  name: 'day-of-week',
  min: 0,
  max: 7,
  names: DAY_NAMES,
  // FRI-SUN is Friday to Sunday, 5-7, not a backwards 5-0.
  rangeEndNames: { SUN: 7 },
  steps: true,
  allowed: '0-7 (0 and 7 = SUN) or SUN-SAT with , - * ? / L #',
};

/** Parses a crontab line; `display` is the text used in error messages. */
export function parseCrontab(text: string, display: string): Crontab {
  const trimmed = text.trim();
  if (trimmed.startsWith('@')) {
    const line = NICKNAMES[trimmed.toUpperCase()];
    if (line === undefined) {
      throw invalidSchedule(
        display,
        `unknown nickname; use one of ${Object.keys(NICKNAMES).join(', ').toLowerCase()}`,
      );
    }
    return { expression: trimmed.toLowerCase(), pattern: parseCrontab(line, display).pattern };
  }
  const fields = trimmed === '' ? [] : trimmed.split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    throw invalidSchedule(
      display,
      `expected 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first, got ${fields.length}`,
    );
  }
  const specs =
    fields.length === 6
      ? [SECOND, MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK]
      : [MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK];
  const parts = fields.map((field, index) => {
    const spec = specs[index] ?? SECOND;
    const fail: Fail = (problem) => {
      throw invalidSchedule(display, problem, spec.name);
    };
    if (field.includes('?') && spec !== DAY_OF_MONTH && spec !== DAY_OF_WEEK) {
      const aws = fields.length === 6 ? `; as an AWS expression write cron(${fields.join(' ')})` : '';
      fail(`? is allowed only in day-of-month and day-of-week${aws}`);
    }
    if (field === '?') return '*';
    if (spec === DAY_OF_MONTH)
      return translateDayOfMonthSpecial(field, spec, fail) ?? translateList(field, spec, fail);
    if (spec === DAY_OF_WEEK) return translateDayOfWeek(field, fail);
    return translateList(field, spec, fail);
  });
  if (parts.length === 5) parts.unshift('0');
  return { expression: fields.join(' ').toUpperCase(), pattern: parts.join(' ') };
}

function translateDayOfWeek(text: string, fail: Fail): string {
  const day = (token: string) => readValue(token, DAY_OF_WEEK, false, fail);
  if (text.includes('#')) {
    const nth = /^(\w+)#(\d+)$/.exec(text);
    if (!nth) fail(`"${text}": # stands alone in day-of-week, as day#n such as 2#1 (the first Tuesday)`);
    const n = Number(nth[2]);
    if (n < 1 || n > 5) fail(`"${text}": the n in day#n must be 1-5`);
    return `${day(nth[1] ?? '')}#${n}`;
  }
  const last = /^(\w+)L$/i.exec(text);
  if (last) return `${day(last[1] ?? '')}#L`;
  if (text.includes('L'))
    fail(`"${text}": L stands alone in day-of-week, as nL such as 5L (the last Friday)`);
  return translateList(text, DAY_OF_WEEK, fail);
}
