import { inspect } from 'node:util';
import { LiteralMatcher } from './literal-matcher.js';

/** Values shorter than this are not redacted: they would blank out ordinary words and numbers. */
export const MIN_SECRET_LENGTH = 4;

/** Base64 fragments shorter than this are not looked for: they turn up by chance in other base64. */
const MIN_BASE64_LENGTH = 8;

/** What replaces an occurrence of the secret called `name`. */
export function redactionMarker(name: string): string {
  return `[REDACTED:${name}]`;
}

/**
 * Secret values by secret name. A list of [name, value] pairs may name a secret more than once (its
 * current and previous values, for example); every value is then redacted under that name.
 */
export type SecretValues =
  | ReadonlyMap<string, string>
  | Readonly<Record<string, string>>
  | readonly (readonly [string, string])[];

/**
 * The spellings of a secret value that are redacted: the value itself; as it appears inside a JSON
 * string and inside `util.inspect` / `console.log` output (escaped quotes, `\n`, `\u0000`, ...);
 * URL-encoded; each line of a multi-line value (log capture works line by line); and its base64 and
 * base64url encodings, as they appear whatever bytes come before or after the value (for example in
 * `Authorization: Basic ...`). Forms shorter than the minimums are left out.
 */
export function secretForms(value: string): string[] {
  const forms = new Set<string>([value]);
  forms.add(JSON.stringify(value).slice(1, -1));
  forms.add(inspect(value).slice(1, -1));
  forms.add(encodeURIComponent(value));
  if (/[\r\n]/.test(value)) {
    for (const line of value.split(/\r?\n|\r/)) if (line.length >= MIN_SECRET_LENGTH) forms.add(line);
  }
  for (const core of base64Cores(value)) {
    if (core.length < MIN_BASE64_LENGTH) continue;
    forms.add(core);
    forms.add(core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...forms];
}

/**
 * The part of the base64 encoding of `value` that is the same whatever surrounds it, for each of
 * the three positions the value can start at relative to base64's 3-byte groups. Bytes before the
 * value change the characters that mix them with its first bytes, bytes after it the last ones;
 * both are cut off.
 */
function base64Cores(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const cores: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const n = offset + bytes.length;
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const start = [0, 2, 3][offset] ?? 0; // characters that hold bits of the leading filler
    const end = 4 * Math.floor(n / 3) + (n % 3); // 1 or 2 trailing bytes fix 1 or 2 whole characters
    cores.push(encoded.slice(start, end));
  }
  return cores;
}

interface Compiled {
  matcher: LiteralMatcher;
  /** Marker for each pattern, by pattern index. */
  markers: string[];
}

/**
 * Replaces secret values in text (log lines, error messages) with `[REDACTED:<name>]`.
 *
 * Matching is leftmost and longest: where occurrences of secrets overlap or nest (one secret
 * contains another, or the end of one is the start of another), the whole run is replaced by one
 * marker named after the longest secret in it, so no fragment of either is left in clear.
 *
 * All patterns of all secrets go into one automaton, built by `setSecrets`; call it again when
 * secrets change (include a rotated secret's previous value while it may still appear).
 */
export class Redactor {
  #compiled: Compiled;

  constructor(secrets?: SecretValues) {
    this.#compiled = compile(secrets === undefined ? [] : entries(secrets)).compiled;
  }

  /**
   * Replaces the set of secrets. Returns the names whose values are too short to redact (shorter
   * than MIN_SECRET_LENGTH), so the caller can warn about them.
   */
  setSecrets(secrets: SecretValues): string[] {
    const { compiled, tooShort } = compile(entries(secrets));
    this.#compiled = compiled;
    return tooShort;
  }

  /** `text` with every secret replaced (unchanged when there was nothing to replace). */
  redact(text: string): string {
    if (this.#compiled.matcher.empty) return text;
    const stream = this.stream();
    const head = stream.write(text);
    const tail = stream.end();
    return tail === '' ? head : head + tail;
  }

  /** A redactor for text that arrives in pieces; a secret split between pieces is still found. */
  stream(): RedactingStream {
    return new RedactingStream(() => this.#compiled);
  }
}

interface Region {
  start: number;
  end: number;
  /** Pattern index that names the region: its longest match, the first one on ties. */
  pattern: number;
}

/**
 * Redacts a stream of text. `write` returns what can be passed on now; up to one secret's length of
 * text is held back in case a secret continues in the next piece, and `end` returns the rest.
 *
 * Invariants (offsets count code units since the start of the stream): `#pending` is the text from
 * `#base` to `#pos` that was read but not returned; `#regions` are the disjoint, ordered spans of
 * it to replace; no match still to come can start before `#pos - depth(state)`.
 *
 * Made by `Redactor.stream()`; it follows that redactor's `setSecrets` from its next `write`.
 */
export class RedactingStream {
  readonly #current: () => Compiled;
  #compiled: Compiled;
  #state = 0;
  #pending = '';
  #base = 0;
  #pos = 0;
  #regions: Region[] = [];

  constructor(current: () => Compiled) {
    this.#current = current;
    this.#compiled = current();
  }

  write(chunk: string): string {
    let text = chunk;
    const latest = this.#current();
    if (latest !== this.#compiled) {
      // The secrets changed: read the held-back text again with the new automaton.
      this.#compiled = latest;
      text = this.#pending + chunk;
      this.#pos = this.#base;
      this.#pending = '';
      this.#regions = [];
      this.#state = 0;
    }
    const { matcher } = this.#compiled;
    if (matcher.empty && this.#pending === '') {
      this.#base = this.#pos += text.length;
      return text;
    }
    this.#pending += text;
    let state = this.#state;
    for (let i = 0; i < text.length; i++) {
      state = matcher.step(state, text.charCodeAt(i));
      const match = matcher.longestMatch(state);
      if (match !== -1) this.#add(this.#pos + i + 1, match);
    }
    this.#state = state;
    this.#pos += text.length;
    return this.#emit(this.#pos - matcher.depth(state));
  }

  /** Everything still held back, redacted. The stream can be written to again afterwards. */
  end(): string {
    const rest = this.#emit(this.#pos);
    this.#state = 0;
    return rest;
  }

  #add(end: number, pattern: number): void {
    const lengthOf = (p: number) => this.#compiled.matcher.patterns[p]?.length ?? 0;
    const region: Region = { start: end - lengthOf(pattern), end, pattern };
    // Matches arrive in order of their end, so only the last regions can overlap the new one.
    for (
      let last = this.#regions.at(-1);
      last !== undefined && last.end > region.start;
      last = this.#regions.at(-1)
    ) {
      this.#regions.pop();
      region.start = Math.min(region.start, last.start);
      if (lengthOf(last.pattern) >= lengthOf(region.pattern)) region.pattern = last.pattern;
    }
    this.#regions.push(region);
  }

  /** Returns the pending text before `safe` (or before a region that may still grow), redacted. */
  #emit(safe: number): string {
    let cut = safe;
    let done = 0;
    for (const region of this.#regions) {
      if (region.end <= safe) done++;
      else {
        cut = Math.min(cut, region.start);
        break;
      }
    }
    if (cut <= this.#base) return '';
    let out = '';
    let from = this.#base;
    for (let i = 0; i < done; i++) {
      const region = this.#regions[i];
      if (region === undefined) break;
      out += this.#pending.slice(from - this.#base, region.start - this.#base);
      out += this.#compiled.markers[region.pattern] ?? '[REDACTED]';
      from = region.end;
    }
    out += this.#pending.slice(from - this.#base, cut - this.#base);
    this.#pending = this.#pending.slice(cut - this.#base);
    this.#base = cut;
    this.#regions = done === 0 ? this.#regions : this.#regions.slice(done);
    return out;
  }
}

function entries(secrets: SecretValues): readonly (readonly [string, string])[] {
  if (secrets instanceof Map) return [...secrets];
  if (Array.isArray(secrets)) return secrets as readonly (readonly [string, string])[];
  return Object.entries(secrets);
}

function compile(secrets: readonly (readonly [string, string])[]): {
  compiled: Compiled;
  tooShort: string[];
} {
  const patterns: string[] = [];
  const markers: string[] = [];
  const seen = new Set<string>();
  const tooShort: string[] = [];
  // Sorted by name, so when two secrets share a value (or a form) the marker does not depend on
  // the order they were given in.
  for (const [name, value] of [...secrets].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (value.length < MIN_SECRET_LENGTH) {
      if (!tooShort.includes(name)) tooShort.push(name);
      continue;
    }
    for (const form of secretForms(value)) {
      if (form.length < MIN_SECRET_LENGTH || seen.has(form)) continue;
      seen.add(form);
      patterns.push(form);
      markers.push(redactionMarker(name));
    }
  }
  return { compiled: { matcher: new LiteralMatcher(patterns), markers }, tooShort };
}
