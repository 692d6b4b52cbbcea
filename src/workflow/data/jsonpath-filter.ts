/**
 * Filter expressions, the `?(...)` in `$.items[?(@.price < 10)]`, with Jayway JsonPath semantics
 * (the library Step Functions' JSONPath follows):
 *
 * - a lone path (`@.isbn`, `!@.isbn`) tests *existence*, not truthiness: `false` and `null` exist;
 * - `==`/`!=` compare JSON values; a number and a numeric string compare as numbers, like Jayway;
 * - `<` `<=` `>` `>=` compare two numbers or two strings, anything else is false;
 * - `=~ /re/i` must match the whole string (Java's `Matcher.matches`);
 * - `in`, `nin`, `subsetof`, `anyof`, `noneof`, `size`, `empty` as in Jayway;
 * - a path that is missing makes every comparison false except `!=` and `nin`.
 */
import { type Json, jsonEquals } from './json.js';
import { type Cursor, PathSyntaxError, parseSegments, readQuoted, type Segment } from './jsonpath-parser.js';

/** A parsed filter expression. */
export type FilterExpr =
  | { kind: 'and' | 'or'; left: FilterExpr; right: FilterExpr }
  | { kind: 'not'; expr: FilterExpr }
  | { kind: 'exists'; operand: PathOperand }
  | { kind: 'literal'; value: boolean }
  | { kind: 'compare'; op: CompareOp; left: Operand; right: Operand };

type CompareOp = (typeof OPERATORS)[number];
/** Longest first so `<=` wins over `<`; word operators need a space after them. */
const OPERATORS = [
  '==',
  '!=',
  '<=',
  '>=',
  '=~',
  '<',
  '>',
  'subsetof',
  'anyof',
  'noneof',
  'nin',
  'in',
  'size',
  'empty',
] as const;

interface PathOperand {
  kind: 'path';
  /** `@` (the current item) or `$` (the document root). */
  base: '@' | '$';
  segments: Segment[];
  definite: boolean;
}
type Operand = PathOperand | { kind: 'value'; value: Json } | { kind: 'regex'; regex: RegExp };

/** Selects the nodes a relative path reaches; injected by jsonpath.ts to avoid an import cycle. */
export type Select = (segments: Segment[], node: Json, root: Json) => Json[];

/** Parses from just after `?(` up to (not including) the closing `)`. */
export function parseFilter(cursor: Cursor): FilterExpr {
  return parseOr(cursor);
}

function parseOr(cursor: Cursor): FilterExpr {
  let left = parseAnd(cursor);
  for (;;) {
    cursor.skipSpaces();
    if (!cursor.eat('||')) return left;
    left = { kind: 'or', left, right: parseAnd(cursor) };
  }
}

function parseAnd(cursor: Cursor): FilterExpr {
  let left = parseUnary(cursor);
  for (;;) {
    cursor.skipSpaces();
    if (!cursor.eat('&&')) return left;
    left = { kind: 'and', left, right: parseUnary(cursor) };
  }
}

function parseUnary(cursor: Cursor): FilterExpr {
  cursor.skipSpaces();
  if (cursor.peek() === '!' && cursor.peek(1) !== '=') {
    cursor.pos++;
    return { kind: 'not', expr: parseUnary(cursor) };
  }
  if (cursor.eat('(')) {
    const inner = parseOr(cursor);
    cursor.skipSpaces();
    cursor.expect(')');
    return inner;
  }
  const left = parseOperand(cursor);
  cursor.skipSpaces();
  const op = OPERATORS.find((o) => cursor.text.startsWith(o, cursor.pos));
  if (op === undefined) {
    if (left.kind === 'path') return { kind: 'exists', operand: left };
    if (left.kind === 'value' && typeof left.value === 'boolean')
      return { kind: 'literal', value: left.value };
    cursor.fail('expected a comparison operator');
  }
  cursor.pos += op.length;
  return { kind: 'compare', op, left, right: parseOperand(cursor) };
}

function parseOperand(cursor: Cursor): Operand {
  cursor.skipSpaces();
  const ch = cursor.peek();
  if (ch === '@' || ch === '$') {
    cursor.pos++;
    const segments = parseSegments(cursor, true);
    const definite = segments.every(
      (s) => s.kind === 'member' || s.kind === 'index' || s.kind === 'function',
    );
    return { kind: 'path', base: ch, segments, definite };
  }
  if (ch === '/') return { kind: 'regex', regex: readRegex(cursor) };
  return { kind: 'value', value: readLiteral(cursor) };
}

function readLiteral(cursor: Cursor): Json {
  cursor.skipSpaces();
  const ch = cursor.peek();
  if (ch === "'" || ch === '"') return readQuoted(cursor);
  if (cursor.eat('[')) {
    const items: Json[] = [];
    cursor.skipSpaces();
    if (cursor.eat(']')) return items;
    do {
      items.push(readLiteral(cursor));
      cursor.skipSpaces();
    } while (cursor.eat(','));
    cursor.expect(']');
    return items;
  }
  for (const [word, value] of [
    ['true', true],
    ['false', false],
    ['null', null],
  ] as const) {
    if (cursor.eat(word)) return value;
  }
  const number = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(cursor.text.slice(cursor.pos));
  if (!number) {
    // Jayway reads an unquoted word (`@.key == FooBar`) as a string.
    const word = /^[A-Za-z_][\w-]*/.exec(cursor.text.slice(cursor.pos))?.[0];
    if (word === undefined)
      cursor.fail('expected a path, a number, a string, true, false, null or a regular expression');
    cursor.pos += word.length;
    return word;
  }
  cursor.pos += number[0].length;
  return Number(number[0]);
}

function readRegex(cursor: Cursor): RegExp {
  cursor.expect('/');
  let source = '';
  while (cursor.peek() !== '/') {
    if (cursor.done()) cursor.fail('unterminated regular expression');
    if (cursor.peek() === '\\') source += cursor.text[cursor.pos++];
    source += cursor.text[cursor.pos++];
  }
  cursor.pos++;
  const flags = /^[imsu]*/.exec(cursor.text.slice(cursor.pos))?.[0] ?? '';
  cursor.pos += flags.length;
  try {
    // Anchored: Jayway uses Matcher.matches(), which must match the whole string.
    return new RegExp(`^(?:${source})$`, flags);
  } catch (e) {
    throw new PathSyntaxError(`invalid regular expression /${source}/: ${(e as Error).message}`);
  }
}

/** Evaluates a filter against one candidate item. */
export function evalFilter(expr: FilterExpr, item: Json, root: Json, select: Select): boolean {
  switch (expr.kind) {
    case 'and':
      return evalFilter(expr.left, item, root, select) && evalFilter(expr.right, item, root, select);
    case 'or':
      return evalFilter(expr.left, item, root, select) || evalFilter(expr.right, item, root, select);
    case 'not':
      return !evalFilter(expr.expr, item, root, select);
    case 'literal':
      return expr.value;
    case 'exists':
      return select(expr.operand.segments, expr.operand.base === '@' ? item : root, root).length > 0;
    case 'compare':
      return compare(
        expr.op,
        operandValue(expr.left, item, root, select),
        operandValue(expr.right, item, root, select),
      );
  }
}

function operandValue(operand: Operand, item: Json, root: Json, select: Select): Json | RegExp | undefined {
  if (operand.kind === 'value') return operand.value;
  if (operand.kind === 'regex') return operand.regex;
  const found = select(operand.segments, operand.base === '@' ? item : root, root);
  return operand.definite ? found[0] : found;
}

function compare(op: CompareOp, left: Json | RegExp | undefined, right: Json | RegExp | undefined): boolean {
  if (op === '!=') return !looseEquals(left, right);
  if (op === 'nin') return !(Array.isArray(right) && right.some((r) => looseEquals(left, r)));
  if (left === undefined || right === undefined) return false;
  switch (op) {
    case '==':
      return looseEquals(left, right);
    case '<':
    case '<=':
    case '>':
    case '>=':
      return ordered(op, left, right);
    case '=~':
      return typeof left === 'string' && right instanceof RegExp && right.test(left);
    case 'in':
      return Array.isArray(right) && right.some((r) => looseEquals(left, r));
    case 'subsetof':
      return (
        Array.isArray(left) && Array.isArray(right) && left.every((l) => right.some((r) => looseEquals(l, r)))
      );
    case 'anyof':
      return (
        Array.isArray(left) && Array.isArray(right) && left.some((l) => right.some((r) => looseEquals(l, r)))
      );
    case 'noneof':
      return (
        Array.isArray(left) && Array.isArray(right) && !left.some((l) => right.some((r) => looseEquals(l, r)))
      );
    case 'size':
      return (Array.isArray(left) || typeof left === 'string') && left.length === right;
    case 'empty':
      return (Array.isArray(left) || typeof left === 'string') && (left.length === 0) === right;
  }
}

function looseEquals(left: Json | RegExp | undefined, right: Json | RegExp | undefined): boolean {
  if (left === undefined || right === undefined) return left === right;
  if (left instanceof RegExp || right instanceof RegExp) return false;
  // Jayway compares a number with a string by reading the string as a number (and the reverse by
  // printing the number), so `@.id == '7'` matches 7.
  if (typeof left === 'number' && typeof right === 'string')
    return right.trim() !== '' && Number(right) === left;
  if (typeof left === 'string' && typeof right === 'number') return left === String(right);
  return jsonEquals(left, right);
}

function ordered(op: '<' | '<=' | '>' | '>=', left: Json | RegExp, right: Json | RegExp): boolean {
  const comparable =
    (typeof left === 'number' && typeof right === 'number') ||
    (typeof left === 'string' && typeof right === 'string');
  if (!comparable) return false;
  const [l, r] = [left as number | string, right as number | string];
  if (op === '<') return l < r;
  if (op === '<=') return l <= r;
  if (op === '>') return l > r;
  return l >= r;
}
