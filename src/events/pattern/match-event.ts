/**
 * Matching: walk the event along the compiled pattern tree. Invariants, following EventBridge:
 *
 * - Arrays are transparent: a field's values are the leaf values at its path, with arrays (nested
 *   too) flattened. A list field matches when any of those values passes.
 * - Fields under an array must all be satisfied by the same array element (array consistency), so
 *   a nested pattern is tried against each element in turn.
 * - Objects are not values: `{"exists": true}` needs a leaf (null counts), and a path that leads to
 *   an object, an empty array or nothing has no values, which is what `{"exists": false}` wants.
 *   Absence is judged over the whole event: under an array, a field is absent only if no element
 *   has it.
 *
 * The hot path allocates nothing: node data sits in arrays prepared once, and scans return codes.
 */
import { ownField, viewOf } from './event-view.js';
import type { FieldMatcher, LeafValue, PatternNode } from './types.js';

/** What a child needs from the event object it is read from. */
const VALUES = 0; // only a value list: dotted keys cannot add values at a one-name path
const NESTED = 1; // nested fields, no `exists: false` below: dotted keys can only add matches
const NESTED_ABSENCE = 2; // nested fields with `exists: false` below: needs the full view up front

/** A pattern node flattened into arrays for the hot loop. */
export interface MatchNode {
  readonly path: readonly string[];
  readonly field: FieldMatcher | null;
  /** Child names, ordered VALUES, then NESTED, then NESTED_ABSENCE: cheap checks decide misses first. */
  readonly keys: readonly string[];
  readonly kinds: readonly number[];
  /** Per key: read it with `Object.hasOwn` because the name also exists on Object.prototype. */
  readonly guarded: readonly boolean[];
  readonly nodes: readonly MatchNode[];
  readonly orGroups: readonly (readonly MatchNode[])[];
  /** Has children or $or groups, so the event value must be looked into. */
  readonly structured: boolean;
}

export function toMatchNode(node: PatternNode): MatchNode {
  const children = [...node.children]
    .map(([key, child]) => ({ key, child, kind: kindOf(child) }))
    .sort((a, b) => a.kind - b.kind);
  return {
    path: node.path,
    field: node.field,
    keys: children.map((c) => c.key),
    kinds: children.map((c) => c.kind),
    guarded: children.map((c) => c.key in Object.prototype),
    nodes: children.map((c) => toMatchNode(c.child)),
    orGroups: node.orGroups.map((group) => group.map(toMatchNode)),
    structured: node.children.size > 0 || node.orGroups.length > 0,
  };
}

function kindOf(node: PatternNode): number {
  if (node.children.size === 0 && node.orGroups.length === 0) return VALUES;
  return hasAbsence(node) ? NESTED_ABSENCE : NESTED;
}

function hasAbsence(node: PatternNode): boolean {
  if (node.field?.existsFalse) return true;
  for (const child of node.children.values()) if (hasAbsence(child)) return true;
  return node.orGroups.some((group) => group.some(hasAbsence));
}

/** True when `event` matches the pattern rooted at `root`. */
export function matchEvent(root: MatchNode, event: unknown): boolean {
  return matchStructure(root, event, event, false);
}

function matchNode(node: MatchNode, value: unknown, event: unknown, inArray: boolean): boolean {
  const field = node.field;
  if (field !== null && !matchField(node, field, value, event, inArray)) return false;
  return !node.structured || matchStructure(node, value, event, inArray);
}

function matchStructure(node: MatchNode, value: unknown, event: unknown, inArray: boolean): boolean {
  if (!Array.isArray(value)) return matchObject(node, value, event, inArray);
  if (value.length === 0) return matchObject(node, undefined, event, true);
  for (let i = 0; i < value.length; i++) {
    if (matchStructure(node, value[i], event, true)) return true;
  }
  return false;
}

function matchObject(node: MatchNode, value: unknown, event: unknown, inArray: boolean): boolean {
  const raw = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  // Dotted event keys ("detail.state") only matter below nested children. Where no `exists: false`
  // is below, they can only add matches, so the object as given is tried first and the view that
  // nests dotted keys is consulted only when that fails.
  let object = raw;
  let viewed = raw === null;
  const keys = node.keys;
  for (let i = 0; i < keys.length; i++) {
    const kind = node.kinds[i];
    if (kind === NESTED_ABSENCE && !viewed) {
      object = viewOf(raw as Record<string, unknown>);
      viewed = true;
    }
    const child = node.nodes[i] as MatchNode;
    if (matchNode(child, read(node, object, i), event, inArray)) continue;
    if (kind === VALUES || viewed) return false;
    viewed = true;
    const view = viewOf(raw as Record<string, unknown>);
    if (view === raw || !matchNode(child, read(node, view, i), event, inArray)) return false;
    object = view;
  }
  const groups = node.orGroups;
  for (let g = 0; g < groups.length; g++) {
    const branches = groups[g] as readonly MatchNode[];
    let any = false;
    for (let b = 0; b < branches.length && !any; b++) {
      any = matchObject(branches[b] as MatchNode, value, event, inArray);
    }
    if (!any) return false;
  }
  return true;
}

function read(node: MatchNode, object: Record<string, unknown> | null, i: number): unknown {
  if (object === null) return undefined;
  const key = node.keys[i] as string;
  return node.guarded[i] ? ownField(object, key) : object[key];
}

const NO_VALUES = 0;
const NO_MATCH = 1;
const MATCH = 2;

function matchField(
  node: MatchNode,
  field: FieldMatcher,
  value: unknown,
  event: unknown,
  inArray: boolean,
): boolean {
  const result = scanValues(field, value);
  if (result === MATCH) return true;
  if (result === NO_MATCH || !field.existsFalse) return false;
  // No values here. Outside arrays that settles absence; inside one, another element may have it.
  return !inArray || !hasValueAt(event, node.path, 0);
}

function scanValues(field: FieldMatcher, value: unknown): number {
  if (Array.isArray(value)) {
    let seen = NO_VALUES;
    for (let i = 0; i < value.length; i++) {
      const result = scanValues(field, value[i]);
      if (result === MATCH) return MATCH;
      if (result === NO_MATCH) seen = NO_MATCH;
    }
    return seen;
  }
  if (!isLeaf(value)) return NO_VALUES;
  return field.existsTrue || field.matchValue(value) ? MATCH : NO_MATCH;
}

function isLeaf(value: unknown): value is LeafValue {
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'boolean' || value === null;
}

/** True when the event has at least one leaf value at `path` (from index `from`), anywhere. */
function hasValueAt(value: unknown, path: readonly string[], from: number): boolean {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (hasValueAt(value[i], path, from)) return true;
    return false;
  }
  if (from === path.length) return isLeaf(value);
  if (typeof value !== 'object' || value === null) return false;
  return hasValueAt(ownField(viewOf(value), path[from] as string), path, from + 1);
}
