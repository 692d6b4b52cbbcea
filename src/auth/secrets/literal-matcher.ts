/**
 * Finds many literal strings in one pass over a text (an Aho-Corasick automaton over UTF-16 code
 * units), so redacting N secrets costs about the same per character as redacting one.
 *
 * The automaton is fed one code unit at a time with `step`; the state it returns says which
 * pattern ends here (`longestMatch`) and how much of the text just read could still be the start of
 * a match (`depth`). A caller that streams text may emit everything before the last `depth` code
 * units: no match that is still to come can begin there.
 */
export class LiteralMatcher {
  readonly patterns: readonly string[];
  /** Transitions out of the root, by code unit; 0 means "stay at the root". The hot case. */
  readonly #root = new Int32Array(0x10000);
  /** Transitions out of other states, keyed by `state * 0x10000 + codeUnit`. */
  readonly #edges = new Map<number, number>();
  readonly #fail: Int32Array;
  readonly #depth: Int32Array;
  /** Index of the longest pattern ending at each state (itself or a suffix), or -1. */
  readonly #match: Int32Array;

  /** `patterns` must be non-empty strings; duplicates are ignored (the first index wins). */
  constructor(patterns: readonly string[]) {
    this.patterns = patterns;
    const children: Array<Array<[code: number, child: number]>> = [[]];
    const depth: number[] = [0];
    const terminal: number[] = [-1];
    patterns.forEach((pattern, index) => {
      let state = 0;
      for (let i = 0; i < pattern.length; i++) {
        const code = pattern.charCodeAt(i);
        let next = this.#next(state, code);
        if (next === 0) {
          next = depth.length;
          depth.push(i + 1);
          terminal.push(-1);
          children.push([]);
          children[state]?.push([code, next]);
          if (state === 0) this.#root[code] = next;
          else this.#edges.set(state * 0x10000 + code, next);
        }
        state = next;
      }
      if (state !== 0 && terminal[state] === -1) terminal[state] = index;
    });

    const count = depth.length;
    this.#depth = Int32Array.from(depth);
    this.#fail = new Int32Array(count);
    this.#match = new Int32Array(count).fill(-1);
    // Breadth first, so a state's failure link (a shorter state) is final before the state is used.
    const queue: number[] = [0];
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head] ?? 0;
      for (const [code, child] of children[state] ?? []) {
        this.#fail[child] = state === 0 ? 0 : this.step(this.#fail[state] ?? 0, code);
        const own = terminal[child] ?? -1;
        // A pattern ending exactly here is longer than any reached through the failure link.
        this.#match[child] = own !== -1 ? own : (this.#match[this.#fail[child] ?? 0] ?? -1);
        queue.push(child);
      }
    }
  }

  /** True when there is nothing to find. */
  get empty(): boolean {
    return this.#depth.length === 1;
  }

  /** The state after reading `code` in `state` (0 is the start state). */
  step(state: number, code: number): number {
    let s = state;
    for (;;) {
      if (s === 0) return this.#root[code] ?? 0;
      const next = this.#edges.get(s * 0x10000 + code);
      if (next !== undefined) return next;
      s = this.#fail[s] ?? 0;
    }
  }

  /** Index of the longest pattern ending at this state, or -1. */
  longestMatch(state: number): number {
    return this.#match[state] ?? -1;
  }

  /** Length of the longest suffix of the text read so far that some pattern starts with. */
  depth(state: number): number {
    return this.#depth[state] ?? 0;
  }

  #next(state: number, code: number): number {
    return state === 0 ? (this.#root[code] ?? 0) : (this.#edges.get(state * 0x10000 + code) ?? 0);
  }
}
