/**
 * EventBridge joins nested field names with dots, so an event key `"state.status"` is the same field
 * as `"state": {"status": ...}` (and a pattern may use either form). The matcher walks nested
 * objects, so an object whose keys contain dots is seen through a view that nests them.
 *
 * The common case costs one pass over the object's keys and allocates nothing. A view is built only
 * for objects that have dotted keys, never changes the event, and is cached per object so matching
 * one event against many patterns builds it once.
 */

type JsonObject = Record<string, unknown>;

const views = new WeakMap<object, JsonObject>();

/** The object as the matcher should see it: itself, or a view with dotted keys nested. */
export function viewOf(object: object): JsonObject {
  for (const key in object) {
    if (key.indexOf('.') >= 0) return dottedView(object as JsonObject);
  }
  return object as JsonObject;
}

/** Reads an own field; inherited names such as `constructor` are absent. */
export function ownField(object: JsonObject, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

function dottedView(object: JsonObject): JsonObject {
  const cached = views.get(object);
  if (cached !== undefined) return cached;
  // Null-prototype objects keep keys like "__proto__" as plain fields.
  const view: JsonObject = Object.create(null);
  for (const key of Object.keys(object)) {
    const value = object[key];
    if (value === undefined) continue;
    const [head = '', ...rest] = key.split('.');
    view[head] = merge(view[head], nest(rest, value));
  }
  views.set(object, view);
  return view;
}

/** Wraps `value` in one object per remaining name: nest(["a", "b"], 1) is {a: {b: 1}}. */
function nest(names: readonly string[], value: unknown): unknown {
  let out = value;
  for (let i = names.length - 1; i >= 0; i--) {
    const level: JsonObject = Object.create(null);
    level[names[i] ?? ''] = out;
    out = level;
  }
  return out;
}

/**
 * Combines two values found at the same path. Objects merge field by field (so fields from both stay
 * in one object); anything else becomes a list of both, which the matcher treats like any array.
 */
function merge(a: unknown, b: unknown): unknown {
  if (a === undefined) return b;
  if (isObject(a) && isObject(b)) {
    const out: JsonObject = Object.create(null);
    for (const key of Object.keys(a)) out[key] = a[key];
    for (const key of Object.keys(b)) out[key] = merge(out[key], b[key]);
    return out;
  }
  return [...(Array.isArray(a) ? a : [a]), ...(Array.isArray(b) ? b : [b])];
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
