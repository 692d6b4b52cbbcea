/**
 * Collects validation issues with their place in the definition. Paths are written the way a
 * user reads them: `States.Choose.Choices[0].Next` (names with dots or spaces are kept as is).
 */
import type { DefinitionIssue } from './types.js';

export class Issues {
  readonly list: DefinitionIssue[] = [];

  add(path: string, message: string): void {
    this.list.push({ path, message });
  }
}

/** `base.field` (or `field` at the root). */
export function at(base: string, field: string | number): string {
  if (typeof field === 'number') return `${base}[${field}]`;
  return base === '' ? field : `${base}.${field}`;
}

/** A plain object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
