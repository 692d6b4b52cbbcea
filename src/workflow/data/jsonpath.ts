/**
 * JSONPath evaluation with Step Functions semantics (Jayway JsonPath underneath AWS):
 *
 * - a *definite* path (only `.name`, `['name']`, `[n]`) returns the value itself and throws
 *   `States.Runtime` when nothing is there;
 * - an *indefinite* path (wildcard, filter, slice, union, `..`) returns an array of matches, which
 *   may be empty; but a missing member *before* the indefinite part (`$.missing[*]`) still throws,
 *   as Jayway does;
 * - `$$...` reads the context object and `$name...` a workflow variable (see resolvePath).
 *
 * Parsed paths are cached (bounded), so evaluating the same definition repeatedly does not re-parse.
 */
import { isJsonObject, type Json, toJsonText } from './json.js';
import { evalFilter } from './jsonpath-filter.js';
import { applyPathFunction } from './jsonpath-functions.js';
import { type ParsedPath, PathSyntaxError, parsePath, type Segment } from './jsonpath-parser.js';
import { StatesError } from './states-error.js';

export { setPath } from './jsonpath-set.js';

const CACHE_LIMIT = 1000;
const cache = new Map<string, ParsedPath | PathSyntaxError>();

/** Parses with a bounded cache; returns the syntax error instead of throwing it. */
export function compilePath(path: string): ParsedPath | PathSyntaxError {
  let parsed = cache.get(path);
  if (parsed === undefined) {
    try {
      parsed = parsePath(path);
    } catch (e) {
      if (!(e instanceof PathSyntaxError)) throw e;
      parsed = e;
    }
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(path, parsed);
  }
  return parsed;
}

/** Raised internally when a definite part of the path is missing; becomes a StatesError. */
class NoMatch extends Error {}

/**
 * Evaluates a `$...` JSONPath against `data`. `field` names the ASL field for the error cause
 * (e.g. `InputPath` or `Param.$`). Throws `StatesError('States.Runtime')` when a definite path
 * matches nothing or the path is not valid.
 */
export function queryPath(path: string, data: Json, field?: string): Json {
  const parsed = compilePath(path);
  if (parsed instanceof PathSyntaxError) throw invalidPath(path, parsed.message, field);
  try {
    const found = evaluate(parsed, data);
    if (found !== undefined) return found;
  } catch (e) {
    if (!(e instanceof NoMatch)) throw e;
  }
  throw notFound(path, data, field);
}

/** The `States.Runtime` error for a path that selects nothing, worded as AWS words it. */
export function notFound(path: string, data: Json, field?: string): StatesError {
  const where = field === undefined ? '' : ` specified for the field '${field}'`;
  return new StatesError(
    'States.Runtime',
    `The JSONPath '${path}'${where} could not be found in the input '${toJsonText(data)}'`,
  );
}

/** The `States.Runtime` error for a malformed path. */
export function invalidPath(path: string, reason: string, field?: string): StatesError {
  const where = field === undefined ? '' : ` specified for the field '${field}'`;
  return new StatesError('States.Runtime', `The JSONPath '${path}'${where} is not valid: ${reason}`);
}

/** Definite paths give the value (or undefined); indefinite ones give the array of matches. */
function evaluate(parsed: ParsedPath, data: Json): Json | undefined {
  const segments = parsed.segments;
  const fn = segments[segments.length - 1]?.kind === 'function' ? segments[segments.length - 1] : undefined;
  const body = fn ? segments.slice(0, -1) : segments;
  const matches = walk(body, data, data, true);
  const definiteBody = body.every((s) => s.kind === 'member' || s.kind === 'index');
  const value: Json | undefined = definiteBody ? matches[0] : matches;
  if (fn?.kind === 'function') return value === undefined ? undefined : applyPathFunction(fn.name, value);
  return value;
}

/** Selects nodes for a segment list; used for filter sub-paths (never throws NoMatch). */
export function select(segments: Segment[], node: Json, root: Json): Json[] {
  return walk(segments, node, root, false);
}

function walk(segments: Segment[], node: Json, root: Json, strict: boolean): Json[] {
  let nodes: Json[] = [node];
  let upstreamDefinite = true;
  for (const [i, segment] of segments.entries()) {
    const next: Json[] = [];
    for (const n of nodes) step(segment, n, root, next);
    const definite = segment.kind === 'member' || segment.kind === 'index';
    // Jayway throws for a missing member while everything so far selected exactly one node, unless
    // it is the leaf of an indefinite path; queryPath turns that into "could not be found".
    if (strict && next.length === 0 && upstreamDefinite && definite && i < segments.length - 1)
      throw new NoMatch();
    upstreamDefinite &&= definite;
    nodes = next;
  }
  return nodes;
}

function step(segment: Segment, node: Json, root: Json, out: Json[]): void {
  switch (segment.kind) {
    case 'member':
      if (isJsonObject(node) && Object.hasOwn(node, segment.name)) out.push(node[segment.name] as Json);
      return;
    case 'members':
      for (const name of segment.names)
        if (isJsonObject(node) && Object.hasOwn(node, name)) out.push(node[name] as Json);
      return;
    case 'index':
    case 'indexes':
      if (!Array.isArray(node)) return;
      for (const index of segment.kind === 'index' ? [segment.index] : segment.indexes) {
        const at = index < 0 ? node.length + index : index;
        if (at >= 0 && at < node.length) out.push(node[at] as Json);
      }
      return;
    case 'fromLength': {
      const at = Array.isArray(node) ? node.length + segment.offset : -1;
      if (Array.isArray(node) && at >= 0 && at < node.length) out.push(node[at] as Json);
      return;
    }
    case 'slice':
      if (Array.isArray(node)) out.push(...slice(node, segment.start, segment.end, segment.step));
      return;
    case 'wildcard':
      if (Array.isArray(node)) out.push(...node);
      else if (isJsonObject(node)) out.push(...Object.values(node));
      return;
    case 'descendant':
      for (const n of descendants(node)) step(segment.inner, n, root, out);
      return;
    case 'filter': {
      const candidates = Array.isArray(node) ? node : isJsonObject(node) ? [node] : [];
      for (const item of candidates) if (evalFilter(segment.filter, item, root, select)) out.push(item);
      return;
    }
    case 'function':
      return; // handled by evaluate(): a function only ends a path
  }
}

/** The node itself and every node below it, depth first, document order. */
function descendants(node: Json): Json[] {
  const out: Json[] = [node];
  const children = Array.isArray(node) ? node : isJsonObject(node) ? Object.values(node) : [];
  for (const child of children) out.push(...descendants(child));
  return out;
}

/** Python-style slice with clamping; negative bounds count from the end. */
function slice(
  items: Json[],
  start: number | undefined,
  end: number | undefined,
  stepBy: number | undefined,
): Json[] {
  const n = items.length;
  const by = stepBy ?? 1;
  const norm = (v: number) => (v < 0 ? Math.max(n + v, by < 0 ? -1 : 0) : Math.min(v, by < 0 ? n - 1 : n));
  const from = start === undefined ? (by < 0 ? n - 1 : 0) : norm(start);
  const to = end === undefined ? (by < 0 ? -1 : n) : norm(end);
  const out: Json[] = [];
  for (let i = from; by > 0 ? i < to : i > to; i += by) out.push(items[i] as Json);
  return out;
}

/**
 * True for an ASL Reference Path: `$`, `$$` or `$var`, followed only by `.name`, `['name']` and
 * `[n]` (no wildcards, filters, slices, unions, `..` or functions).
 */
export function isReferencePath(path: string): boolean {
  return pathProblem(path, 'reference') === undefined;
}

/**
 * Validation for definitions: undefined when `path` is a valid JSONPath (`kind: 'path'`) or
 * Reference Path (`kind: 'reference'`), otherwise a sentence saying what is wrong. Accepts the
 * input (`$`), context object (`$$`) and variable (`$name`) forms.
 */
export function pathProblem(path: string, kind: 'reference' | 'path'): string | undefined {
  const split = splitRoot(path);
  if (split === undefined) {
    return `'${path}' is not a JSONPath: it must be '$', start with '$.', '$[', '$$.' or name a variable ('$name')`;
  }
  const parsed = compilePath(split.path);
  if (parsed instanceof PathSyntaxError) return `'${path}' is not a valid JSONPath: ${parsed.message}`;
  if (kind === 'reference' && !parsed.segments.every((s) => s.kind === 'member' || s.kind === 'index')) {
    return `'${path}' is not a Reference Path: only '.name', '['name']' and '[n]' are allowed (no *, .., ?(), slices, unions or functions)`;
  }
  return undefined;
}

/** What a path expression reads from. */
export type PathRoot = { kind: 'input' } | { kind: 'context' } | { kind: 'variable'; name: string };

const VARIABLE_NAME = /^[\p{ID_Start}_][\p{ID_Continue}]*/u;

/**
 * Splits `$$.a`, `$var.a`, `$.a` into what it reads and an equivalent `$`-rooted path. `$$name`
 * is read as the variable `name` too (a spelling some ASL tools use). Undefined when the text
 * does not start like a path.
 */
export function splitRoot(expr: string): { root: PathRoot; path: string } | undefined {
  if (expr.startsWith('$$')) {
    const rest = expr.slice(2);
    if (rest === '' || rest.startsWith('.') || rest.startsWith('['))
      return { root: { kind: 'context' }, path: `$${rest}` };
    return variableRoot(rest);
  }
  if (!expr.startsWith('$')) return undefined;
  const rest = expr.slice(1);
  if (rest === '' || rest.startsWith('.') || rest.startsWith('['))
    return { root: { kind: 'input' }, path: expr };
  return variableRoot(rest);
}

function variableRoot(rest: string): { root: PathRoot; path: string } | undefined {
  const name = VARIABLE_NAME.exec(rest)?.[0];
  if (name === undefined) return undefined;
  return { root: { kind: 'variable', name }, path: `$${rest.slice(name.length)}` };
}

/** The data a path may read: state input, context object, workflow variables. */
export interface PathScope {
  readonly input: Json;
  readonly context: Json;
  readonly variables: Readonly<Record<string, Json>>;
}

/**
 * Evaluates a JSONPath-mode path expression: `$...` against the input, `$$...` against the
 * context object, `$name...` against the workflow variable `name`. Throws `States.Runtime` when
 * the expression is not a path, the variable is not assigned, or nothing matches.
 */
export function resolvePath(expr: string, scope: PathScope, field?: string): Json {
  const split = splitRoot(expr);
  if (split === undefined) throw invalidPath(expr, "it must start with '$', '$$' or name a variable", field);
  const { root, path } = split;
  if (root.kind === 'input') return queryPath(path, scope.input, field);
  if (root.kind === 'context') return requery(expr, path, scope.context, field);
  if (!Object.hasOwn(scope.variables, root.name)) {
    const where = field === undefined ? '' : ` specified for the field '${field}'`;
    throw new StatesError(
      'States.Runtime',
      `The variable '$${root.name}' referenced by '${expr}'${where} is not defined`,
    );
  }
  return requery(expr, path, scope.variables[root.name] as Json, field);
}

/** Queries a rebased path but reports errors with the expression the user wrote. */
function requery(expr: string, path: string, data: Json, field: string | undefined): Json {
  try {
    return queryPath(path, data, field);
  } catch (e) {
    if (!(e instanceof StatesError)) throw e;
    throw new StatesError(
      e.error,
      e.cause.replace(`'${path}'`, () => `'${expr}'`),
    ); // a function: '$$' is special in replacement strings
  }
}
