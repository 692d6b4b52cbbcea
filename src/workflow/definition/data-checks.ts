/**
 * Checks of field values written in the data languages (JSONPath, intrinsic functions, JSONata,
 * payload templates). The languages themselves live in src/workflow/data/; this file applies
 * them to a definition's fields and reports issues.
 */
import { intrinsicProblem, isIntrinsic } from '../data/intrinsics.js';
import type { Json } from '../data/json.js';
import { jsonataProblem } from '../data/jsonata.js';
import { pathProblem, splitRoot } from '../data/jsonpath.js';
import { templateProblems } from '../data/payload-template.js';
import { at, type Issues, isObject } from './issues.js';

/** A `{% expr %}` string: `{%`, whitespace, the expression on one line, whitespace, `%}`. */
const SURROUND = /^\{%\s.+\s%\}$/;

export function isJsonataText(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('{%') && value.endsWith('%}');
}

/** A JSONPath (or Reference Path when `reference`) at `path`; `inputOnly` forbids `$$` and variables. */
export function checkPath(
  issues: Issues,
  path: string,
  value: unknown,
  options: { reference?: boolean; inputOnly?: boolean; nullable?: boolean } = {},
): void {
  if (value === null && options.nullable) return;
  if (typeof value !== 'string') {
    issues.add(path, `must be a JSONPath string${options.nullable ? ' or null' : ''}`);
    return;
  }
  const problem = pathProblem(value, options.reference ? 'reference' : 'path');
  if (problem !== undefined) {
    issues.add(path, problem);
    return;
  }
  if (options.inputOnly && splitRoot(value)?.root.kind !== 'input') {
    issues.add(
      path,
      `'${value}' must be a path into the state's input (starting with '$'), not the context object or a variable`,
    );
  }
}

/** A path or an intrinsic function call (a `.$` value, ErrorPath, CausePath). */
export function checkPathOrIntrinsic(issues: Issues, path: string, value: unknown): void {
  if (typeof value !== 'string') {
    issues.add(path, 'must be a JSONPath or intrinsic function string');
    return;
  }
  if (isIntrinsic(value)) {
    const problem = intrinsicProblem(value);
    if (problem !== undefined) issues.add(path, problem);
    return;
  }
  checkPath(issues, path, value);
}

/**
 * A JSONPath payload template (Parameters, ResultSelector, ItemSelector, Credentials, Assign):
 * `key.$` values must be paths or intrinsics, and `key` and `key.$` must not both appear.
 */
export function checkTemplate(issues: Issues, path: string, value: unknown): void {
  for (const problem of templateProblems(value as Json, path)) issues.add(problem.path, problem.message);
}

/**
 * Every string inside a JSONata state's field: a `{% %}` expression must be well formed and
 * parse; a string that only starts or ends like one is an error; `.$` keys are JSONPath syntax.
 */
export function checkJsonataValue(issues: Issues, path: string, value: unknown): void {
  if (typeof value === 'string') {
    const opens = value.startsWith('{%');
    const closes = value.endsWith('%}');
    if (!opens && !closes) return;
    if (!opens || !closes || !SURROUND.test(value)) {
      issues.add(path, `'${value}' is not a JSONata expression: write it as "{% expression %}"`);
      return;
    }
    const problem = jsonataProblem(value.slice(2, -2));
    if (problem !== undefined) issues.add(path, problem);
    return;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) checkJsonataValue(issues, at(path, i), item);
    return;
  }
  if (!isObject(value)) return;
  for (const [key, member] of Object.entries(value)) {
    if (key.endsWith('.$'))
      issues.add(at(path, key), `'${key}': '.$' keys are JSONPath syntax; JSONata states use "{% %}"`);
    checkJsonataValue(issues, at(path, key), member);
  }
}

/** An Assign block: an object of valid variable names (JSONPath: `.$` keys allowed). */
export function checkAssign(issues: Issues, path: string, value: unknown, jsonata: boolean): void {
  if (!isObject(value)) {
    issues.add(path, 'must be an object of variable names and values');
    return;
  }
  for (const key of Object.keys(value)) {
    const name = !jsonata && key.endsWith('.$') ? key.slice(0, -2) : key;
    if (name === '' || name.startsWith('$'))
      issues.add(at(path, key), `'${name}' is not a valid variable name`);
    if (name === 'states') issues.add(at(path, key), "'states' is reserved and cannot be assigned");
  }
  if (jsonata) checkJsonataValue(issues, path, value);
  else checkTemplate(issues, path, value);
}
