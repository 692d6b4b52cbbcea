/**
 * The intrinsic functions, each a pure function of its evaluated arguments (randomness comes from
 * the injected `random`). Rules follow the AWS Step Functions documentation:
 *
 * - non-integer arguments where an integer is required are rounded to the nearest integer, the
 *   way Java's Math.round does (half up: 2.5 -> 3, -2.5 -> -2);
 * - States.ArrayRange makes at most 1000 items; States.MathAdd takes int32 values;
 * - States.Base64Encode/Decode and States.Hash take at most 10,000 characters;
 * - States.JsonMerge only merges shallowly (its third argument must be false);
 * - States.MathRandom returns an integer in [start, end); with a seed it is deterministic.
 *
 * Every misuse throws `StatesError('States.IntrinsicFailure', ...)` naming the function.
 */
import { createHash, randomUUID } from 'node:crypto';
import { JavaRandom } from './java-random.js';
import { isJsonObject, type Json, type JsonObject, jsonEquals, jsonTypeOf } from './json.js';
import { StatesError } from './states-error.js';

/** What a function may use besides its arguments. */
export interface IntrinsicEnv {
  /** Uniform in [0, 1); defaults to Math.random. Inject for deterministic tests. */
  readonly random?: () => number;
}

type Impl = (args: Json[], env: IntrinsicEnv, formatParts: readonly string[] | undefined) => Json;

/** Arity [min, max] per function; max Infinity means variadic. Used by the parser's validation. */
export const ARITY: Readonly<Record<string, readonly [number, number]>> = {
  'States.Format': [1, Number.POSITIVE_INFINITY],
  'States.StringToJson': [1, 1],
  'States.JsonToString': [1, 1],
  'States.Array': [0, Number.POSITIVE_INFINITY],
  'States.ArrayPartition': [2, 2],
  'States.ArrayContains': [2, 2],
  'States.ArrayRange': [3, 3],
  'States.ArrayGetItem': [2, 2],
  'States.ArrayLength': [1, 1],
  'States.ArrayUnique': [1, 1],
  'States.Base64Encode': [1, 1],
  'States.Base64Decode': [1, 1],
  'States.Hash': [2, 2],
  'States.JsonMerge': [3, 3],
  'States.MathRandom': [2, 3],
  'States.MathAdd': [2, 2],
  'States.StringSplit': [2, 2],
  'States.UUID': [0, 0],
};

/** What each argument position must hold; the last entry repeats for variadic functions. */
type ArgType = 'string' | 'number' | 'boolean' | 'array' | 'object' | 'any';
export const ARG_TYPES: Readonly<Record<string, readonly ArgType[]>> = {
  'States.Format': ['string', 'any'],
  'States.StringToJson': ['string'],
  'States.JsonToString': ['any'],
  'States.Array': ['any'],
  'States.ArrayPartition': ['array', 'number'],
  'States.ArrayContains': ['array', 'any'],
  'States.ArrayRange': ['number', 'number', 'number'],
  'States.ArrayGetItem': ['array', 'number'],
  'States.ArrayLength': ['array'],
  'States.ArrayUnique': ['array'],
  'States.Base64Encode': ['string'],
  'States.Base64Decode': ['string'],
  'States.Hash': ['any', 'string'],
  'States.JsonMerge': ['object', 'object', 'boolean'],
  'States.MathRandom': ['number', 'number', 'number'],
  'States.MathAdd': ['number', 'number'],
  'States.StringSplit': ['string', 'string'],
  'States.UUID': [],
};

/**
 * For deploy-time checks: the problem with a *literal* argument at `position` (1-based), if its
 * type cannot be right (`States.MathAdd(1, '-1')`). Paths and nested calls are checked at run time.
 */
export function literalArgProblem(
  fn: string,
  position: number,
  value: string | number | boolean | null,
): string | undefined {
  const types = ARG_TYPES[fn] ?? [];
  const expected = types[Math.min(position, types.length) - 1] ?? 'any';
  const actual = value === null ? 'null' : typeof value;
  if (expected === 'any' || expected === actual) return undefined;
  const article = expected === 'array' || expected === 'object' ? 'an' : 'a';
  return `${fn}: argument ${position} must be ${article} ${expected}, got the ${actual} literal ${JSON.stringify(value)}`;
}

/** Hash algorithm names Step Functions accepts, mapped to node:crypto names. */
export const HASHES: Readonly<Record<string, string>> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};
const MAX_TEXT = 10_000;
const MAX_RANGE_ITEMS = 1000;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** The implementations, keyed by full name. */
export const FUNCTIONS: Readonly<Record<string, Impl>> = {
  'States.Format': (args, _env, parts) => {
    const [template, ...values] = args;
    const pieces = parts ?? text('States.Format', template, 1).split('{}');
    if (pieces.length - 1 !== values.length) {
      fail(
        `States.Format: the template has ${pieces.length - 1} placeholder(s) '{}' but ${values.length} value(s) were given`,
      );
    }
    return pieces.reduce((out, piece, i) => out + formatValue(values[i - 1] as Json) + piece);
  },
  'States.StringToJson': ([value]) => {
    const source = text('States.StringToJson', value, 1);
    try {
      return JSON.parse(source) as Json;
    } catch (e) {
      return fail(`States.StringToJson: the argument is not valid JSON text (${(e as Error).message})`);
    }
  },
  'States.JsonToString': ([value]) => JSON.stringify(value),
  'States.Array': (args) => args,
  'States.ArrayPartition': ([array, size]) => {
    const items = list('States.ArrayPartition', array, 1);
    const chunk = integer('States.ArrayPartition', size, 2);
    if (chunk <= 0) fail(`States.ArrayPartition: the chunk size must be a positive integer, got ${chunk}`);
    const out: Json[] = [];
    for (let i = 0; i < items.length; i += chunk) out.push(items.slice(i, i + chunk));
    return out;
  },
  'States.ArrayContains': ([array, value]) =>
    list('States.ArrayContains', array, 1).some((item) => jsonEquals(item, value as Json)),
  'States.ArrayRange': ([a, b, c]) => {
    const [start, end, step] = [a, b, c].map((v, i) => integer('States.ArrayRange', v, i + 1)) as [
      number,
      number,
      number,
    ];
    if (step === 0) fail('States.ArrayRange: the step (third argument) must not be 0');
    const count = Math.max(0, Math.floor((end - start) / step) + 1);
    if (count > MAX_RANGE_ITEMS) {
      fail(`States.ArrayRange: the array would have ${count} items; at most ${MAX_RANGE_ITEMS} are allowed`);
    }
    return Array.from({ length: count }, (_, i) => start + i * step);
  },
  'States.ArrayGetItem': ([array, index]) => {
    const items = list('States.ArrayGetItem', array, 1);
    const at = integer('States.ArrayGetItem', index, 2);
    if (at < 0 || at >= items.length) {
      fail(`States.ArrayGetItem: index ${at} is out of bounds for an array of length ${items.length}`);
    }
    return items[at] as Json;
  },
  'States.ArrayLength': ([array]) => list('States.ArrayLength', array, 1).length,
  'States.ArrayUnique': ([array]) => {
    const out: Json[] = [];
    for (const item of list('States.ArrayUnique', array, 1))
      if (!out.some((o) => jsonEquals(o, item))) out.push(item);
    return out;
  },
  'States.Base64Encode': ([value]) =>
    Buffer.from(limited('States.Base64Encode', text('States.Base64Encode', value, 1)), 'utf8').toString(
      'base64',
    ),
  'States.Base64Decode': ([value]) => {
    const encoded = limited('States.Base64Decode', text('States.Base64Decode', value, 1));
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded) || encoded.length % 4 === 1) {
      fail('States.Base64Decode: the argument is not valid Base64 text');
    }
    return Buffer.from(encoded, 'base64').toString('utf8');
  },
  'States.Hash': ([data, algorithm]) => {
    const name = text('States.Hash', algorithm, 2);
    const hash = HASHES[name];
    if (hash === undefined) {
      fail(
        `States.Hash: the algorithm '${name}' is not supported; use one of ${Object.keys(HASHES).join(', ')}`,
      );
    }
    // The docs call the input "an object string"; non-strings are hashed as their JSON text.
    const input = limited('States.Hash', typeof data === 'string' ? data : JSON.stringify(data));
    return createHash(hash).update(input, 'utf8').digest('hex');
  },
  'States.JsonMerge': ([a, b, deep]) => {
    const left = object('States.JsonMerge', a, 1);
    const right = object('States.JsonMerge', b, 2);
    if (typeof deep !== 'boolean')
      fail(`States.JsonMerge: argument 3 must be a boolean, got ${jsonTypeOf(deep)}`);
    if (deep) fail('States.JsonMerge: deep merging is not supported; pass false as the third argument');
    return { ...left, ...right };
  },
  'States.MathRandom': ([a, b, seed], env) => {
    const start = integer('States.MathRandom', a, 1);
    const end = integer('States.MathRandom', b, 2);
    if (start >= end) fail(`States.MathRandom: the start (${start}) must be less than the end (${end})`);
    if (seed !== undefined)
      return start + new JavaRandom(integer('States.MathRandom', seed, 3)).nextInt(end - start);
    return start + Math.floor((env.random ?? Math.random)() * (end - start));
  },
  'States.MathAdd': ([a, b]) => {
    const [x, y] = [int32('States.MathAdd', a, 1), int32('States.MathAdd', b, 2)];
    return x + y;
  },
  'States.StringSplit': ([value, separators]) => {
    const source = text('States.StringSplit', value, 1);
    const delimiters = [...text('States.StringSplit', separators, 2)];
    if (delimiters.length === 0) return [source];
    // Every character of the second argument is a delimiter and empty tokens are dropped,
    // like Java's StringTokenizer ("This.is+a,test=string" split by ".+,=" gives 5 words).
    const tokens: string[] = [];
    let current = '';
    for (const ch of source) {
      if (delimiters.includes(ch)) {
        if (current !== '') tokens.push(current);
        current = '';
      } else {
        current += ch;
      }
    }
    if (current !== '') tokens.push(current);
    return tokens;
  },
  'States.UUID': (_args, env) => (env.random === undefined ? randomUUID() : uuidFrom(env.random)),
};

/** Renders a States.Format value: strings as-is, containers the way Java's toString prints them. */
function formatValue(value: Json): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  if (isJsonObject(value)) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}=${formatValue(v)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(value);
}

/** A version 4 UUID from an injected random source (tests); production uses crypto.randomUUID. */
export function uuidFrom(random: () => number): string {
  const bytes = Array.from({ length: 16 }, () => Math.floor(random() * 256) & 0xff);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function fail(cause: string): never {
  throw new StatesError('States.IntrinsicFailure', cause);
}

function text(fn: string, value: Json | undefined, position: number): string {
  return typeof value === 'string'
    ? value
    : fail(`${fn}: argument ${position} must be a string, got ${jsonTypeOf(value)}`);
}

function limited(fn: string, value: string): string {
  return value.length <= MAX_TEXT
    ? value
    : fail(`${fn}: the input is ${value.length} characters; at most ${MAX_TEXT} are allowed`);
}

function list(fn: string, value: Json | undefined, position: number): Json[] {
  return Array.isArray(value)
    ? value
    : fail(`${fn}: argument ${position} must be an array, got ${jsonTypeOf(value)}`);
}

function object(fn: string, value: Json | undefined, position: number): JsonObject {
  return isJsonObject(value)
    ? value
    : fail(`${fn}: argument ${position} must be a JSON object, got ${jsonTypeOf(value)}`);
}

/** A number rounded to the nearest integer, half up like Java's Math.round (which JS's matches). */
function integer(fn: string, value: Json | undefined, position: number): number {
  if (typeof value !== 'number')
    fail(`${fn}: argument ${position} must be a number, got ${jsonTypeOf(value)}`);
  return Math.round(value);
}

function int32(fn: string, value: Json | undefined, position: number): number {
  const n = integer(fn, value, position);
  if (n < INT32_MIN || n > INT32_MAX) {
    fail(`${fn}: argument ${position} (${n}) must be between ${INT32_MIN} and ${INT32_MAX}`);
  }
  return n;
}
