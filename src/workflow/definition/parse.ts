/**
 * Reading a definition: JSON or YAML text (or an already parsed object) → a validated
 * `Definition`. Duplicate keys are an error (JSON.parse would silently keep the last one).
 */
import { parseDocument } from 'yaml';
import { GustError } from '../../core/errors.js';
import type { Definition, DefinitionIssue, DefinitionOptions } from './types.js';
import { validateMachineValue } from './validate.js';

/** Options for parseDefinition / validateDefinition. */
export interface ParseOptions extends DefinitionOptions {
  /** See ValidateOptions.lenient (conformance suites with partial definitions). */
  lenient?: boolean;
}

/**
 * Parses and validates a definition. Throws GustError ERR_INVALID_DEFINITION whose
 * `details.issues` lists every `{path, message}` (path like `States.Choose.Choices[0].Next`).
 */
export function parseDefinition(source: string | object, options: ParseOptions = {}): Definition {
  const { value, issues } = readSource(source, options);
  const all = issues.length > 0 ? issues : validateMachineValue(value, options);
  if (all.length > 0) {
    const first = all[0] as DefinitionIssue;
    const more = all.length > 1 ? ` (and ${all.length - 1} more)` : '';
    throw new GustError(
      'ERR_INVALID_DEFINITION',
      `Invalid state machine definition: ${first.path === '' ? '' : `${first.path}: `}${first.message}${more}`,
      { details: { issues: all } },
    );
  }
  return value as Definition;
}

/** The issues of a definition (empty when valid). Never throws. */
export function validateDefinition(source: string | object, options: ParseOptions = {}): DefinitionIssue[] {
  const { value, issues } = readSource(source, options);
  return issues.length > 0 ? issues : validateMachineValue(value, options);
}

function readSource(
  source: string | object,
  options: DefinitionOptions,
): { value: unknown; issues: DefinitionIssue[] } {
  if (typeof source !== 'string') return { value: source, issues: [] };
  const text = source.trim();
  let jsonError: string | undefined;
  try {
    const value: unknown = JSON.parse(text);
    return { value, issues: duplicateKeys(text) };
  } catch (err) {
    jsonError = (err as Error).message;
  }
  if (options.yaml === false) {
    return {
      value: undefined,
      issues: [{ path: '', message: `the definition is not valid JSON: ${jsonError}` }],
    };
  }
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      value: undefined,
      issues: doc.errors.map((e) => ({
        path: '',
        message: `the definition is not valid YAML: ${e.message}`,
      })),
    };
  }
  return { value: doc.toJS(), issues: [] };
}

/** Duplicate object keys in JSON text (YAML's parser reports them; JSON is YAML). */
function duplicateKeys(text: string): DefinitionIssue[] {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  return doc.errors
    .filter((e) => e.code === 'DUPLICATE_KEY')
    .map((e) => ({ path: '', message: `duplicate key: ${e.message}` }));
}
