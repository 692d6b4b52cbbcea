/**
 * The JSONPath subset EventBridge's input transformer accepts: `$`, dot notation (`$.detail.id`;
 * names of letters, digits, `-`, `_` and `/`), array indexes (`$.resources[0]`) and wildcards
 * (`$.detail.items[*].sku`, `$.detail.*`). Bracketed names (`$['a b']`) are not part of it.
 */

type Step = { kind: 'name'; name: string } | { kind: 'index'; index: number } | { kind: 'wildcard' };

/** A parsed path; `read` never throws. */
export interface JsonPath {
  readonly text: string;
  /** The value at the path, or undefined when the event has none. A path with a wildcard gives the list of values found. */
  read(value: unknown): unknown;
}

const STEP = /^(?:\.([A-Za-z0-9_\-/]+)|\.\*|\[(\d+)\]|\[\*\])/;

/** Parses `text`; returns the reason it is not a path this subset accepts, as a string. */
export function parseJsonPath(text: string): JsonPath | string {
  if (!text.startsWith('$')) return `must start with $ (as in $.detail.id), got ${JSON.stringify(text)}`;
  const steps: Step[] = [];
  let rest = text.slice(1);
  while (rest.length > 0) {
    const match = STEP.exec(rest);
    if (!match) {
      return `${JSON.stringify(text)} is not a supported JSON path at ${JSON.stringify(rest)}: use dot notation ($.detail.id), array indexes ([0]) and wildcards (*)`;
    }
    if (match[1] !== undefined) steps.push({ kind: 'name', name: match[1] });
    else if (match[2] !== undefined) steps.push({ kind: 'index', index: Number(match[2]) });
    else steps.push({ kind: 'wildcard' });
    rest = rest.slice(match[0].length);
  }
  const hasWildcard = steps.some((s) => s.kind === 'wildcard');
  return {
    text,
    read(value) {
      const found = walk([value], steps);
      if (hasWildcard) return found;
      return found[0];
    },
  };
}

function walk(values: unknown[], steps: readonly Step[]): unknown[] {
  let current = values;
  for (const step of steps) {
    const next: unknown[] = [];
    for (const value of current) {
      if (step.kind === 'name') {
        if (isObject(value) && Object.hasOwn(value, step.name)) next.push(value[step.name]);
      } else if (step.kind === 'index') {
        if (Array.isArray(value) && step.index < value.length) next.push(value[step.index]);
      } else if (Array.isArray(value)) next.push(...value);
      else if (isObject(value)) next.push(...Object.values(value));
    }
    current = next;
  }
  return current.filter((v) => v !== undefined);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
