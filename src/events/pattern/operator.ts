/**
 * Compiles one operator object from a value list, such as `{"prefix": "us-"}`. An operator object has
 * exactly one key; names are case-sensitive (`NUMERIC` is unknown).
 */
import { compileAnythingBut } from './anything-but.js';
import { cidrTest } from './ip-address.js';
import { compileNumeric } from './numeric.js';
import { describe, invalidPattern, type PatternPath, quote } from './pattern-error.js';
import { IgnoreCaseTest, PrefixTest, SuffixTest } from './string-tests.js';
import type { ValueTest } from './types.js';
import { parseWildcard, type Wildcard, WildcardTest } from './wildcard.js';

export const OPERATORS = [
  'prefix',
  'suffix',
  'equals-ignore-case',
  'wildcard',
  'anything-but',
  'numeric',
  'exists',
  'cidr',
] as const;

/** What an operator compiles to: a value test, or an `exists` flag (which is about presence). */
export type CompiledOperator = { test: ValueTest } | { exists: boolean };

/** `onWildcards` receives each wildcard term so the field's complexity can be checked later. */
export function compileOperator(
  operator: object,
  path: PatternPath,
  onWildcards: (patterns: Wildcard[]) => void,
): CompiledOperator {
  const entries = Object.entries(operator);
  const [entry] = entries;
  if (entry === undefined || entries.length > 1) {
    const names = entries.map(([name]) => quote(name)).join(', ');
    throw invalidPattern(
      path,
      `an operator object needs exactly one operator, got ${entries.length}${names ? ` (${names})` : ''}`,
    );
  }
  const [name, operand] = entry;
  const at = [...path, name];
  switch (name) {
    case 'prefix':
    case 'suffix':
      return { test: compileAffix(name, operand, at) };
    case 'equals-ignore-case':
      return { test: new IgnoreCaseTest(stringOperand(operand, at), 'whole') };
    case 'wildcard': {
      const wildcard = parseWildcard(stringOperand(operand, at));
      if (typeof wildcard === 'string') throw invalidPattern(at, wildcard);
      onWildcards([wildcard]);
      return { test: new WildcardTest(wildcard) };
    }
    case 'anything-but':
      return { test: compileAnythingBut(operand, at, onWildcards) };
    case 'numeric':
      return { test: compileNumeric(operand, at) };
    case 'exists':
      if (typeof operand !== 'boolean') {
        throw invalidPattern(at, `expects true or false, got ${describe(operand)}`);
      }
      return { exists: operand };
    case 'cidr': {
      if (typeof operand !== 'string') {
        throw invalidPattern(at, `expects a string like "10.0.0.0/24", got ${describe(operand)}`);
      }
      const test = cidrTest(operand);
      if (typeof test === 'string') {
        throw invalidPattern(at, `${quote(operand)} is not a CIDR block: ${test}`);
      }
      return { test };
    }
    default:
      throw invalidPattern(path, `unknown operator ${quote(name)}; expected one of ${OPERATORS.join(', ')}`);
  }
}

function stringOperand(operand: unknown, path: PatternPath): string {
  if (typeof operand !== 'string') throw invalidPattern(path, `expects a string, got ${describe(operand)}`);
  return operand;
}

/** `prefix` and `suffix` take a string, or `{"equals-ignore-case": string}` to ignore case. */
function compileAffix(name: 'prefix' | 'suffix', operand: unknown, path: PatternPath): ValueTest {
  if (typeof operand === 'string') {
    return name === 'prefix' ? new PrefixTest(operand) : new SuffixTest(operand);
  }
  const usage = `expects a string or {"equals-ignore-case": string}`;
  if (operand === null || typeof operand !== 'object' || Array.isArray(operand)) {
    throw invalidPattern(path, `${usage}, got ${describe(operand)}`);
  }
  const entries = Object.entries(operand);
  const [entry] = entries;
  if (entry === undefined || entries.length > 1 || entry[0] !== 'equals-ignore-case') {
    const names = entries.map(([key]) => quote(key)).join(', ');
    throw invalidPattern(path, `${usage}, got an object with ${names || 'no keys'}`);
  }
  const text = stringOperand(entry[1], [...path, entry[0]]);
  return new IgnoreCaseTest(text, name === 'prefix' ? 'start' : 'end');
}
