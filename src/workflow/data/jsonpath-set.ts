/**
 * Writing a value at a Reference Path, for `ResultPath`: `$` replaces the whole input; otherwise
 * the input is copied along the path (never mutated), missing objects are created, and a step
 * that cannot be taken (a member of a non-object, an index past the end of an array) fails with
 * `States.ResultPathMatchFailure`, the ASL error for "ResultPath cannot be applied to the input".
 */
import { isJsonObject, type Json, toJsonText } from './json.js';
import { type ParsedPath, PathSyntaxError, parsePath, type Segment } from './jsonpath-parser.js';
import { StatesError } from './states-error.js';

/**
 * Returns a copy of `data` with `value` written at `referencePath` (which must start with `$`).
 * Throws `States.Runtime` for a path that is not a Reference Path and
 * `States.ResultPathMatchFailure` when the input has the wrong shape for it.
 */
export function setPath(data: Json, referencePath: string, value: Json): Json {
  let parsed: ParsedPath;
  try {
    parsed = parsePath(referencePath);
  } catch (e) {
    if (!(e instanceof PathSyntaxError)) throw e;
    throw new StatesError('States.Runtime', `The ResultPath '${referencePath}' is not valid: ${e.message}`);
  }
  if (!parsed.segments.every((s) => s.kind === 'member' || s.kind === 'index')) {
    throw new StatesError('States.Runtime', `The ResultPath '${referencePath}' is not a Reference Path`);
  }
  const write = (node: Json | undefined, i: number): Json => {
    const segment = parsed.segments[i] as Segment | undefined;
    if (segment === undefined) return value;
    if (segment.kind === 'member') {
      if (node === undefined || isJsonObject(node)) {
        const copy = { ...(node ?? {}) };
        copy[segment.name] = write(node?.[segment.name], i + 1);
        return copy;
      }
    } else if (segment.kind === 'index' && Array.isArray(node)) {
      const at = segment.index < 0 ? node.length + segment.index : segment.index;
      if (at >= 0 && at < node.length) {
        const copy = [...node];
        copy[at] = write(node[at], i + 1);
        return copy;
      }
    }
    throw new StatesError(
      'States.ResultPathMatchFailure',
      `Unable to apply ReferencePath ${referencePath} to input ${toJsonText(data)}`,
    );
  };
  return write(data, 0);
}
