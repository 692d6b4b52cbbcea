/**
 * The `wildcard` operator: `*` matches any run of characters (including none), `\*` is a literal
 * star and `\\` a literal backslash. Consecutive stars and any other escape are invalid. A pattern
 * is split at its stars once, at compile time; matching is then anchored literal checks plus a
 * left-to-right `indexOf` for the middle pieces, which is exact for star-only globs.
 */
import type { LeafValue, ValueTest } from './types.js';

/** A parsed wildcard: the literal pieces between stars (one more than the number of stars). */
export interface Wildcard {
  readonly pieces: readonly string[];
}

/** Parses a wildcard string; returns the reason when it is not valid. */
export function parseWildcard(text: string): Wildcard | string {
  const pieces: string[] = [];
  let piece = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '*') {
      if (text[i + 1] === '*') return `consecutive "*" at position ${i} are not allowed`;
      pieces.push(piece);
      piece = '';
    } else if (c === '\\') {
      const next = text[i + 1];
      if (next !== '*' && next !== '\\') {
        return `invalid escape at position ${i}: only \\* and \\\\ may follow a backslash`;
      }
      piece += next;
      i++;
    } else {
      piece += c;
    }
  }
  pieces.push(piece);
  return { pieces };
}

export class WildcardTest implements ValueTest {
  readonly #pieces: readonly string[];
  readonly #first: string;
  readonly #last: string;
  readonly #fixedLength: number;

  constructor(wildcard: Wildcard) {
    this.#pieces = wildcard.pieces;
    this.#first = wildcard.pieces[0] ?? '';
    this.#last = wildcard.pieces[wildcard.pieces.length - 1] ?? '';
    this.#fixedLength = this.#first.length + this.#last.length;
  }

  test(value: LeafValue): boolean {
    return typeof value === 'string' && this.matchString(value);
  }

  matchString(value: string): boolean {
    const pieces = this.#pieces;
    if (pieces.length === 1) return value === this.#first;
    if (value.length < this.#fixedLength) return false;
    if (!value.startsWith(this.#first) || !value.endsWith(this.#last)) return false;
    // Place each middle piece as early as possible; leaving the most room for the rest is optimal.
    let from = this.#first.length;
    const end = value.length - this.#last.length;
    for (let i = 1; i < pieces.length - 1; i++) {
      const piece = pieces[i] ?? '';
      const at = value.indexOf(piece, from);
      if (at < 0 || at + piece.length > end) return false;
      from = at + piece.length;
    }
    return true;
  }
}
