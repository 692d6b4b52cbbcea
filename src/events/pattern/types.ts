/**
 * Shapes shared by the compiler and the matcher. A compiled pattern is a tree of `PatternNode`s that
 * mirrors the pattern's nesting (dotted keys already split into levels); each node may carry a
 * `FieldMatcher` for the values found at exactly its path.
 */

/** The result of `compilePattern`: validated once, then used for any number of events. */
export interface CompiledPattern {
  /** True when the event matches the pattern. Never throws; any JSON value is accepted. */
  matches(event: unknown): boolean;
}

export interface CompileOptions {
  /**
   * Largest pattern accepted, counted in characters of its compact JSON. EventBridge allows 2048 by
   * default and up to 4096 after a quota increase; Gust defaults to 4096.
   */
  maxLength?: number;
}

/** A leaf value of an event: what pattern operators compare against. */
export type LeafValue = string | number | boolean | null;

/** One operator from a pattern's value list, tested against one leaf value of the event. */
export interface ValueTest {
  test(value: LeafValue): boolean;
}

/** The compiled form of a field's value list, e.g. `["a", {"prefix": "b"}, {"exists": false}]`. */
export interface FieldMatcher {
  /** True when this leaf value satisfies any of the list's value tests (exists aside). */
  matchValue(value: LeafValue): boolean;
  /** `{"exists": true}` is in the list: any value at the path satisfies it. */
  readonly existsTrue: boolean;
  /** `{"exists": false}` is in the list: the path having no value at all satisfies it. */
  readonly existsFalse: boolean;
}

export interface PatternNode {
  /** Field names from the event root to this node, used to check absence across array elements. */
  readonly path: readonly string[];
  /** Matcher for the values at exactly this path, or null when the pattern names none. */
  field: FieldMatcher | null;
  /** Nested fields, all of which must match (AND). */
  readonly children: Map<string, PatternNode>;
  /** `$or` groups at this level: each group needs one of its branches to match. */
  readonly orGroups: PatternNode[][];
}
