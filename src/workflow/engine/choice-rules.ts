/**
 * JSONPath Choice rules: a rule is a comparison (`Variable` + one operator), or And/Or/Not of
 * rules. Comparisons of mismatched types are false (never an error); a `Variable` that matches
 * nothing is an error except for IsPresent (false). `...Path` operators read the right-hand value
 * from the input too.
 */
import { type Json, jsonEquals } from '../data/json.js';
import type { ChoiceRule } from '../definition/types.js';
import { type DataScope, readPath, StatesError } from './data-flow.js';
import { parseTimestamp } from './timestamps.js';

type Kind = 'String' | 'Numeric' | 'Boolean' | 'Timestamp';
type Relation = 'Equals' | 'LessThan' | 'GreaterThan' | 'LessThanEquals' | 'GreaterThanEquals';

const KINDS: Kind[] = ['String', 'Numeric', 'Boolean', 'Timestamp'];
const RELATIONS: Relation[] = ['Equals', 'LessThan', 'GreaterThan', 'LessThanEquals', 'GreaterThanEquals'];

/** Every comparison operator name (with its Path form), plus the type tests and StringMatches. */
export const COMPARISON_OPERATORS: ReadonlySet<string> = new Set([
  ...KINDS.flatMap((k) =>
    RELATIONS.filter((r) => k !== 'Boolean' || r === 'Equals').flatMap((r) => [`${k}${r}`, `${k}${r}Path`]),
  ),
  'StringMatches',
  'IsNull',
  'IsPresent',
  'IsNumeric',
  'IsString',
  'IsBoolean',
  'IsTimestamp',
]);

/** The comparison operator keys present on a rule. */
export function operatorsOf(rule: ChoiceRule): string[] {
  return Object.keys(rule).filter((k) => COMPARISON_OPERATORS.has(k));
}

/** Evaluates a JSONPath choice rule against the state's effective input. */
export function matches(rule: ChoiceRule, input: Json, scope: DataScope): boolean {
  if (rule.And !== undefined) return rule.And.every((r) => matches(r, input, scope));
  if (rule.Or !== undefined) return rule.Or.some((r) => matches(r, input, scope));
  if (rule.Not !== undefined) return !matches(rule.Not, input, scope);
  const [operator] = operatorsOf(rule);
  if (operator === undefined || rule.Variable === undefined) {
    throw new StatesError('States.Runtime', 'A Choice rule has no comparison operator');
  }
  const expected = rule[operator] as Json;
  const actual = lookup(input, rule.Variable, scope);
  if (operator === 'IsPresent') return (actual !== undefined) === expected;
  if (actual === undefined) {
    throw new StatesError(
      'States.Runtime',
      `Invalid path '${rule.Variable}': The choice state's condition path references an invalid value.`,
    );
  }
  switch (operator) {
    case 'IsNull':
      return (actual === null) === expected;
    case 'IsNumeric':
      return (typeof actual === 'number') === expected;
    case 'IsString':
      return (typeof actual === 'string') === expected;
    case 'IsBoolean':
      return (typeof actual === 'boolean') === expected;
    case 'IsTimestamp':
      return (typeof actual === 'string' && parseTimestamp(actual) !== undefined) === expected;
    case 'StringMatches':
      return typeof actual === 'string' && typeof expected === 'string' && wildcardMatch(expected, actual);
  }
  const isPath = operator.endsWith('Path');
  const base = isPath ? operator.slice(0, -4) : operator;
  const kind = KINDS.find((k) => base.startsWith(k)) as Kind;
  const relation = base.slice(kind.length) as Relation;
  const right = isPath ? lookup(input, String(expected), scope) : expected;
  if (right === undefined) {
    throw new StatesError(
      'States.Runtime',
      `Invalid path '${String(expected)}': The choice state's condition path references an invalid value.`,
    );
  }
  return compare(kind, relation, actual, right);
}

function lookup(input: Json, path: string, scope: DataScope): Json | undefined {
  try {
    return readPath(input, path, scope);
  } catch (err) {
    if (err instanceof StatesError) return undefined;
    throw err;
  }
}

function compare(kind: Kind, relation: Relation, left: Json, right: Json): boolean {
  let a: number | string;
  let b: number | string;
  switch (kind) {
    case 'Boolean':
      return typeof left === 'boolean' && typeof right === 'boolean' && left === right;
    case 'Numeric':
      if (typeof left !== 'number' || typeof right !== 'number') return false;
      [a, b] = [left, right];
      break;
    case 'String':
      if (typeof left !== 'string' || typeof right !== 'string') return false;
      [a, b] = [left, right];
      break;
    case 'Timestamp': {
      const l = typeof left === 'string' ? parseTimestamp(left) : undefined;
      const r = typeof right === 'string' ? parseTimestamp(right) : undefined;
      if (l === undefined || r === undefined) return false;
      [a, b] = [l, r];
      break;
    }
  }
  switch (relation) {
    case 'Equals':
      return kind === 'String' ? jsonEquals(a, b) : a === b;
    case 'LessThan':
      return a < b;
    case 'GreaterThan':
      return a > b;
    case 'LessThanEquals':
      return a <= b;
    case 'GreaterThanEquals':
      return a >= b;
  }
}

/**
 * StringMatches: `*` matches any run of characters; `\*` is a literal star and `\\` a backslash.
 */
export function wildcardMatch(pattern: string, text: string): boolean {
  let regex = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\' && i + 1 < pattern.length) {
      regex += escapeRegex(pattern[++i] as string);
    } else if (c === '*') {
      regex += '[\\s\\S]*';
    } else {
      regex += escapeRegex(c);
    }
  }
  return new RegExp(`^${regex}$`).test(text);
}

function escapeRegex(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
