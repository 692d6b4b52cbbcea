/**
 * Payload templates, the JSONPath-mode `Parameters`, `ResultSelector`, `ItemSelector` and
 * `Assign`: JSON copied as-is, except that a key ending in `.$` takes its value from a path
 * (`$.x`, `$$.x`, `$var`) or an intrinsic call (`States.Format(...)`) and loses the suffix.
 * Objects are processed at any depth, including inside arrays. A string value under a key without
 * `.$` is never evaluated, even if it looks like a path.
 */

import { evaluateIntrinsic, type IntrinsicScope, intrinsicProblem, isIntrinsic } from './intrinsics.js';
import { isJsonObject, type Json, type JsonObject, jsonTypeOf } from './json.js';
import { pathProblem, resolvePath } from './jsonpath.js';
import { StatesError } from './states-error.js';

const SUFFIX = '.$';

/**
 * Evaluates a payload template. `field` names the ASL field (e.g. `Parameters`) for errors about
 * the template itself; errors from a path or intrinsic name the `.$` key, as AWS does
 * ("The JSONPath '$.x' specified for the field 'x.$' could not be found in the input '{}'").
 */
export function evaluateTemplate(template: Json, scope: IntrinsicScope, field: string): Json {
  if (Array.isArray(template))
    return template.map((item, i) => evaluateTemplate(item, scope, `${field}[${i}]`));
  if (!isJsonObject(template)) return template;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(template)) {
    if (!key.endsWith(SUFFIX)) {
      out[key] = evaluateTemplate(value, scope, `${field}.${key}`);
      continue;
    }
    if (typeof value !== 'string') {
      throw new StatesError(
        'States.Runtime',
        `The value of the field '${key}' in ${field} must be a string holding a JSONPath or an intrinsic function, got ${jsonTypeOf(value)}`,
      );
    }
    out[key.slice(0, -SUFFIX.length)] = isIntrinsic(value)
      ? evaluateIntrinsic(value, scope, key)
      : resolvePath(value, scope, key);
  }
  return out;
}

/** A problem found in a template at deploy time. `path` locates it, e.g. `Parameters.a.b.$`. */
export interface TemplateProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * Deploy-time checks for a payload template rooted at `path` (e.g. `States.Pay.Parameters`):
 * `.$` values must be strings holding a valid path or intrinsic call, and a key must not appear
 * both with and without the suffix. Returns an empty list when the template is fine.
 */
export function templateProblems(template: Json, path: string): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  collect(template, path, problems);
  return problems;
}

function collect(template: Json, path: string, problems: TemplateProblem[]): void {
  if (Array.isArray(template)) {
    for (const [i, item] of template.entries()) collect(item, `${path}[${i}]`, problems);
    return;
  }
  if (!isJsonObject(template)) return;
  for (const [key, value] of Object.entries(template)) {
    const at = `${path}.${key}`;
    if (!key.endsWith(SUFFIX)) {
      collect(value, at, problems);
      continue;
    }
    if (Object.hasOwn(template, key.slice(0, -SUFFIX.length))) {
      problems.push({
        path: at,
        message: `both '${key.slice(0, -SUFFIX.length)}' and '${key}' are present; keep one`,
      });
    }
    if (typeof value !== 'string') {
      problems.push({
        path: at,
        message: `a key ending in '.$' needs a string holding a JSONPath or an intrinsic function, got ${jsonTypeOf(value)}`,
      });
      continue;
    }
    const problem = isIntrinsic(value) ? intrinsicProblem(value) : pathProblem(value, 'path');
    if (problem !== undefined) problems.push({ path: at, message: problem });
  }
}
