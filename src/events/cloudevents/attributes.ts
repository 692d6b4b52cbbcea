/**
 * Context attributes in and out: `readAttributes` turns raw values (strings from `ce-` headers, JSON
 * values from a body) into a validated CloudEvent without data; `attributesOf` flattens a CloudEvent
 * back so that encoding validates through the same rules. Invariant: every CloudEvent this module
 * returns has passed these rules.
 */
import {
  type CloudEvent,
  type ExtensionValue,
  invalidCloudEvent,
  type Locate,
  SPEC_VERSIONS,
  type SpecVersion,
} from './cloud-event.js';
import {
  ATTRIBUTE_NAME,
  absoluteUriProblem,
  isInteger32,
  mediaTypeProblem,
  stringProblem,
  timestampProblem,
  uriReferenceProblem,
} from './value-rules.js';

type Rule = (value: string) => string | undefined;

const nonEmpty: Rule = (value) => (value === '' ? 'must be a non-empty string' : undefined);
const base64Only: Rule = (value) =>
  value === 'base64' ? undefined : 'must be "base64", the only encoding CloudEvents 0.3 defines';

/** Core attributes per version, each a String-typed value with its extra rule. */
const CORE_ATTRIBUTES: Record<SpecVersion, Record<string, Rule>> = {
  '1.0': {
    specversion: nonEmpty,
    id: nonEmpty,
    source: uriReferenceProblem,
    type: nonEmpty,
    datacontenttype: mediaTypeProblem,
    dataschema: absoluteUriProblem,
    subject: nonEmpty,
    time: timestampProblem,
  },
  '0.3': {
    specversion: nonEmpty,
    id: nonEmpty,
    source: uriReferenceProblem,
    type: nonEmpty,
    datacontenttype: mediaTypeProblem,
    datacontentencoding: base64Only,
    schemaurl: uriReferenceProblem,
    subject: nonEmpty,
    time: timestampProblem,
  },
};

const REQUIRED = ['id', 'source', 'type'] as const;

export interface ReadAttributes {
  event: CloudEvent;
  /** 0.3 only: "base64" when the carried data is base64 text; already removed from the event. */
  datacontentencoding: string | undefined;
}

/**
 * Validates raw attributes. `undefined` and `null` values count as absent (JSON format 2.2).
 * Names must already be lower-case (header names are, JSON member names must be).
 */
export function readAttributes(raw: Map<string, unknown>, locate: Locate): ReadAttributes {
  const specversion = readSpecVersion(raw.get('specversion'), locate);
  const rules = CORE_ATTRIBUTES[specversion];
  const core: Record<string, string> = {};
  const extensions: Record<string, ExtensionValue> = {};
  for (const [name, value] of raw) {
    if (value === undefined || value === null) continue;
    checkName(name, locate);
    const rule = rules[name];
    if (rule !== undefined) {
      core[name] = checkCoreValue(value, rule, locate(name));
    } else {
      // Includes the other version's names (schemaurl in 1.0, dataschema in 0.3): legal extensions.
      extensions[name] = checkExtensionValue(value, locate(name));
    }
  }
  for (const name of REQUIRED) {
    if (core[name] === undefined) throw invalidCloudEvent(locate(name), 'is missing; it is required');
  }
  const event: CloudEvent = {
    specversion,
    id: core.id ?? '',
    source: core.source ?? '',
    type: core.type ?? '',
    extensions,
  };
  for (const name of ['datacontenttype', 'dataschema', 'schemaurl', 'subject', 'time'] as const) {
    const value = core[name];
    if (value !== undefined) event[name] = value;
  }
  return { event, datacontentencoding: core.datacontentencoding };
}

function readSpecVersion(value: unknown, locate: Locate): SpecVersion {
  const where = locate('specversion');
  if (value === undefined || value === null) throw invalidCloudEvent(where, 'is missing; send "1.0"');
  if (typeof value !== 'string')
    throw invalidCloudEvent(where, `must be the string "1.0", got ${typeName(value)}`);
  const known = SPEC_VERSIONS.find((version) => version === value);
  if (known === undefined) {
    throw invalidCloudEvent(where, `is "${value}"; Gust reads CloudEvents 1.0 (and the older 0.3)`);
  }
  return known;
}

function checkName(name: string, locate: Locate): void {
  if (name === 'data') {
    throw invalidCloudEvent(
      locate(name),
      'is not allowed: "data" is reserved and cannot be an attribute name',
    );
  }
  if (!ATTRIBUTE_NAME.test(name)) {
    throw invalidCloudEvent(
      locate(name),
      'has an invalid attribute name: names are lower-case letters a-z and digits 0-9 only',
    );
  }
}

function checkCoreValue(value: unknown, rule: Rule, where: string): string {
  if (typeof value !== 'string') throw invalidCloudEvent(where, `must be a string, got ${typeName(value)}`);
  const problem = stringProblem(value) ?? rule(value);
  if (problem !== undefined) throw invalidCloudEvent(where, `${problem}; got ${JSON.stringify(value)}`);
  return value;
}

function checkExtensionValue(value: unknown, where: string): ExtensionValue {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (isInteger32(value)) return value;
    throw invalidCloudEvent(where, `must be an Integer (whole number in the 32-bit range), got ${value}`);
  }
  if (typeof value === 'string') {
    const problem = stringProblem(value);
    if (problem !== undefined) throw invalidCloudEvent(where, problem);
    return value;
  }
  throw invalidCloudEvent(where, `must be a string, integer or boolean, got ${typeName(value)}`);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Flattens and re-validates a CloudEvent for encoding, so Gust never sends an event it would
 * refuse to receive. Extensions that reuse a core attribute's name are refused.
 */
export function attributesOf(event: CloudEvent): Map<string, ExtensionValue> {
  const raw = new Map<string, unknown>();
  for (const name of ['specversion', 'id', 'source', 'type'] as const) raw.set(name, event[name]);
  const rules = CORE_ATTRIBUTES[event.specversion] ?? CORE_ATTRIBUTES['1.0'];
  for (const name of ['datacontenttype', 'dataschema', 'schemaurl', 'subject', 'time'] as const) {
    if (event[name] === undefined) continue;
    if (rules[name] === undefined) {
      const other = name === 'dataschema' ? 'schemaurl' : 'dataschema';
      throw invalidCloudEvent(
        `attribute "${name}"`,
        `is not a CloudEvents ${event.specversion} attribute; use ${other}`,
      );
    }
    raw.set(name, event[name]);
  }
  for (const [name, value] of Object.entries(event.extensions ?? {})) {
    if (rules[name] !== undefined) {
      throw invalidCloudEvent(`extension "${name}"`, 'clashes with the core attribute of the same name');
    }
    raw.set(name, value);
  }
  readAttributes(raw, (name) => `attribute "${name}"`);
  // readAttributes accepted every value, so each is a string, an int32 or a boolean.
  return raw as Map<string, ExtensionValue>;
}
