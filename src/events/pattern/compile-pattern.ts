/**
 * `compilePattern` validates an EventBridge event pattern and turns it into a matcher. Structure
 * rules, as EventBridge applies them:
 *
 * - The pattern is a JSON object; every object in it has at least one field.
 * - A field holds either an object (nested fields) or a non-empty list of values; a bare value such
 *   as `"source": "aws.ec2"` is an error.
 * - Dotted names nest: `"state.status": [...]` is `"state": {"status": [...]}`. When one path is
 *   given twice, the later one wins (JSON object semantics and EventBridge agree).
 * - `"$or": [{...}, {...}]` needs at least two non-empty objects; inside them, operator names may not
 *   be used as field names.
 * - Wildcards on one field path are checked together for complexity.
 */
import { matchEvent, toMatchNode } from './match-event.js';
import { OPERATORS } from './operator.js';
import { describe, invalidPattern, type PatternPath, quote } from './pattern-error.js';
import type { CompiledPattern, CompileOptions, PatternNode } from './types.js';
import { compileValueList } from './value-list.js';
import type { Wildcard } from './wildcard.js';
import { WILDCARD_COMPLEXITY_LIMIT, wildcardComplexity } from './wildcard-complexity.js';

/** EventBridge's largest pattern (after a quota increase), in characters. */
export const DEFAULT_MAX_PATTERN_LENGTH = 4096;

/** Names reserved by EventBridge's matcher: not allowed as field names inside `$or`. */
const RESERVED_IN_OR = new Set<string>([
  ...OPERATORS,
  'exactly',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

interface Context {
  /** Wildcard terms of each field list, by the node that holds the list. */
  readonly wildcards: Map<PatternNode, Wildcard[][]>;
}

/**
 * Validates `pattern` and compiles it. Throws GustError `ERR_INVALID_PATTERN` whose message starts
 * with the JSON path of the offending part, e.g. `pattern.detail.price[0].numeric: ...`.
 */
export function compilePattern(pattern: unknown, options: CompileOptions = {}): CompiledPattern {
  if (!isObject(pattern)) throw invalidPattern([], `must be a JSON object, got ${describe(pattern)}`);
  checkLength(pattern, options.maxLength ?? DEFAULT_MAX_PATTERN_LENGTH);
  const context: Context = { wildcards: new Map() };
  const root = newNode([]);
  compileObject(pattern, root, [], false, context);
  checkWildcardComplexity(context);
  const matchRoot = toMatchNode(root);
  return { matches: (event: unknown) => matchEvent(matchRoot, event) };
}

function checkLength(pattern: object, maxLength: number): void {
  let text: string;
  try {
    text = JSON.stringify(pattern);
  } catch (error) {
    throw invalidPattern(
      [],
      `must be plain JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (text.length > maxLength) {
    throw invalidPattern([], `is ${text.length} characters as compact JSON; the limit is ${maxLength}`);
  }
}

function newNode(path: readonly string[]): PatternNode {
  return { path, field: null, children: new Map(), orGroups: [] };
}

function compileObject(
  object: Record<string, unknown>,
  node: PatternNode,
  path: PatternPath,
  insideOr: boolean,
  context: Context,
): void {
  const entries = Object.entries(object);
  if (entries.length === 0) {
    throw invalidPattern(path, 'an object needs at least one field; {} is not allowed');
  }
  for (const [key, value] of entries) {
    const at = [...path, key];
    if (key === '$or') {
      compileOr(value, node, at, context);
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(key)) {
      throw invalidPattern(at, `${quote(key)} is an operator name and cannot be a field name inside $or`);
    }
    const target = descend(node, key.split('.'));
    if (Array.isArray(value)) {
      const terms: Wildcard[][] = [];
      target.field = compileValueList(value, at, (patterns) => terms.push(patterns));
      context.wildcards.set(target, terms); // replaces the terms of a list this one overrides
    } else if (isObject(value)) {
      compileObject(value, target, at, insideOr, context);
    } else {
      const hint = value === undefined ? '' : `; to match it, write [${JSON.stringify(value)}]`;
      throw invalidPattern(
        at,
        `must be a list of values or an object of fields, got ${describe(value)}${hint}`,
      );
    }
  }
}

function compileOr(value: unknown, node: PatternNode, path: PatternPath, context: Context): void {
  if (!Array.isArray(value) || value.length < 2) {
    const got = Array.isArray(value)
      ? `${value.length} ${value.length === 1 ? 'entry' : 'entries'}`
      : describe(value);
    throw invalidPattern(path, `expects a list of at least two objects, got ${got}`);
  }
  const branches = value.map((branch: unknown, i) => {
    if (!isObject(branch)) {
      throw invalidPattern([...path, i], `expects an object of fields, got ${describe(branch)}`);
    }
    const branchNode = newNode(node.path);
    compileObject(branch, branchNode, [...path, i], true, context);
    return branchNode;
  });
  node.orGroups.push(branches);
}

/** The node at `names` below `node`, created on the way. */
function descend(node: PatternNode, names: readonly string[]): PatternNode {
  let current = node;
  for (const name of names) {
    let child = current.children.get(name);
    if (child === undefined) {
      child = newNode([...current.path, name]);
      current.children.set(name, child);
    }
    current = child;
  }
  return current;
}

function checkWildcardComplexity(context: Context): void {
  const byPath = new Map<string, { path: readonly string[]; terms: Wildcard[][] }>();
  for (const [node, terms] of context.wildcards) {
    if (terms.length === 0) continue;
    const key = JSON.stringify(node.path);
    const entry = byPath.get(key);
    if (entry === undefined) byPath.set(key, { path: node.path, terms: [...terms] });
    else entry.terms.push(...terms);
  }
  for (const { path, terms } of byPath.values()) {
    const complexity = wildcardComplexity(terms);
    if (complexity > WILDCARD_COMPLEXITY_LIMIT) {
      throw invalidPattern(
        path,
        `the wildcards on this field are too complex (${complexity} partial matches can be alive at once; the limit is ${WILDCARD_COMPLEXITY_LIMIT}): use fewer "*" or fewer repeated characters after a "*"`,
      );
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
