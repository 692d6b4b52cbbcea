/**
 * Intrinsic functions for JSONPath-mode states (`"Key.$": "States.Format('{}', $.name)"`):
 * parsing with validation for deploy time, and evaluation against a state's data.
 * The grammar is in intrinsic-parser.ts, the functions in intrinsic-functions.ts.
 */

import { ARITY, FUNCTIONS, type IntrinsicEnv, literalArgProblem } from './intrinsic-functions.js';
import {
  type IntrinsicArg,
  type IntrinsicCall,
  IntrinsicSyntaxError,
  parseCall,
} from './intrinsic-parser.js';
import type { Json } from './json.js';
import { type PathScope, resolvePath } from './jsonpath.js';
import { StatesError } from './states-error.js';

export type { IntrinsicArg, IntrinsicCall } from './intrinsic-parser.js';

/** Everything an intrinsic may read: the state's data plus an optional random source. */
export interface IntrinsicScope extends PathScope, IntrinsicEnv {}

const CACHE_LIMIT = 1000;
const cache = new Map<string, IntrinsicCall | StatesError>();

/** True when a `.$` value is an intrinsic call rather than a path (it starts with `States.`). */
export function isIntrinsic(value: string): boolean {
  return value.trimStart().startsWith('States.');
}

/**
 * Parses and checks an intrinsic call: syntax, known function names and argument counts.
 * Throws `StatesError('States.IntrinsicFailure')` describing the first problem.
 */
export function parseIntrinsic(expression: string): IntrinsicCall {
  let parsed = cache.get(expression);
  if (parsed === undefined) {
    try {
      parsed = parseCall(expression);
      checkCall(parsed);
    } catch (e) {
      if (!(e instanceof IntrinsicSyntaxError)) throw e;
      parsed = new StatesError(
        'States.IntrinsicFailure',
        `Invalid intrinsic function '${expression}': ${e.message}`,
      );
    }
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(expression, parsed);
  }
  if (parsed instanceof StatesError) throw parsed;
  return parsed;
}

/** For the definition validator: undefined when the expression is a valid call, else the reason. */
export function intrinsicProblem(expression: string): string | undefined {
  try {
    parseIntrinsic(expression);
    return undefined;
  } catch (e) {
    if (e instanceof StatesError) return e.cause;
    throw e;
  }
}

function checkCall(call: IntrinsicCall): void {
  const arity = ARITY[call.name];
  if (arity === undefined) {
    throw new IntrinsicSyntaxError(
      `unknown function ${call.name}; known functions are ${Object.keys(ARITY).join(', ')}`,
    );
  }
  const [min, max] = arity;
  const n = call.args.length;
  if (n < min || n > max) {
    const expected =
      min === max ? `${min}` : max === Number.POSITIVE_INFINITY ? `at least ${min}` : `${min} to ${max}`;
    throw new IntrinsicSyntaxError(`${call.name} takes ${expected} argument(s), got ${n}`);
  }
  for (const [i, arg] of call.args.entries()) {
    if (arg.kind === 'call') checkCall(arg);
    if (arg.kind === 'string' || arg.kind === 'literal') {
      const problem = literalArgProblem(call.name, i + 1, arg.value);
      if (problem !== undefined) throw new IntrinsicSyntaxError(problem);
    }
  }
}

/**
 * Evaluates an intrinsic call. Path arguments read the input (`$.x`), the context object
 * (`$$.x`) or a variable (`$name`); `field` names the ASL field in error causes.
 * Throws `States.IntrinsicFailure` for bad arguments and `States.Runtime` for missing paths.
 */
export function evaluateIntrinsic(expression: string, scope: IntrinsicScope, field?: string): Json {
  return evaluateCall(parseIntrinsic(expression), scope, field);
}

/** Evaluates an already parsed call. */
export function evaluateCall(call: IntrinsicCall, scope: IntrinsicScope, field?: string): Json {
  const args = call.args.map((arg) => evaluateArg(arg, scope, field));
  // Only a literal template keeps its escaped-brace information; a template read from a path is
  // split at every `{}`.
  const first = call.args[0];
  const formatParts =
    call.name === 'States.Format' && first?.kind === 'string' ? first.formatParts : undefined;
  const impl = FUNCTIONS[call.name];
  if (impl === undefined)
    throw new StatesError('States.IntrinsicFailure', `Unknown intrinsic function ${call.name}`);
  return impl(args, scope, formatParts);
}

function evaluateArg(arg: IntrinsicArg, scope: IntrinsicScope, field: string | undefined): Json {
  switch (arg.kind) {
    case 'call':
      return evaluateCall(arg, scope, field);
    case 'string':
    case 'literal':
      return arg.value;
    case 'path':
      return resolvePath(arg.path, scope, field);
  }
}
