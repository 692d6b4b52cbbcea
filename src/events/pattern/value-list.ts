/**
 * A field's value list, e.g. `"state": ["running", 3, null, {"prefix": "stop"}]`. The list is an OR:
 * a value matches when it equals an exact entry or passes any operator. Exact strings and numbers sit
 * in sets, so long lists cost one lookup; JSON numbers compare by value (300 equals 300.0). A string
 * entry that is an IP address also matches other spellings of that address.
 */
import { ipEqualsTest } from './ip-address.js';
import { compileOperator } from './operator.js';
import { describe, invalidPattern, type PatternPath } from './pattern-error.js';
import type { FieldMatcher, LeafValue, ValueTest } from './types.js';
import type { Wildcard } from './wildcard.js';

/** Up to this many exact strings are compared one by one, which beats hashing a fresh event string. */
const SHORT_LIST = 4;

class ValueListMatcher implements FieldMatcher {
  readonly strings = new Set<string>();
  readonly numbers = new Set<number>();
  readonly tests: ValueTest[] = [];
  /** `strings` as an array when short, else null. Set by `seal()`. */
  shortStrings: string[] | null = null;
  matchTrue = false;
  matchFalse = false;
  matchNull = false;
  existsTrue = false;
  existsFalse = false;

  seal(): this {
    this.shortStrings = this.strings.size <= SHORT_LIST ? [...this.strings] : null;
    return this;
  }

  matchValue(value: LeafValue): boolean {
    switch (typeof value) {
      case 'string': {
        const short = this.shortStrings;
        if (short === null) {
          if (this.strings.has(value)) return true;
        } else {
          for (let i = 0; i < short.length; i++) if (short[i] === value) return true;
        }
        break;
      }
      case 'number':
        if (this.numbers.size > 0 && this.numbers.has(value)) return true;
        break;
      case 'boolean':
        if (value ? this.matchTrue : this.matchFalse) return true;
        break;
      default:
        if (this.matchNull) return true;
    }
    const tests = this.tests;
    for (let i = 0; i < tests.length; i++) if (tests[i]?.test(value)) return true;
    return false;
  }
}

/**
 * Compiles the array at `path`. `onWildcards` receives the wildcard terms found, for the
 * complexity check that covers every list on the same field path.
 */
export function compileValueList(
  list: unknown[],
  path: PatternPath,
  onWildcards: (patterns: Wildcard[]) => void,
): FieldMatcher {
  if (list.length === 0) {
    throw invalidPattern(path, 'expects at least one value; an empty list is not allowed');
  }
  const matcher = new ValueListMatcher();
  list.forEach((item: unknown, i) => {
    const at = [...path, i];
    if (typeof item === 'string') {
      matcher.strings.add(item);
      const ip = ipEqualsTest(item);
      if (ip !== null) matcher.tests.push(ip);
    } else if (typeof item === 'number') {
      if (!Number.isFinite(item)) throw invalidPattern(at, `expects a finite number, got ${item}`);
      matcher.numbers.add(item);
    } else if (typeof item === 'boolean') {
      if (item) matcher.matchTrue = true;
      else matcher.matchFalse = true;
    } else if (item === null) {
      matcher.matchNull = true;
    } else if (typeof item === 'object' && !Array.isArray(item)) {
      const compiled = compileOperator(item, at, onWildcards);
      if ('test' in compiled) matcher.tests.push(compiled.test);
      else if (compiled.exists) matcher.existsTrue = true;
      else matcher.existsFalse = true;
    } else {
      throw invalidPattern(
        at,
        `a value must be a string, number, boolean, null or an operator object, got ${describe(item)}`,
      );
    }
  });
  return matcher.seal();
}
