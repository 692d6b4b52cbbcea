/**
 * Parses JSONPath as Step Functions accepts it (Jayway JsonPath syntax) into segments. Evaluation
 * lives in jsonpath.ts. The grammar, after a leading `$`:
 *
 *   .name  ..name  .*  ..*  ['name']  ['a','b']  [0]  [-1]  [0,2]  [1:3]  [::2]  [*]
 *   [?(<filter>)]  .length()  (and .min() .max() .avg() .sum() .stddev() .keys() .first() .last())
 *
 * A dot-name runs until `.`, `[`, `(` or whitespace, so `$.delivery-partner` is one name; names with
 * other characters use brackets. `$.a.['b c']` (dot then bracket) is accepted because AWS's own docs
 * write paths that way.
 */
import { type FilterExpr, parseFilter } from './jsonpath-filter.js';

/** One step of a path. */
export type Segment =
  | { kind: 'member'; name: string }
  | { kind: 'members'; names: string[] }
  | { kind: 'index'; index: number }
  | { kind: 'indexes'; indexes: number[] }
  | { kind: 'slice'; start: number | undefined; end: number | undefined; step: number | undefined }
  /** Jayway's one script expression, `[(@.length-1)]`: an index counted from the array's length. */
  | { kind: 'fromLength'; offset: number }
  | { kind: 'wildcard' }
  | { kind: 'descendant'; inner: Segment }
  | { kind: 'filter'; filter: FilterExpr }
  | { kind: 'function'; name: PathFunction };

/** Functions that may end a path (Jayway's path functions). */
export const PATH_FUNCTIONS = [
  'length',
  'size',
  'min',
  'max',
  'avg',
  'sum',
  'stddev',
  'keys',
  'first',
  'last',
] as const;
export type PathFunction = (typeof PATH_FUNCTIONS)[number];

/** A parsed path: the segments after `$`. */
export interface ParsedPath {
  readonly segments: Segment[];
  /** True when the path can only ever select one node (no wildcard, filter, slice, union, `..`). */
  readonly definite: boolean;
}

/** Thrown for syntax errors; callers turn it into a StatesError or a validation problem. */
export class PathSyntaxError extends Error {}

/** Characters that end a dot-name at the top level of a path. */
const NAME_END = /[.[(\s]/;
/** Inside a filter a name also ends at operators and closing brackets. */
const FILTER_NAME_END = /[.[(\s)=!<>&|,\]]/;

/** A cursor over the path text, shared with the filter parser. */
export class Cursor {
  pos = 0;
  constructor(readonly text: string) {}
  peek(offset = 0): string {
    return this.text[this.pos + offset] ?? '';
  }
  done(): boolean {
    return this.pos >= this.text.length;
  }
  skipSpaces(): void {
    while (/\s/.test(this.peek())) this.pos++;
  }
  eat(s: string): boolean {
    if (!this.text.startsWith(s, this.pos)) return false;
    this.pos += s.length;
    return true;
  }
  expect(s: string): void {
    if (!this.eat(s)) this.fail(`expected '${s}'`);
  }
  fail(reason: string): never {
    const at = this.done() ? 'at end of path' : `at position ${this.pos} ('${this.peek()}')`;
    throw new PathSyntaxError(`${reason} ${at}`);
  }
}

/** Parses a path that starts with `$`. Throws PathSyntaxError. */
export function parsePath(path: string): ParsedPath {
  const cursor = new Cursor(path);
  if (!cursor.eat('$')) cursor.fail("a path must start with '$'");
  const segments = parseSegments(cursor, false);
  if (!cursor.done()) cursor.fail('unexpected character');
  return { segments, definite: segments.every(isDefiniteSegment) };
}

/** Parses segments until something that cannot continue a path. `inFilter` changes name rules. */
export function parseSegments(cursor: Cursor, inFilter: boolean): Segment[] {
  const segments: Segment[] = [];
  const nameEnd = inFilter ? FILTER_NAME_END : NAME_END;
  for (;;) {
    const last = segments[segments.length - 1];
    if (last?.kind === 'function') return segments; // a function ends the path
    if (cursor.eat('..')) {
      segments.push({ kind: 'descendant', inner: parseAfterDot(cursor, nameEnd, true) });
    } else if (cursor.eat('.')) {
      segments.push(parseAfterDot(cursor, nameEnd, false));
    } else if (cursor.peek() === '[') {
      segments.push(parseBracket(cursor));
    } else {
      return segments;
    }
  }
}

function parseAfterDot(cursor: Cursor, nameEnd: RegExp, deep: boolean): Segment {
  if (cursor.eat('*')) return { kind: 'wildcard' };
  if (cursor.peek() === '[') return parseBracket(cursor);
  const start = cursor.pos;
  while (!cursor.done() && !nameEnd.test(cursor.peek())) cursor.pos++;
  const name = cursor.text.slice(start, cursor.pos);
  if (name === '') cursor.fail('expected a member name');
  if (!deep && cursor.eat('(')) {
    cursor.skipSpaces();
    cursor.expect(')');
    if (!(PATH_FUNCTIONS as readonly string[]).includes(name)) {
      throw new PathSyntaxError(`unknown path function '${name}()'`);
    }
    return { kind: 'function', name: name as PathFunction };
  }
  return { kind: 'member', name };
}

function parseBracket(cursor: Cursor): Segment {
  cursor.expect('[');
  cursor.skipSpaces();
  let segment: Segment;
  if (cursor.eat('*')) {
    segment = { kind: 'wildcard' };
  } else if (cursor.eat('?')) {
    cursor.skipSpaces();
    cursor.expect('(');
    segment = { kind: 'filter', filter: parseFilter(cursor) };
    cursor.skipSpaces();
    cursor.expect(')');
  } else if (cursor.eat('(')) {
    segment = parseLengthScript(cursor);
  } else if (cursor.peek() === "'" || cursor.peek() === '"') {
    const names = [readQuoted(cursor)];
    cursor.skipSpaces();
    while (cursor.eat(',')) {
      cursor.skipSpaces();
      names.push(readQuoted(cursor));
      cursor.skipSpaces();
    }
    segment = names.length === 1 ? { kind: 'member', name: names[0] as string } : { kind: 'members', names };
  } else {
    segment = parseIndexes(cursor);
  }
  cursor.skipSpaces();
  cursor.expect(']');
  return segment;
}

/** Parses `@.length`, `@.length-1` or `@.length+1` and the closing `)`. */
function parseLengthScript(cursor: Cursor): Segment {
  cursor.skipSpaces();
  if (!cursor.eat('@.length')) cursor.fail("only '(@.length-n)' script expressions are supported");
  cursor.skipSpaces();
  let offset = 0;
  const sign = cursor.peek();
  if (sign === '-' || sign === '+') {
    cursor.pos++;
    cursor.skipSpaces();
    const n = readInteger(cursor, false) as number;
    offset = sign === '-' ? -n : n;
  }
  cursor.skipSpaces();
  cursor.expect(')');
  return { kind: 'fromLength', offset };
}

function parseIndexes(cursor: Cursor): Segment {
  const first = readInteger(cursor, true);
  cursor.skipSpaces();
  if (cursor.peek() === ':') {
    cursor.pos++;
    cursor.skipSpaces();
    const end = readInteger(cursor, true);
    cursor.skipSpaces();
    let step: number | undefined;
    if (cursor.eat(':')) {
      cursor.skipSpaces();
      step = readInteger(cursor, true);
      if (step === 0) throw new PathSyntaxError('a slice step cannot be 0');
    }
    return { kind: 'slice', start: first, end, step };
  }
  if (first === undefined) cursor.fail('expected an index, a quoted name, * or ?()');
  const indexes = [first];
  while (cursor.eat(',')) {
    cursor.skipSpaces();
    const next = readInteger(cursor, false);
    indexes.push(next as number);
    cursor.skipSpaces();
  }
  return indexes.length === 1 ? { kind: 'index', index: first } : { kind: 'indexes', indexes };
}

function readInteger(cursor: Cursor, optional: boolean): number | undefined {
  const match = /^-?\d+/.exec(cursor.text.slice(cursor.pos));
  if (!match) {
    if (optional) return undefined;
    cursor.fail('expected an integer');
  }
  cursor.pos += match[0].length;
  return Number(match[0]);
}

/** Reads a '...' or "..." string; a backslash escapes the next character. */
export function readQuoted(cursor: Cursor): string {
  const quote = cursor.peek();
  cursor.pos++;
  let out = '';
  for (;;) {
    if (cursor.done()) cursor.fail('unterminated quoted string');
    const ch = cursor.peek();
    cursor.pos++;
    if (ch === quote) return out;
    if (ch === '\\' && !cursor.done()) {
      out += cursor.peek();
      cursor.pos++;
    } else {
      out += ch;
    }
  }
}

/** True when a segment selects at most one node. */
export function isDefiniteSegment(segment: Segment): boolean {
  return segment.kind === 'member' || segment.kind === 'index' || segment.kind === 'function';
}
