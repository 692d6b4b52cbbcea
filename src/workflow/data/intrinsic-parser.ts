/**
 * Parses an intrinsic function call such as
 * `States.Format('Hello {}', States.ArrayGetItem($.names, 0))` into a tree.
 *
 * Arguments are string literals in single quotes, numbers, `true`/`false`/`null`, paths (`$.x`,
 * `$$.x`, `$var`), or nested calls (at most 10 deep, as AWS allows). Inside a string literal
 * `\'`, `\{`, `\}` and `\\` stand for the character after the backslash; any other backslash is
 * an error ("open escape"). An unescaped `{}` in a literal is a States.Format placeholder, which
 * is why literals keep `formatParts` (the text split at those placeholders) beside their value.
 */
import { pathProblem } from './jsonpath.js';

/** A parsed intrinsic call. */
export interface IntrinsicCall {
  readonly kind: 'call';
  /** The full name, e.g. `States.Format`. */
  readonly name: string;
  readonly args: readonly IntrinsicArg[];
}

/** One argument of a call. */
export type IntrinsicArg =
  | IntrinsicCall
  | { readonly kind: 'string'; readonly value: string; readonly formatParts: readonly string[] }
  | { readonly kind: 'literal'; readonly value: number | boolean | null }
  | { readonly kind: 'path'; readonly path: string };

/** Raised for syntax errors; intrinsics.ts turns it into a StatesError or a validation problem. */
export class IntrinsicSyntaxError extends Error {}

const MAX_NESTING = 10;

/** Parses a whole expression, which must be exactly one call. */
export function parseCall(expression: string): IntrinsicCall {
  const parser = new Parser(expression);
  parser.skipSpaces();
  const call = parser.call(1);
  parser.skipSpaces();
  if (parser.pos < expression.length) parser.fail('unexpected text after the closing parenthesis');
  return call;
}

class Parser {
  pos = 0;
  constructor(readonly text: string) {}

  fail(reason: string): never {
    throw new IntrinsicSyntaxError(`${reason} (at position ${this.pos} of '${this.text}')`);
  }

  skipSpaces(): void {
    while (/\s/.test(this.text[this.pos] ?? '')) this.pos++;
  }

  call(depth: number): IntrinsicCall {
    if (depth > MAX_NESTING) this.fail(`intrinsic functions can be nested at most ${MAX_NESTING} deep`);
    const name = /^States\.[A-Za-z0-9]+/.exec(this.text.slice(this.pos))?.[0];
    if (name === undefined) this.fail("expected an intrinsic function such as 'States.Format('");
    this.pos += name.length;
    this.skipSpaces();
    if (this.text[this.pos] !== '(') this.fail(`expected '(' after ${name}`);
    this.pos++;
    const args: IntrinsicArg[] = [];
    this.skipSpaces();
    if (this.text[this.pos] === ')') {
      this.pos++;
      return { kind: 'call', name, args };
    }
    for (;;) {
      this.skipSpaces();
      args.push(this.arg(depth));
      this.skipSpaces();
      const ch = this.text[this.pos];
      this.pos++;
      if (ch === ')') return { kind: 'call', name, args };
      if (ch !== ',') this.fail(ch === undefined ? `missing ')' to close ${name}` : "expected ',' or ')'");
    }
  }

  arg(depth: number): IntrinsicArg {
    const rest = this.text.slice(this.pos);
    if (rest.startsWith("'")) return this.string();
    if (rest.startsWith('$')) return this.path();
    if (rest.startsWith('States.')) return this.call(depth + 1);
    const number = /^-?\d+(\.\d+)?([eE][-+]?\d+)?(?![\w.])/.exec(rest)?.[0];
    if (number !== undefined) {
      this.pos += number.length;
      return { kind: 'literal', value: Number(number) };
    }
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (new RegExp(`^${word}(?![\\w.$])`).test(rest)) {
        this.pos += word.length;
        return { kind: 'literal', value };
      }
    }
    return this.fail(
      'expected a quoted string, a number, true, false, null, a path or an intrinsic function',
    );
  }

  string(): IntrinsicArg {
    this.pos++; // opening quote
    let value = '';
    let part = '';
    const parts: string[] = [];
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === undefined) this.fail('unterminated string literal');
      this.pos++;
      if (ch === "'") break;
      if (ch === '\\') {
        const escaped = this.text[this.pos];
        if (escaped === undefined || !"'{}\\".includes(escaped)) {
          this.pos--;
          this.fail("a backslash must escape one of ' { } \\");
        }
        this.pos++;
        value += escaped;
        part += escaped;
      } else if (ch === '{' && this.text[this.pos] === '}') {
        this.pos++;
        value += '{}';
        parts.push(part);
        part = '';
      } else {
        value += ch;
        part += ch;
      }
    }
    parts.push(part);
    return { kind: 'string', value, formatParts: parts };
  }

  /** A path runs to the next `,` or `)` that is not inside brackets, parentheses or quotes. */
  path(): IntrinsicArg {
    const start = this.pos;
    let depth = 0;
    let quote: string | undefined;
    for (; this.pos < this.text.length; this.pos++) {
      const ch = this.text[this.pos] as string;
      if (quote !== undefined) {
        if (ch === '\\') this.pos++;
        else if (ch === quote) quote = undefined;
      } else if (ch === "'" || ch === '"') {
        quote = ch;
      } else if (ch === '[' || ch === '(') {
        depth++;
      } else if (ch === ']' || ch === ')') {
        if (depth === 0) break;
        depth--;
      } else if (ch === ',' && depth === 0) {
        break;
      }
    }
    const path = this.text.slice(start, this.pos).trimEnd();
    const problem = pathProblem(path, 'path');
    if (problem !== undefined) {
      this.pos = start;
      this.fail(problem);
    }
    return { kind: 'path', path };
  }
}
