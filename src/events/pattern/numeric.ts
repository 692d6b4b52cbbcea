/**
 * The `numeric` operator and the number rules EventBridge applies to operands: numbers between -5e9
 * and 5e9 inclusive with at most six decimal places (the same rule covers `anything-but` numbers).
 * Event values are compared as JSON numbers, so 3, 3.0 and 3.0e0 are equal; strings never match.
 */
import { describe, invalidPattern, type PatternPath, quote } from './pattern-error.js';
import type { LeafValue, ValueTest } from './types.js';

/** Largest magnitude numeric matching works with, on both pattern operands and event values. */
export const NUMERIC_LIMIT = 5e9;
const MAX_DECIMALS = 6;

/** Says why a number cannot be a numeric operand, or returns null when it can. */
export function numberProblem(n: number): string | null {
  if (!Number.isFinite(n)) return `${n} is not a finite number`;
  if (Math.abs(n) > NUMERIC_LIMIT) return `${n} is outside the supported range -5e9 to 5e9`;
  if (decimalPlaces(n) > MAX_DECIMALS) return `${n} has more than ${MAX_DECIMALS} decimal places`;
  return null;
}

/** Decimal places in the shortest form of `n` that reads back as `n` (1.5e-7 has 8). */
function decimalPlaces(n: number): number {
  const text = String(n);
  const e = text.indexOf('e');
  const mantissa = e < 0 ? text : text.slice(0, e);
  const exponent = e < 0 ? 0 : Number(text.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const fraction = dot < 0 ? 0 : mantissa.length - dot - 1;
  return Math.max(0, fraction - exponent);
}

/** Matches numbers in [low, high], each end open or closed. */
export class NumericRangeTest implements ValueTest {
  constructor(
    readonly low: number,
    readonly lowOpen: boolean,
    readonly high: number,
    readonly highOpen: boolean,
  ) {}

  test(value: LeafValue): boolean {
    if (typeof value !== 'number') return false;
    if (this.lowOpen ? value <= this.low : value < this.low) return false;
    return this.highOpen ? value < this.high : value <= this.high;
  }
}

const OPERATORS = new Set(['=', '<', '<=', '>', '>=']);

/** Compiles the operand of `numeric`; `path` points at the `numeric` key. */
export function compileNumeric(operand: unknown, path: PatternPath): NumericRangeTest {
  if (!Array.isArray(operand) || operand.length === 0) {
    throw invalidPattern(path, `expects an array like [">", 0, "<=", 5], got ${describe(operand)}`);
  }
  const bounds: { op: string; value: number }[] = [];
  for (let i = 0; i < operand.length; i += 2) {
    const op: unknown = operand[i];
    const value: unknown = operand[i + 1];
    if (typeof op !== 'string' || typeof value !== 'number') {
      const then = i + 1 < operand.length ? describeOperand(value) : 'nothing';
      throw invalidPattern(
        path,
        `expects pairs of operator and number, got ${describeOperand(op)} then ${then}`,
      );
    }
    if (!OPERATORS.has(op)) {
      throw invalidPattern(path, `unknown operator ${quote(op)}; use =, <, <=, > or >=`);
    }
    const problem = numberProblem(value);
    if (problem !== null) throw invalidPattern(path, problem);
    bounds.push({ op, value });
  }
  return toRange(bounds, path);
}

function toRange(bounds: { op: string; value: number }[], path: PatternPath): NumericRangeTest {
  const [first, second, ...rest] = bounds;
  if (first === undefined) throw invalidPattern(path, 'expects at least one comparison');
  if (rest.length > 0) {
    throw invalidPattern(path, `expects one comparison or a range of two, got ${bounds.length}`);
  }
  if (second === undefined) {
    switch (first.op) {
      case '=':
        return new NumericRangeTest(first.value, false, first.value, false);
      case '<':
      case '<=':
        return checked(-NUMERIC_LIMIT, false, first.value, first.op === '<', path);
      default:
        return checked(first.value, first.op === '>', NUMERIC_LIMIT, false, path);
    }
  }
  const lowerFirst = first.op === '>' || first.op === '>=';
  const upperSecond = second.op === '<' || second.op === '<=';
  if (!lowerFirst || !upperSecond) {
    throw invalidPattern(
      path,
      `a range is a lower bound (">" or ">=") then an upper bound ("<" or "<="), got ${quote(first.op)} then ${quote(second.op)}`,
    );
  }
  return checked(first.value, first.op === '>', second.value, second.op === '<', path);
}

function checked(low: number, lowOpen: boolean, high: number, highOpen: boolean, path: PatternPath) {
  // EventBridge rejects empty ranges, including "> 5e9" and "< -5e9" at the edges of the limit.
  if (low >= high) throw invalidPattern(path, `the range is empty: ${low} is not below ${high}`);
  return new NumericRangeTest(low, lowOpen, high, highOpen);
}

function describeOperand(value: unknown): string {
  return typeof value === 'string' ? quote(value) : describe(value);
}
