/**
 * The engine's only door to the data languages (src/workflow/data/, owned separately): JSONPath
 * reads and writes, payload templates, and JSONata. Everything the state handlers need from that
 * folder goes through here, so a change of its API touches one file.
 *
 * Invariant: every function either returns JSON or throws a StatesError (never another error for
 * bad data); the driver turns StatesErrors into state failures.
 */
import { isJsonObject, type Json } from '../data/json.js';
import { evaluateJsonataTemplate, isJsonataExpression } from '../data/jsonata.js';
import { resolvePath, setPath } from '../data/jsonpath.js';
import { evaluateTemplate } from '../data/payload-template.js';
import { StatesError } from '../data/states-error.js';
import type { ContextObject } from './api.js';

export { StatesError };

/** What `$$` and `$name` variables resolve to while a state evaluates data. */
export interface DataScope {
  context: ContextObject;
  variables: Record<string, Json>;
  /** For States.MathRandom / $random(). */
  random?: () => number;
}

/** `$states` for JSONata expressions. */
export interface StatesBinding {
  input: Json;
  context: ContextObject;
  result?: Json;
  errorOutput?: Json;
}

/** True for a JSONata expression string: `{% ... %}`. */
export function isJsonata(value: unknown): value is string {
  return isJsonataExpression(value);
}

/** Reads a JSONPath (`$...`, `$$...` or `$var...`); throws States.Runtime when nothing matches. */
export function readPath(data: Json, path: string, scope: DataScope, field?: string): Json {
  return resolvePath(path, { input: data, context: contextJson(scope), variables: scope.variables }, field);
}

/** Evaluates a payload template (Parameters, ResultSelector, ItemSelector, Assign): `.$` keys. */
export function fillTemplate(template: Json, data: Json, scope: DataScope, field: string): Json {
  const env = { input: data, context: contextJson(scope), variables: scope.variables };
  return evaluateTemplate(
    template,
    scope.random === undefined ? env : { ...env, random: scope.random },
    field,
  );
}

/** ResultPath: puts `value` into `input` at `path` (`$` replaces; null is handled by the caller). */
export function writePath(input: Json, path: string, value: Json): Json {
  return setPath(input, path, value);
}

/** Evaluates every `{% %}` string in `value` with `$states` and the variables bound. */
export async function runJsonata(
  value: Json,
  states: StatesBinding,
  variables: Record<string, Json>,
  field: string,
  random?: () => number,
): Promise<Json> {
  const bindings = { states: { ...states, context: contextJson(states) }, variables };
  return evaluateJsonataTemplate(value, random === undefined ? bindings : { ...bindings, random }, field);
}

/** The context object as JSON (it is JSON by construction; the interface type is just narrower). */
function contextJson(holder: { context: ContextObject }): Json {
  return holder.context as unknown as Json;
}

/** An object's members as a record (Assign blocks); anything else is empty. */
export function members(value: Json | undefined): Record<string, Json> {
  return isJsonObject(value) ? value : {};
}
