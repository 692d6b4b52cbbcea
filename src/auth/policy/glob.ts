/**
 * IAM-style wildcards: `*` matches any run of characters (also none, also `:` and `/`), `?` exactly
 * one; everything else matches itself, case-sensitively (callers lower-case both sides for
 * case-insensitive matching). A compiled matcher allocates nothing per call, and the general case
 * runs in O(pattern × value) time at worst, never exponential, however many `*` a pattern holds.
 */

/** Tests one value against a compiled pattern. */
export type Matcher = (value: string) => boolean;

const STAR = 42; // '*'
const QUESTION = 63; // '?'

/** True when the pattern holds a `*` or a `?`. */
export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/** Compiles a pattern once into the cheapest matcher for its shape. */
export function compileGlob(pattern: string): Matcher {
  if (!hasWildcard(pattern)) return (value) => value === pattern;
  if (/^\*+$/.test(pattern)) return () => true;
  const inner = pattern.slice(0, -1);
  if (pattern.endsWith('*') && !hasWildcard(inner)) return (value) => value.startsWith(inner);
  const tail = pattern.slice(1);
  if (pattern.startsWith('*') && !hasWildcard(tail)) return (value) => value.endsWith(tail);
  return (value) => globMatch(pattern, value);
}

/**
 * The classic greedy wildcard match: on a mismatch after a `*`, let that `*` swallow one more
 * character and try again from there. Only the latest `*` needs to be remembered, because any
 * earlier one can only have matched less.
 */
export function globMatch(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let starP = -1;
  let starV = 0;
  while (v < value.length) {
    const c = pattern.charCodeAt(p);
    if (p < pattern.length && (c === QUESTION || (c !== STAR && c === value.charCodeAt(v)))) {
      p++;
      v++;
    } else if (p < pattern.length && c === STAR) {
      starP = p++;
      starV = v;
    } else if (starP !== -1) {
      p = starP + 1;
      v = ++starV;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern.charCodeAt(p) === STAR) p++;
  return p === pattern.length;
}
