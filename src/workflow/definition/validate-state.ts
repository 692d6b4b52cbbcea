/**
 * The rules for one state: its Type, the fields its type and query language allow, required and
 * mutually exclusive fields, Next/End, and the values of paths, templates, JSONata, numbers,
 * Retry and Catch. Nested machines (Parallel branches, Map processors) are validate.ts's.
 */
import {
  checkAssign,
  checkJsonataValue,
  checkPath,
  checkPathOrIntrinsic,
  checkTemplate,
  isJsonataText,
} from './data-checks.js';
import { ALLOWED_FIELDS, EXCLUSIVE_PAIRS, JSONATA_ONLY, JSONPATH_ONLY } from './field-sets.js';
import { at, type Issues, isObject } from './issues.js';
import type { QueryLanguage, StateType } from './types.js';
import { checkChoices } from './validate-choice.js';
import { checkTaskFields } from './validate-task.js';

const TYPES = new Set<StateType>(['Task', 'Pass', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map']);
/** Fields of a JSONata state whose strings are not (all) JSONata: checked elsewhere or free text. */
const NOT_JSONATA = new Set([
  'Comment',
  'Assign',
  'Choices',
  'Branches',
  'ItemProcessor',
  'Iterator',
  'Catch',
  'Retry',
]);
const HAS_NEXT: ReadonlySet<StateType> = new Set(['Task', 'Pass', 'Wait', 'Parallel', 'Map']);

export interface StateCheckOptions {
  /** The machine's QueryLanguage (inherited from the top level). */
  language: QueryLanguage;
  /** Allow Parameters on Choice states (partial definitions in conformance suites). */
  lenient: boolean;
}

/** Returns the state's type when it is valid (so the caller can descend into nested machines). */
export function checkState(
  issues: Issues,
  path: string,
  state: unknown,
  options: StateCheckOptions,
): StateType | undefined {
  if (!isObject(state)) {
    issues.add(path, 'a state must be an object');
    return undefined;
  }
  const type = state.Type as StateType;
  if (!TYPES.has(type)) {
    issues.add(at(path, 'Type'), `Type must be one of ${[...TYPES].join(', ')}`);
    return undefined;
  }
  if (
    state.QueryLanguage !== undefined &&
    state.QueryLanguage !== 'JSONPath' &&
    state.QueryLanguage !== 'JSONata'
  ) {
    issues.add(at(path, 'QueryLanguage'), 'QueryLanguage must be JSONPath or JSONata');
  }
  const language: QueryLanguage =
    state.QueryLanguage === 'JSONata' || state.QueryLanguage === 'JSONPath'
      ? state.QueryLanguage
      : options.language;
  const jsonata = language === 'JSONata';
  const allowed = ALLOWED_FIELDS[type];
  for (const key of Object.keys(state)) {
    if (!allowed.has(key) && !(options.lenient && type === 'Choice' && key === 'Parameters')) {
      issues.add(at(path, key), `'${key}' is not a field of a ${type} state`);
    } else if (jsonata && JSONPATH_ONLY.has(key)) {
      issues.add(
        at(path, key),
        `'${key}' is a JSONPath field; this state uses JSONata (use Arguments, Output, Items or "{% %}" instead)`,
      );
    } else if (!jsonata && JSONATA_ONLY.has(key)) {
      issues.add(at(path, key), `'${key}' is a JSONata field; set "QueryLanguage": "JSONata" to use it`);
    }
  }
  for (const [a, b] of EXCLUSIVE_PAIRS) {
    if (state[a] !== undefined && state[b] !== undefined)
      issues.add(at(path, b), `${a} and ${b} cannot both be set`);
  }
  checkFlow(issues, path, state, type, options.lenient);
  checkDataFields(issues, path, state, jsonata);
  switch (type) {
    case 'Task':
      checkTaskFields(issues, path, state, jsonata);
      break;
    case 'Choice':
      checkChoices(issues, at(path, 'Choices'), state.Choices, jsonata, options.lenient);
      if (state.Default !== undefined && typeof state.Default !== 'string')
        issues.add(at(path, 'Default'), 'Default must be a state name');
      break;
    case 'Wait':
      checkWait(issues, path, state);
      break;
    case 'Fail':
      for (const f of ['Error', 'Cause']) {
        if (state[f] !== undefined && typeof state[f] !== 'string')
          issues.add(at(path, f), `${f} must be a string`);
        if (state[`${f}Path`] !== undefined)
          checkPathOrIntrinsic(issues, at(path, `${f}Path`), state[`${f}Path`]);
      }
      break;
    case 'Map':
      checkMapNumbers(issues, path, state);
      break;
  }
  if (type === 'Task' || type === 'Parallel' || type === 'Map')
    checkErrorHandling(issues, path, state, jsonata);
  return type;
}

function checkFlow(
  issues: Issues,
  path: string,
  state: Record<string, unknown>,
  type: StateType,
  lenient: boolean,
): void {
  if (!HAS_NEXT.has(type)) {
    if (state.Next !== undefined) issues.add(at(path, 'Next'), `a ${type} state cannot have Next`);
    if (state.End !== undefined) issues.add(at(path, 'End'), `a ${type} state cannot have End`);
    return;
  }
  if (state.End !== undefined && state.End !== true)
    issues.add(at(path, 'End'), 'End must be true when given');
  if (state.Next !== undefined && typeof state.Next !== 'string')
    issues.add(at(path, 'Next'), 'Next must be a state name');
  const hasNext = state.Next !== undefined;
  const hasEnd = state.End === true;
  // Lenient (conformance suites): a stray Next beside "End": true is ignored.
  if (hasNext === hasEnd && !(lenient && hasEnd))
    issues.add(path, `a ${type} state needs exactly one of Next or "End": true`);
}

function checkDataFields(
  issues: Issues,
  path: string,
  state: Record<string, unknown>,
  jsonata: boolean,
): void {
  for (const f of ['InputPath', 'OutputPath']) {
    if (state[f] !== undefined) checkPath(issues, at(path, f), state[f], { nullable: true });
  }
  if (state.ResultPath !== undefined) {
    checkPath(issues, at(path, 'ResultPath'), state.ResultPath, {
      reference: true,
      inputOnly: true,
      nullable: true,
    });
  }
  for (const f of [
    'ItemsPath',
    'SecondsPath',
    'TimestampPath',
    'TimeoutSecondsPath',
    'HeartbeatSecondsPath',
    'MaxConcurrencyPath',
    'ToleratedFailureCountPath',
    'ToleratedFailurePercentagePath',
  ]) {
    if (state[f] !== undefined) checkPath(issues, at(path, f), state[f], { reference: true });
  }
  for (const f of ['Parameters', 'ResultSelector', 'ItemSelector']) {
    if (state[f] !== undefined && !jsonata) checkTemplate(issues, at(path, f), state[f]);
  }
  if (state.Assign !== undefined) checkAssign(issues, at(path, 'Assign'), state.Assign, jsonata);
  if (jsonata) {
    for (const [key, value] of Object.entries(state)) {
      if (!NOT_JSONATA.has(key)) checkJsonataValue(issues, at(path, key), value);
    }
  }
}

function checkWait(issues: Issues, path: string, state: Record<string, unknown>): void {
  const given = ['Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath'].filter(
    (f) => state[f] !== undefined,
  );
  if (given.length !== 1)
    issues.add(path, 'a Wait state needs exactly one of Seconds, SecondsPath, Timestamp or TimestampPath');
  if (state.Seconds !== undefined && !isJsonataText(state.Seconds)) {
    if (typeof state.Seconds !== 'number' || !Number.isInteger(state.Seconds) || state.Seconds < 0) {
      issues.add(at(path, 'Seconds'), 'Seconds must be a non-negative integer');
    }
  }
  if (
    typeof state.Timestamp === 'string' &&
    !isJsonataText(state.Timestamp) &&
    Number.isNaN(Date.parse(state.Timestamp))
  ) {
    issues.add(at(path, 'Timestamp'), 'Timestamp must be an ISO-8601 timestamp such as 2016-03-14T01:59:00Z');
  }
}

function checkMapNumbers(issues: Issues, path: string, state: Record<string, unknown>): void {
  const limits: Array<[string, number]> = [
    ['MaxConcurrency', Number.POSITIVE_INFINITY],
    ['ToleratedFailureCount', Number.POSITIVE_INFINITY],
    ['ToleratedFailurePercentage', 100],
  ];
  for (const [field, max] of limits) {
    const value = state[field];
    if (value === undefined || isJsonataText(value)) continue;
    if (
      typeof value !== 'number' ||
      value < 0 ||
      value > max ||
      (field !== 'ToleratedFailurePercentage' && !Number.isInteger(value))
    ) {
      issues.add(at(path, field), `${field} must be a number from 0${max === 100 ? ' to 100' : ''}`);
    }
  }
  for (const [name, pairs] of [
    [
      'ItemBatcher',
      [
        ['MaxItemsPerBatch', 'MaxItemsPerBatchPath'],
        ['MaxInputBytesPerBatch', 'MaxInputBytesPerBatchPath'],
      ],
    ],
    ['ItemReader.ReaderConfig', [['MaxItems', 'MaxItemsPath']]],
  ] as const) {
    const [first, second] = name.split('.') as [string, string | undefined];
    let config: unknown = state[first];
    if (second !== undefined && isObject(config)) config = config[second];
    if (!isObject(config)) continue;
    for (const [a, b] of pairs) {
      if (config[a] !== undefined && config[b] !== undefined)
        issues.add(at(at(path, name), b), `${a} and ${b} cannot both be set`);
    }
  }
}

const RETRY_FIELDS = new Set([
  'ErrorEquals',
  'IntervalSeconds',
  'MaxAttempts',
  'BackoffRate',
  'MaxDelaySeconds',
  'JitterStrategy',
  'Comment',
]);
const CATCH_FIELDS = new Set(['ErrorEquals', 'Next', 'ResultPath', 'Output', 'Assign', 'Comment']);

function checkErrorHandling(
  issues: Issues,
  path: string,
  state: Record<string, unknown>,
  jsonata: boolean,
): void {
  for (const field of ['Retry', 'Catch'] as const) {
    const list = state[field];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      issues.add(at(path, field), `${field} must be an array`);
      continue;
    }
    for (const [i, entry] of list.entries()) {
      const p = at(at(path, field), i);
      if (!isObject(entry)) {
        issues.add(p, 'must be an object');
        continue;
      }
      const allowed = field === 'Retry' ? RETRY_FIELDS : CATCH_FIELDS;
      for (const key of Object.keys(entry))
        if (!allowed.has(key)) issues.add(at(p, key), `'${key}' is not a field of a ${field} entry`);
      checkErrorEquals(issues, at(p, 'ErrorEquals'), entry.ErrorEquals, i === list.length - 1);
      if (field === 'Retry') checkRetrier(issues, p, entry);
      else checkCatcher(issues, p, entry, jsonata);
    }
  }
}

function checkErrorEquals(issues: Issues, path: string, value: unknown, last: boolean): void {
  if (!Array.isArray(value) || value.length === 0 || !value.every((e) => typeof e === 'string')) {
    issues.add(path, 'ErrorEquals must be a non-empty array of error names');
    return;
  }
  if (value.includes('States.ALL') && (value.length > 1 || !last)) {
    issues.add(path, 'States.ALL must appear alone, in the last entry');
  }
}

function checkRetrier(issues: Issues, path: string, r: Record<string, unknown>): void {
  const integer = (f: string, min: number) => {
    const v = r[f];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < min))
      issues.add(at(path, f), `${f} must be an integer ≥ ${min}`);
  };
  integer('IntervalSeconds', 1);
  integer('MaxAttempts', 0);
  integer('MaxDelaySeconds', 1);
  if (r.BackoffRate !== undefined && (typeof r.BackoffRate !== 'number' || r.BackoffRate < 1))
    issues.add(at(path, 'BackoffRate'), 'BackoffRate must be a number ≥ 1.0');
  if (r.JitterStrategy !== undefined && r.JitterStrategy !== 'FULL' && r.JitterStrategy !== 'NONE')
    issues.add(at(path, 'JitterStrategy'), 'JitterStrategy must be FULL or NONE');
}

function checkCatcher(issues: Issues, path: string, c: Record<string, unknown>, jsonata: boolean): void {
  if (typeof c.Next !== 'string') issues.add(at(path, 'Next'), 'a Catch entry needs a Next state name');
  if (c.ResultPath !== undefined) {
    if (jsonata)
      issues.add(at(path, 'ResultPath'), "'ResultPath' is a JSONPath field; JSONata catchers use Output");
    else
      checkPath(issues, at(path, 'ResultPath'), c.ResultPath, {
        reference: true,
        inputOnly: true,
        nullable: true,
      });
  }
  if (c.Output !== undefined) {
    if (!jsonata) issues.add(at(path, 'Output'), "'Output' is a JSONata field");
    else checkJsonataValue(issues, at(path, 'Output'), c.Output);
  }
  if (c.Assign !== undefined) checkAssign(issues, at(path, 'Assign'), c.Assign, jsonata);
}
