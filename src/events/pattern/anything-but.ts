/**
 * `anything-but`: matches every value that the operand does not. The operand is a string, a number,
 * a list of only strings or only numbers, or an object with one of `prefix`, `suffix`,
 * `equals-ignore-case` or `wildcard` holding a string or a list of strings. Values of another type
 * (a number against string exclusions, null, booleans) always match; a missing field never does.
 */
import { numberProblem } from './numeric.js';
import { describe, invalidPattern, type PatternPath, quote } from './pattern-error.js';
import { IgnoreCaseTest, PrefixTest, SuffixTest } from './string-tests.js';
import type { LeafValue, ValueTest } from './types.js';
import { parseWildcard, type Wildcard, WildcardTest } from './wildcard.js';

/** Exact strings and numbers, looked up in sets. */
export class ValueSetTest implements ValueTest {
  readonly #strings: ReadonlySet<string>;
  readonly #numbers: ReadonlySet<number>;
  constructor(strings: ReadonlySet<string>, numbers: ReadonlySet<number>) {
    this.#strings = strings;
    this.#numbers = numbers;
  }
  test(value: LeafValue): boolean {
    if (typeof value === 'string') return this.#strings.has(value);
    return typeof value === 'number' && this.#numbers.has(value);
  }
}

/** Matches when none of the excluded tests does. */
export class AnythingButTest implements ValueTest {
  readonly #excluded: readonly ValueTest[];
  constructor(excluded: readonly ValueTest[]) {
    this.#excluded = excluded;
  }
  test(value: LeafValue): boolean {
    for (const test of this.#excluded) if (test.test(value)) return false;
    return true;
  }
}

const NESTED = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard'];

/**
 * Compiles the operand of `anything-but`; `path` points at the `anything-but` key. Wildcard
 * patterns are also handed to `onWildcards` so the field's complexity can be checked.
 */
export function compileAnythingBut(
  operand: unknown,
  path: PatternPath,
  onWildcards: (patterns: Wildcard[]) => void,
): ValueTest {
  if (typeof operand === 'string') {
    return new AnythingButTest([new ValueSetTest(new Set([operand]), new Set())]);
  }
  if (typeof operand === 'number') return new AnythingButTest([numbersTest([operand], path, false)]);
  if (Array.isArray(operand)) return new AnythingButTest([valueListTest(operand, path)]);
  if (operand === null || typeof operand !== 'object') {
    throw invalidPattern(
      path,
      `expects a string, a number, a list of either, or an object with one of ${NESTED.join(', ')}; got ${describe(operand)}`,
    );
  }
  const entries = Object.entries(operand);
  const [entry] = entries;
  if (entry === undefined || entries.length > 1) {
    throw invalidPattern(path, `expects exactly one of ${NESTED.join(', ')}, got ${entries.length} keys`);
  }
  const [name, inner] = entry;
  if (!NESTED.includes(name)) throw invalidPattern(path, `supports ${NESTED.join(', ')}; got ${quote(name)}`);
  const innerPath = [...path, name];
  const texts = stringList(inner, innerPath);
  if (name === 'prefix' || name === 'suffix') {
    texts.forEach((text, i) => {
      if (text === '') {
        const at = Array.isArray(inner) ? [...innerPath, i] : innerPath;
        throw invalidPattern(at, `an empty ${name} is not allowed in anything-but`);
      }
    });
    return new AnythingButTest(texts.map((t) => (name === 'prefix' ? new PrefixTest(t) : new SuffixTest(t))));
  }
  if (name === 'equals-ignore-case') {
    return new AnythingButTest(texts.map((t) => new IgnoreCaseTest(t, 'whole')));
  }
  const wildcards = texts.map((text, i) => {
    const wildcard = parseWildcard(text);
    if (typeof wildcard === 'string') {
      throw invalidPattern(Array.isArray(inner) ? [...innerPath, i] : innerPath, wildcard);
    }
    return wildcard;
  });
  onWildcards(wildcards);
  return new AnythingButTest(wildcards.map((w) => new WildcardTest(w)));
}

/** A string or a non-empty list of strings, as the nested anything-but forms take. */
function stringList(value: unknown, path: PatternPath): string[] {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) {
    const nested = typeof value === 'object' && value !== null ? ' (operators do not nest here)' : '';
    throw invalidPattern(path, `expects a string or a list of strings, got ${describe(value)}${nested}`);
  }
  if (value.length === 0) throw invalidPattern(path, 'expects at least one string');
  return value.map((item: unknown, i) => {
    if (typeof item !== 'string') {
      throw invalidPattern([...path, i], `expects a string, got ${describe(item)}`);
    }
    return item;
  });
}

function valueListTest(list: unknown[], path: PatternPath): ValueTest {
  if (list.length === 0) throw invalidPattern(path, 'expects at least one value in the list');
  const kind = typeof list[0];
  list.forEach((item: unknown, i) => {
    if ((typeof item !== 'string' && typeof item !== 'number') || typeof item !== kind) {
      throw invalidPattern([...path, i], `a list holds only strings or only numbers, got ${describe(item)}`);
    }
  });
  if (kind === 'number') return numbersTest(list as number[], path, true);
  return new ValueSetTest(new Set(list as string[]), new Set());
}

function numbersTest(numbers: number[], path: PatternPath, listed: boolean): ValueTest {
  numbers.forEach((n, i) => {
    const problem = numberProblem(n);
    if (problem !== null) throw invalidPattern(listed ? [...path, i] : path, problem);
  });
  return new ValueSetTest(new Set(), new Set(numbers));
}
