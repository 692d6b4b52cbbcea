/**
 * The functions Step Functions adds to JSONata (AWS "Transforming data with JSONata"):
 * `$partition`, `$range`, `$hash`, `$random` (with an optional seed), `$uuid` and `$parse`; and
 * `$eval`, which AWS removes (use `$parse`). They are registered on every compiled expression.
 * Randomness is read from the evaluation's bindings (RANDOM_BINDING) so tests can inject it
 * without sharing state between concurrent evaluations.
 */
import { createHash, randomUUID } from 'node:crypto';
import type jsonata from 'jsonata';
import { HASHES, uuidFrom } from './intrinsic-functions.js';
import { JavaRandom } from './java-random.js';

/** Binding name under which an injected `() => number` random source is passed to evaluate(). */
export const RANDOM_BINDING = '__gustRandom';

/** $range refuses to build more than this many items, to protect the process. */
const MAX_RANGE_ITEMS = 1_000_000;

/** Errors from these functions carry no JSONata code: the codes belong to JSONata itself. */
function jsonataError(message: string): Error {
  return new Error(message);
}

function randomSource(focus: jsonata.Focus): () => number {
  const injected: unknown = focus.environment.lookup(RANDOM_BINDING);
  return typeof injected === 'function' ? (injected as () => number) : Math.random;
}

/** Registers the AWS functions on a freshly compiled expression. */
export function registerAwsFunctions(expression: jsonata.Expression): void {
  expression.registerFunction(
    'partition',
    (array: unknown[] | undefined, size?: number) => {
      if (array === undefined || array.length === 0) return undefined;
      const chunk = size === undefined ? array.length : Math.trunc(size);
      if (chunk <= 0) return undefined;
      const out: unknown[][] = [];
      for (let i = 0; i < array.length; i += chunk) out.push(array.slice(i, i + chunk));
      return out;
    },
    '<an?:a>',
  );
  expression.registerFunction(
    'range',
    (start: number, end: number, step: number) => {
      if (step === 0) throw jsonataError('The step argument of $range must not be 0');
      const count = Math.max(0, Math.floor((end - start) / step) + 1);
      if (count > MAX_RANGE_ITEMS) {
        throw jsonataError(`$range would create ${count} items; at most ${MAX_RANGE_ITEMS} are allowed`);
      }
      return Array.from({ length: count }, (_, i) => start + i * step);
    },
    '<nnn:a<n>>',
  );
  expression.registerFunction(
    'hash',
    (value: string | undefined, algorithm: string) => {
      if (value === undefined) return undefined;
      const hash = HASHES[algorithm];
      if (hash === undefined) {
        throw jsonataError(
          `The algorithm '${algorithm}' is not supported; use one of ${Object.keys(HASHES).join(', ')}`,
        );
      }
      return createHash(hash).update(value, 'utf8').digest('hex');
    },
    '<s-s:s>',
  );
  expression.registerFunction(
    'random',
    function (this: jsonata.Focus, seed?: number) {
      // With a seed the number is reproducible, as AWS documents for its $random.
      return seed === undefined ? randomSource(this)() : new JavaRandom(seed).nextDouble();
    },
    '<n?:n>',
  );
  expression.registerFunction(
    'uuid',
    function (this: jsonata.Focus) {
      const injected: unknown = this.environment.lookup(RANDOM_BINDING);
      return typeof injected === 'function' ? uuidFrom(injected as () => number) : randomUUID();
    },
    '<:s>',
  );
  expression.registerFunction(
    'parse',
    (text: string | undefined) => {
      if (text === undefined) return undefined;
      try {
        return JSON.parse(text) as unknown;
      } catch (e) {
        throw jsonataError(`$parse: the argument is not valid JSON text (${(e as Error).message})`);
      }
    },
    '<s-:x>',
  );
  expression.registerFunction('eval', () => {
    throw jsonataError('$eval is not available in Step Functions; use $parse to read JSON text');
  });
}
