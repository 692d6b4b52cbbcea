/**
 * String operators: prefix, suffix and equals-ignore-case (alone or inside prefix/suffix). They only
 * ever match string values. Ignore-case compares ASCII without allocating; a pattern with non-ASCII
 * letters falls back to `toLowerCase()` on the event value.
 */
import type { LeafValue, ValueTest } from './types.js';

export class PrefixTest implements ValueTest {
  readonly #prefix: string;
  constructor(prefix: string) {
    this.#prefix = prefix;
  }
  test(value: LeafValue): boolean {
    return typeof value === 'string' && value.startsWith(this.#prefix);
  }
}

export class SuffixTest implements ValueTest {
  readonly #suffix: string;
  constructor(suffix: string) {
    this.#suffix = suffix;
  }
  test(value: LeafValue): boolean {
    return typeof value === 'string' && value.endsWith(this.#suffix);
  }
}

/** Where an ignore-case comparison is anchored in the event value. */
export type CaseAnchor = 'whole' | 'start' | 'end';

export class IgnoreCaseTest implements ValueTest {
  readonly #lower: string;
  readonly #ascii: boolean;
  readonly #anchor: CaseAnchor;

  constructor(text: string, anchor: CaseAnchor) {
    this.#lower = text.toLowerCase();
    this.#ascii = isAscii(text);
    this.#anchor = anchor;
  }

  test(value: LeafValue): boolean {
    if (typeof value !== 'string') return false;
    const lower = this.#lower;
    if (!this.#ascii) return this.#slowTest(value.toLowerCase());
    const extra = value.length - lower.length;
    if (extra < 0) return false;
    if (this.#anchor === 'whole' && extra !== 0) return false;
    return asciiEqualsIgnoreCase(value, this.#anchor === 'end' ? extra : 0, lower);
  }

  #slowTest(lowered: string): boolean {
    if (this.#anchor === 'start') return lowered.startsWith(this.#lower);
    if (this.#anchor === 'end') return lowered.endsWith(this.#lower);
    return lowered === this.#lower;
  }
}

/** True when the code units of `value` from `offset` equal `lower` (ASCII, lower case) ignoring case. */
function asciiEqualsIgnoreCase(value: string, offset: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    const c = value.charCodeAt(offset + i);
    const p = lower.charCodeAt(i);
    // Only A-Z folds: an ASCII pattern letter never matches a non-ASCII look-alike (as in EventBridge).
    if (c !== p && !(c >= 65 && c <= 90 && c + 32 === p)) return false;
  }
  return true;
}

export function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 127) return false;
  return true;
}
