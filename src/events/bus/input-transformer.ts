/**
 * EventBridge's input transformer: `inputPathsMap` names values of the event (`{"id": "$.detail.id"}`)
 * and `inputTemplate` is the text a target receives, with `<id>` placeholders filled in.
 *
 * - A template that is JSON once its placeholders are filled (`{"id": <id>}`, `"order <id>"`) is
 *   rendered as JSON: a placeholder in a value position becomes the value as JSON (a string is
 *   quoted, a missing value is `null`); inside a JSON string it becomes the value's text, escaped so
 *   the result stays valid JSON (EventBridge does not escape; Gust does, so a quote in the data cannot
 *   break the target's input). A missing value inside a string is empty.
 * - Any other template is plain text: strings go in as they are, other values as JSON, missing
 *   values as nothing.
 * - `<aws.events.rule-name>`, `<aws.events.rule-arn>`, `<aws.events.event.ingestion-time>`,
 *   `<aws.events.event>` (the event without `detail`) and `<aws.events.event.json>` (the whole
 *   event) are always defined. `<name>` for a name that is neither defined nor predefined is left
 *   as written.
 */
import { GustError } from '../../core/errors.js';
import { type JsonPath, parseJsonPath } from './json-path.js';
import type { BusEvent, InputTransformerConfig } from './types.js';

/** EventBridge's limits. */
export const MAX_INPUT_PATHS = 100;
export const MAX_TEMPLATE_LENGTH = 8192;

const PREDEFINED = [
  'aws.events.rule-name',
  'aws.events.rule-arn',
  'aws.events.event.ingestion-time',
  'aws.events.event',
  'aws.events.event.json',
] as const;

const VARIABLE_NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const PLACEHOLDER = /<([A-Za-z0-9_.-]+)>/g;

export interface TransformContext {
  ruleName: string;
  ruleArn: string;
  /** When the bus received the event (ISO 8601). */
  ingestionTime: string;
}

/** The rendered input: the text the target receives, and whether that text is JSON. */
export interface TransformedInput {
  text: string;
  json: boolean;
}

export interface InputTransformer {
  apply(event: BusEvent, context: TransformContext): TransformedInput;
}

/**
 * Checks and compiles a transformer. Throws GustError ERR_INVALID_PARAMETER whose message starts
 * with the offending field (`inputPathsMap.id: ...`), repeated in `details.path`.
 */
export function compileInputTransformer(config: InputTransformerConfig): InputTransformer {
  const paths = new Map<string, JsonPath>();
  const entries = Object.entries(config.inputPathsMap ?? {});
  if (entries.length > MAX_INPUT_PATHS) {
    throw invalid('inputPathsMap', `has ${entries.length} entries; the limit is ${MAX_INPUT_PATHS}`);
  }
  for (const [name, text] of entries) {
    const at = `inputPathsMap.${name}`;
    if (!VARIABLE_NAME.test(name)) throw invalid(at, 'variable names are letters, digits, ".", "-" and "_"');
    if (name.toLowerCase().startsWith('aws.')) throw invalid(at, 'names starting with aws. are reserved');
    const path = parseJsonPath(text);
    if (typeof path === 'string') throw invalid(at, path);
    paths.set(name, path);
  }
  const template = config.inputTemplate;
  if (template.length === 0 || template.length > MAX_TEMPLATE_LENGTH) {
    throw invalid('inputTemplate', `must be 1 to ${MAX_TEMPLATE_LENGTH} characters, got ${template.length}`);
  }
  const known = (name: string) => paths.has(name) || (PREDEFINED as readonly string[]).includes(name);
  const json = isJsonTemplate(template, known);
  return {
    apply(event, context) {
      const value = (name: string): unknown => {
        const path = paths.get(name);
        if (path) return path.read(event);
        return predefined(name, event, context);
      };
      return { text: render(template, known, value, json), json };
    },
  };
}

function predefined(name: string, event: BusEvent, context: TransformContext): unknown {
  switch (name) {
    case 'aws.events.rule-name':
      return context.ruleName;
    case 'aws.events.rule-arn':
      return context.ruleArn;
    case 'aws.events.event.ingestion-time':
      return context.ingestionTime;
    case 'aws.events.event': {
      const { detail: _detail, ...rest } = event;
      return rest;
    }
    default:
      return event;
  }
}

/**
 * True when the template is JSON once placeholders are filled. A template that starts like JSON
 * (`{` or `[`) but is not is refused: it is almost always a typo, such as a placeholder used as an
 * object key, which EventBridge does not allow either.
 */
function isJsonTemplate(template: string, known: (name: string) => boolean): boolean {
  const filled = render(template, known, () => null, true);
  try {
    JSON.parse(filled);
    return true;
  } catch (error) {
    if (/^\s*[{[]/.test(template)) {
      throw invalid(
        'inputTemplate',
        `starts like JSON but is not valid JSON once its placeholders are filled (${(error as Error).message}); a placeholder cannot be an object key`,
      );
    }
    return false;
  }
}

/** Fills placeholders, tracking whether each one sits inside a JSON string of the template. */
function render(
  template: string,
  known: (name: string) => boolean,
  value: (name: string) => unknown,
  json: boolean,
): string {
  let out = '';
  let last = 0;
  let inString = false;
  let scanned = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? '';
    if (!known(name)) continue;
    // Count unescaped quotes between the last placeholder and this one.
    for (let i = scanned; i < match.index; i++) {
      const c = template.charCodeAt(i);
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = !inString;
    }
    scanned = match.index + match[0].length;
    out += template.slice(last, match.index) + fill(value(name), json, inString);
    last = scanned;
  }
  return out + template.slice(last);
}

function fill(value: unknown, json: boolean, inString: boolean): string {
  if (!json) {
    if (value === undefined) return '';
    return typeof value === 'string' ? value : JSON.stringify(value);
  }
  if (!inString) return value === undefined ? 'null' : JSON.stringify(value);
  if (value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return JSON.stringify(text).slice(1, -1);
}

function invalid(path: string, why: string): GustError {
  return new GustError('ERR_INVALID_PARAMETER', `${path}: ${why}`, {
    details: { path },
    awsType: 'ValidationException',
  });
}
