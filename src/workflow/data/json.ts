/**
 * The JSON value model shared by every data language in this folder. Values are plain JS data as
 * produced by `JSON.parse`; functions here never mutate their arguments.
 */

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A JSON object (not an array, not null). */
export type JsonObject = { [k: string]: Json };

/** True for a JSON object: not null and not an array. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The JSON type name of a value, as used in error causes ("object", "array", "string", ...). */
export function jsonTypeOf(value: Json | undefined): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Structural equality of two JSON values. Object key order does not matter; numbers compare by
 * value, so `1` and `1.0` are equal (they are the same number once parsed).
 */
export function jsonEquals(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEquals(item, b[i] as Json));
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.hasOwn(b, k) && jsonEquals(a[k] as Json, b[k] as Json));
}

/** Compact JSON text, as Step Functions prints values inside error causes. */
export function toJsonText(value: Json | undefined): string {
  return value === undefined ? 'undefined' : JSON.stringify(value);
}

/**
 * Converts an arbitrary JS value (for example a JSONata result) to JSON: drops functions and
 * `undefined` object members, maps non-finite numbers to null, and strips JSONata's internal
 * array markers by copying. Returns `undefined` only when the value itself is undefined/a function.
 */
export function toJson(value: unknown): Json | undefined {
  if (value === undefined || typeof value === 'function') return undefined;
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) {
    const out: Json[] = [];
    for (const item of value) {
      const json = toJson(item);
      // JSON.stringify writes holes and undefined array members as null; do the same.
      out.push(json === undefined ? null : json);
    }
    return out;
  }
  if (typeof value === 'object') {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      const json = toJson(v);
      if (json !== undefined) out[k] = json;
    }
    return out;
  }
  return undefined; // bigint, symbol: not JSON
}
