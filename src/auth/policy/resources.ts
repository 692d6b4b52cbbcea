import { compileGlob, hasWildcard } from './glob.js';
import { closest } from './suggest.js';

/**
 * Resources are named `gust:TYPE:NAME`. Listing actions are authorized on the whole collection,
 * `gust:TYPE:*` (a literal `*`, which no real name contains), so `gust:function:orders-*` lets a
 * caller work with those functions but not list every function.
 */

interface ResourceTypeInfo {
  /** Characters a name of this type can hold: a pattern holding any other can never match. */
  readonly chars: RegExp;
  readonly charsText: string;
}

const SIMPLE: ResourceTypeInfo = { chars: /^[A-Za-z0-9_-]$/, charsText: 'letters, digits, - and _' };

export const RESOURCE_TYPES = {
  function: SIMPLE,
  queue: SIMPLE,
  bus: SIMPLE,
  schedule: { chars: /^[A-Za-z0-9_/-]$/, charsText: 'letters, digits, -, _ and / (FUNCTION/NAME)' },
  secret: { chars: /^[A-Za-z0-9/_+=.@-]$/, charsText: 'letters, digits and /_+=.@-' },
  key: SIMPLE,
  policy: SIMPLE,
  workflow: SIMPLE,
  audit: SIMPLE,
  node: SIMPLE,
} as const satisfies Record<string, ResourceTypeInfo>;

export type ResourceType = keyof typeof RESOURCE_TYPES;
const TYPES = Object.keys(RESOURCE_TYPES) as ResourceType[];

/** The resource string `authorize` expects, e.g. resourceName('secret', 'db/password'). */
export function resourceName(type: ResourceType, name: string): string {
  return `gust:${type}:${name}`;
}

/**
 * Why a Resource pattern is not acceptable, or undefined when it is: `*`, or `gust:TYPE:NAME` with
 * a known type and a name that could exist; wildcards anywhere.
 */
export function resourcePatternProblem(pattern: string): string | undefined {
  if (/^\*+$/.test(pattern)) return undefined;
  if (/\s/.test(pattern) || hasControlCharacter(pattern)) {
    return `'${pattern}' holds a space or control character`;
  }
  if (pattern.includes('${')) {
    return `'${pattern}' uses a policy variable; Gust policies have none: name the resource`;
  }
  if (!pattern.startsWith('gust:')) {
    const gust = fromAwsArn(pattern);
    if (gust) return `'${pattern}' is an AWS ARN; Gust names it ${gust}`;
    return `'${pattern}' is not a Gust resource: write gust:TYPE:NAME (${TYPES.join(', ')}) or *`;
  }
  const rest = pattern.slice('gust:'.length);
  const colon = rest.indexOf(':');
  if (colon === -1) {
    // gust:* and gust:func* reach into the names; gust:queue (no name) is a mistake.
    const star = rest.indexOf('*');
    if (star !== -1 && TYPES.some((t) => `${t}:`.startsWith(rest.slice(0, star).replace(/\?.*/, '')))) {
      return undefined;
    }
    if ((TYPES as string[]).includes(rest)) return noName(pattern, rest);
    return unknownType(pattern, rest);
  }
  const type = rest.slice(0, colon);
  const name = rest.slice(colon + 1);
  if (hasWildcard(type)) {
    // A wildcard in the type is fine when it can stand for one: gust:*:orders-* covers functions
    // and queues alike.
    const matches = compileGlob(type);
    return TYPES.some(matches) ? undefined : unknownType(pattern, type);
  }
  if (!(TYPES as string[]).includes(type)) return unknownType(pattern, type);
  if (name === '') return noName(pattern, type);
  if (type === 'audit') {
    return /^\*+$/.test(name) ? undefined : `'${pattern}': the audit log is one resource, gust:audit:*`;
  }
  const info = RESOURCE_TYPES[type as ResourceType];
  for (const char of name) {
    if (char !== '*' && char !== '?' && !info.chars.test(char)) {
      return `'${pattern}' can match no ${type}: ${type} names hold ${info.charsText}, not '${char}'`;
    }
  }
  return undefined;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function noName(pattern: string, type: string): string {
  const base = `gust:${type}`;
  return `'${pattern}' has no name: write ${base}:NAME, or ${base}:* for every ${type}`;
}

function unknownType(pattern: string, type: string): string {
  const nearest = closest(type, TYPES);
  const hint = nearest ? `did you mean ${nearest}?` : `the types are ${TYPES.join(', ')}`;
  return `'${pattern}': '${type}' is not a Gust resource type; ${hint}`;
}

/** The Gust name of an AWS ARN a user may paste from an IAM policy, when there is one. */
function fromAwsArn(arn: string): string | undefined {
  const parts = arn.split(':');
  if (parts[0] !== 'arn' || parts.length < 6) return undefined;
  const [service, resource] = [parts[2], parts.slice(5).join(':')];
  if (service === 'lambda' && resource.startsWith('function:')) {
    return `gust:function:${resource.slice('function:'.length).split(':')[0]}`;
  }
  if (service === 'sqs') return `gust:queue:${resource}`;
  if (service === 'events' && resource.startsWith('event-bus/')) {
    return `gust:bus:${resource.slice('event-bus/'.length)}`;
  }
  if (service === 'secretsmanager' && resource.startsWith('secret:')) {
    return `gust:secret:${resource.slice('secret:'.length)}`;
  }
  if (service === 'states' && resource.startsWith('stateMachine:')) {
    return `gust:workflow:${resource.slice('stateMachine:'.length)}`;
  }
  return undefined;
}
