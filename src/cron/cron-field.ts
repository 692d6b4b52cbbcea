import type { Fail } from './schedule-error.js';

/**
 * One cron field as a dialect defines it. Values are in the dialect's own numbering (AWS counts
 * days of the week 1-7 from Sunday, crontab 0-7 with 0 and 7 both Sunday); `toCroner` turns them
 * into croner's numbering, which is crontab's.
 */
export interface FieldSpec {
  /** As the user's documentation names it: `minutes`, `day-of-week`, ... */
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Upper-case names the field also accepts (JAN-DEC, SUN-SAT). */
  readonly names?: Readonly<Record<string, number>>;
  /** A name's value when it ends a range, where it differs (crontab's FRI-SUN is 5-7). */
  readonly rangeEndNames?: Readonly<Record<string, number>>;
  /** Whether `/` (steps) is allowed. */
  readonly steps: boolean;
  /** What the field allows, for error messages, e.g. `0-59 with , - * /`. */
  readonly allowed: string;
  /** Croner text for a bare `*` when it must be narrower than croner's own (AWS years). */
  readonly star?: string;
  readonly toCroner?: (value: number) => number;
}

/**
 * Translates a list field (`*`, values, names, `a-b`, and steps `*\/n`, `a/n`, `a-b/n`, joined by
 * commas) into croner's syntax. Special forms (`?`, `L`, `W`, `#`) belong to the dialect and are
 * handled before this is called; anything else that is not a plain value fails with a message that
 * names the offending text. `a/n` becomes `a-max/n`, since croner only takes `*` or a range before
 * a step.
 */
export function translateList(text: string, spec: FieldSpec, fail: Fail): string {
  if (text === '*') return spec.star ?? '*';
  return text
    .split(',')
    .map((item) => {
      if (item === '') fail(`"${text}" has an empty list item; allowed: ${spec.allowed}`);
      return translateItem(item, text, spec, fail);
    })
    .join(',');
}

function translateItem(item: string, text: string, spec: FieldSpec, fail: Fail): string {
  const parts = item.split('/');
  if (parts.length > 2) fail(`"${item}" has more than one /; allowed: ${spec.allowed}`);
  const [rangeText = '', stepText] = parts;
  let step: number | undefined;
  if (stepText !== undefined) {
    if (!spec.steps) fail(`/ is not allowed here ("${item}"); allowed: ${spec.allowed}`);
    step = Number(stepText);
    const most = spec.max - spec.min;
    if (!/^\d+$/.test(stepText) || step < 1 || step > most) {
      fail(`the step in "${item}" must be a whole number from 1 to ${most}`);
    }
  }
  let from: number;
  let to: number;
  if (rangeText === '*') {
    if (step === undefined) fail(`"${text}": * cannot be part of a list; allowed: ${spec.allowed}`);
    from = spec.min;
    to = spec.max;
  } else {
    const ends = rangeText.split('-');
    if (ends.length > 2) fail(`"${item}" is not a range; allowed: ${spec.allowed}`);
    const [startText = '', endText] = ends;
    from = readValue(startText, spec, false, fail);
    to = endText !== undefined ? readValue(endText, spec, true, fail) : step !== undefined ? spec.max : from;
    if (from > to) fail(`the range "${rangeText}" runs backwards; write the smaller value first`);
  }
  const convert = spec.toCroner ?? ((value: number) => value);
  if (step !== undefined) return `${convert(from)}-${convert(to)}/${step}`;
  return from === to ? `${convert(from)}` : `${convert(from)}-${convert(to)}`;
}

/** A number or a name of this field, checked against its bounds. */
export function readValue(token: string, spec: FieldSpec, rangeEnd: boolean, fail: Fail): number {
  if (/^\d+$/.test(token)) {
    const value = Number(token);
    if (value < spec.min || value > spec.max) fail(`${token} is out of range; allowed: ${spec.allowed}`);
    return value;
  }
  const name = token.toUpperCase();
  if (rangeEnd && spec.rangeEndNames && Object.hasOwn(spec.rangeEndNames, name))
    return spec.rangeEndNames[name] ?? 0;
  if (spec.names && Object.hasOwn(spec.names, name)) return spec.names[name] ?? 0;
  if (token === '?') fail('? stands alone, and only in day-of-month or day-of-week');
  if (token === '') fail(`a value is missing; allowed: ${spec.allowed}`);
  return fail(`"${token}" is not allowed; allowed: ${spec.allowed}`);
}

export const MONTH_NAMES: Readonly<Record<string, number>> = {
  JAN: 1,
  FEB: 2,
  MAR: 3,
  APR: 4,
  MAY: 5,
  JUN: 6,
  JUL: 7,
  AUG: 8,
  SEP: 9,
  OCT: 10,
  NOV: 11,
  DEC: 12,
};

/** The day-of-month special forms both dialects share: `L`, `LW` and `nW`. Null if none. */
export function translateDayOfMonthSpecial(text: string, spec: FieldSpec, fail: Fail): string | null {
  const upper = text.toUpperCase();
  if (upper === 'L' || upper === 'LW') return upper;
  const weekday = /^(\d+)W$/.exec(upper);
  if (weekday) return `${readValue(weekday[1] ?? '', spec, false, fail)}W`;
  if (/[LW]/.test(upper)) {
    fail(
      `"${text}": L and W stand alone, as L (last day), LW (last weekday) or nW such as 15W (weekday nearest the 15th)`,
    );
  }
  return null;
}

/** Day of month and month read the same in AWS cron and standard crontab. */
export const DAY_OF_MONTH: FieldSpec = {
  name: 'day-of-month',
  min: 1,
  max: 31,
  steps: true,
  allowed: '1-31 with , - * ? / L W',
};

export const MONTH: FieldSpec = {
  name: 'month',
  min: 1,
  max: 12,
  names: MONTH_NAMES,
  steps: true,
  allowed: '1-12 or JAN-DEC with , - * /',
};
