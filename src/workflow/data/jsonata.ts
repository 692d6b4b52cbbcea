/**
 * JSONata for JSONata-mode states. A string is an expression when it is wrapped exactly as
 * `{% ... %}` (no space before `{%` or after `%}`); anything else is a literal.
 *
 * Invariants, as in Step Functions:
 * - `$states` (`input`, `context`, and `result`/`errorOutput` where they exist) and every
 *   workflow variable are bound as JSONata variables; the expression has no context value (`$`);
 * - an expression that yields nothing (`undefined`) is an error, never an omitted field:
 *   `States.QueryEvaluationError` "The JSONata expression '...' specified for the field '...'
 *   returned nothing (undefined).";
 * - a failing expression is `States.QueryEvaluationError` "... threw an error during evaluation.
 *   CODE: message";
 * - field names are paths inside the state: `Output`, `Arguments/Input/id`, `Items[2]`.
 *
 * Compiled expressions are cached in a bounded LRU map; a jsonata Expression can be evaluated
 * concurrently with different bindings.
 */
import jsonata from 'jsonata';
import { isJsonObject, type Json, type JsonObject, toJson } from './json.js';
import { RANDOM_BINDING, registerAwsFunctions } from './jsonata-functions.js';
import { StatesError } from './states-error.js';

/** What an expression can see. */
export interface JsonataBindings {
  readonly states: {
    readonly input: Json;
    readonly context: Json;
    readonly result?: Json;
    readonly errorOutput?: Json;
  };
  readonly variables: Readonly<Record<string, Json>>;
  /** Random source for `$random()` and `$uuid()`; inject it for deterministic tests. */
  readonly random?: () => number;
}

const CACHE_LIMIT = 500;
const cache = new Map<string, jsonata.Expression | Error>();

/** True for a string of the form `{% expression %}`. */
export function isJsonataExpression(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 4 && value.startsWith('{%') && value.endsWith('%}');
}

/**
 * For the validator: a string that looks like a half-written expression (`{%x`, `x %}`, or
 * `{% %}` with space outside) is almost certainly a mistake, since it would be kept as a literal.
 */
export function jsonataSurroundProblem(value: string): string | undefined {
  const t = value.trim();
  if (isJsonataExpression(value)) return undefined;
  if (t !== value && isJsonataExpression(t))
    return `'${value}' has spaces outside '{% %}', so it is a literal string, not a JSONata expression`;
  if (t.startsWith('{%') !== t.endsWith('%}'))
    return `'${value}' is not a JSONata expression: it must start with '{%' and end with '%}'`;
  return undefined;
}

/** The expression text inside `{% %}`, trimmed; a string without the wrapper is returned trimmed. */
export function unwrapJsonata(value: string): string {
  return (isJsonataExpression(value) ? value.slice(2, -2) : value).trim();
}

/** JSONata's error objects carry a code (e.g. `T0410`); ours may not. */
function describe(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(error);
  return typeof code === 'string' ? `${code}: ${text}` : text;
}

/** Compiles with the LRU cache; a syntax error is cached and returned, not thrown. */
function compile(text: string): jsonata.Expression | Error {
  const hit = cache.get(text);
  if (hit !== undefined) {
    cache.delete(text); // refresh recency
    cache.set(text, hit);
    return hit;
  }
  let compiled: jsonata.Expression | Error;
  try {
    compiled = jsonata(text);
    registerAwsFunctions(compiled);
  } catch (e) {
    compiled = new Error(describe(e));
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(text, compiled);
  return compiled;
}

/** For the definition validator: undefined when the expression compiles, else the reason. */
export function jsonataProblem(expression: string): string | undefined {
  const text = unwrapJsonata(expression);
  if (text === '') return 'the JSONata expression is empty';
  const compiled = compile(text);
  return compiled instanceof Error
    ? `the JSONata expression '${text}' is not valid: ${compiled.message}`
    : undefined;
}

/**
 * Evaluates one expression (with or without its `{% %}` wrapper). `field` names where it was
 * written, for error causes. Throws `StatesError('States.QueryEvaluationError')` when it fails
 * or yields nothing.
 */
export async function evaluateJsonata(
  expression: string,
  bindings: JsonataBindings,
  field: string,
): Promise<Json> {
  const text = unwrapJsonata(expression);
  const prefix = `The JSONata expression '${text}' specified for the field '${field}'`;
  const compiled = compile(text);
  if (compiled instanceof Error) {
    throw new StatesError(
      'States.QueryEvaluationError',
      `${prefix} threw an error during evaluation. ${compiled.message}`,
    );
  }
  let result: unknown;
  try {
    result = await compiled.evaluate(undefined, toBindings(bindings));
  } catch (e) {
    throw new StatesError(
      'States.QueryEvaluationError',
      `${prefix} threw an error during evaluation. ${describe(e)}`,
    );
  }
  const json = toJson(result);
  if (json === undefined)
    throw new StatesError('States.QueryEvaluationError', `${prefix} returned nothing (undefined).`);
  return json;
}

function toBindings(bindings: JsonataBindings): Record<string, unknown> {
  const states: Record<string, Json> = { input: bindings.states.input, context: bindings.states.context };
  if (bindings.states.result !== undefined) states.result = bindings.states.result;
  if (bindings.states.errorOutput !== undefined) states.errorOutput = bindings.states.errorOutput;
  const out: Record<string, unknown> = { ...bindings.variables, states };
  if (bindings.random !== undefined) out[RANDOM_BINDING] = bindings.random;
  return out;
}

/**
 * JSONata-mode `Arguments`, `Output`, `Assign`, `Items`, ...: every string anywhere in `value`
 * that is a `{% %}` expression is replaced by its result; other values are copied. Field names
 * in errors extend `field` with `/key` and `[index]`.
 */
export async function evaluateJsonataTemplate(
  value: Json,
  bindings: JsonataBindings,
  field: string,
): Promise<Json> {
  if (isJsonataExpression(value)) return evaluateJsonata(value, bindings, field);
  if (Array.isArray(value)) {
    const out: Json[] = [];
    // Sequential on purpose: errors then name the first failing field, deterministically.
    for (const [i, item] of value.entries())
      out.push(await evaluateJsonataTemplate(item, bindings, `${field}[${i}]`));
    return out;
  }
  if (isJsonObject(value)) {
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(value))
      out[key] = await evaluateJsonataTemplate(item, bindings, `${field}/${key}`);
    return out;
  }
  return value;
}

/**
 * Deploy-time check of a JSONata-mode value: every `{% %}` string in it must compile. Returns
 * `{path, message}` items in the same shape as templateProblems.
 */
export function jsonataTemplateProblems(value: Json, path: string): { path: string; message: string }[] {
  if (isJsonataExpression(value)) {
    const problem = jsonataProblem(value);
    return problem === undefined ? [] : [{ path, message: problem }];
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => jsonataTemplateProblems(item, `${path}[${i}]`));
  if (isJsonObject(value)) {
    return Object.entries(value).flatMap(([key, item]) => jsonataTemplateProblems(item, `${path}/${key}`));
  }
  return [];
}
