/**
 * EventBridge rejects wildcard patterns that would make its matcher too non-deterministic ("Rule is
 * too complex"), for example `*:*:*:*:*:event-bus/*`, while `arn:aws:events:us-east-1:*:event-bus/*`
 * is fine. Its measure is the largest number of wildcard-pattern states a single input string can
 * keep alive at once, over all wildcard terms on one field; more than 10 is rejected.
 *
 * This module rebuilds that measure: every term's patterns become a byte automaton (UTF-8, wrapped
 * in the quotes the service matches on). Literal prefixes before the first star are shared between
 * patterns; a star is a state that loops on any byte; the byte after a star is also reachable from
 * the state before the star, because a star may match nothing. A subset walk over representative
 * bytes then finds the worst moment. Each live state weighs the number of distinct terms through it,
 * plus the terms of star states one byte away that are not already live.
 */
import type { Wildcard } from './wildcard.js';

export const WILDCARD_COMPLEXITY_LIMIT = 10;

/** Subset walks past this many distinct sets are treated as too complex rather than run on. */
const MAX_SUBSETS = 20_000;
const STAR = 256;
const QUOTE = 34;
const OTHER_BYTE = -1;

interface State {
  readonly literal: Map<number, number[]>;
  readonly any: number[];
  readonly terms: Set<number>;
  readonly prefix: Map<number, number>;
  star: number;
}

const encoder = new TextEncoder();

function tokens(wildcard: Wildcard): number[] {
  const out = [QUOTE];
  wildcard.pieces.forEach((piece, i) => {
    if (i > 0) out.push(STAR);
    for (const byte of encoder.encode(piece)) out.push(byte);
  });
  out.push(QUOTE);
  return out;
}

/**
 * Returns the complexity of a field's wildcard terms; each term is one operator (a `wildcard`, or
 * an `anything-but` wildcard list), given as its parsed patterns. Stops counting past the limit.
 */
export function wildcardComplexity(terms: readonly (readonly Wildcard[])[]): number {
  const states: State[] = [];
  const newState = (): number => {
    states.push({ literal: new Map(), any: [], terms: new Set(), prefix: new Map(), star: -1 });
    return states.length - 1;
  };
  const at = (id: number): State => states[id] as State;
  const link = (from: number, byte: number, to: number) => {
    const targets = at(from).literal.get(byte);
    if (targets === undefined) at(from).literal.set(byte, [to]);
    else if (!targets.includes(to)) targets.push(to);
  };
  newState();
  const ends = new Map<number, number>();

  terms.forEach((patterns, term) => {
    for (const pattern of patterns) {
      const toks = tokens(pattern);
      let current = 0;
      let previous = -1;
      let determinate = true;
      toks.forEach((tok, i) => {
        const last = i === toks.length - 1;
        let next = -1;
        if (last) next = ends.get(term) ?? -1;
        else if (tok === STAR) next = determinate ? at(current).star : -1;
        else if (determinate) next = at(current).prefix.get(tok) ?? -1;
        const created = next < 0;
        if (created) {
          next = newState();
          if (last) ends.set(term, next);
          else if (tok === STAR && determinate) at(current).star = next;
          else if (tok !== STAR && determinate) at(current).prefix.set(tok, next);
        }
        if (tok === STAR) {
          determinate = false;
          if (at(next).any.length === 0) {
            at(current).any.push(next);
            at(next).any.push(next);
          }
        } else if (last || created) {
          link(current, tok, next);
          if (i > 0 && toks[i - 1] === STAR) link(previous, tok, next);
        }
        at(next).terms.add(term);
        previous = current;
        current = next;
      });
    }
  });
  return worstLiveWeight(states);
}

function worstLiveWeight(states: readonly State[]): number {
  const bytes = new Set<number>([OTHER_BYTE]);
  for (const state of states) for (const byte of state.literal.keys()) bytes.add(byte);
  const weight = (id: number) => states[id]?.terms.size ?? 0;

  const seen = new Set<string>();
  const pending: number[][] = [[0]];
  let worst = 0;
  while (pending.length > 0) {
    const live = pending.pop() ?? [];
    for (const byte of bytes) {
      const next = new Set<number>();
      for (const id of live) {
        const state = states[id];
        if (state === undefined) continue;
        for (const target of state.any) next.add(target);
        for (const target of state.literal.get(byte) ?? []) next.add(target);
      }
      if (next.size === 0) continue;
      let cost = 0;
      for (const id of next) {
        cost += weight(id);
        for (const star of states[id]?.any ?? []) if (!next.has(star)) cost += weight(star);
      }
      if (cost > WILDCARD_COMPLEXITY_LIMIT) return cost;
      worst = Math.max(worst, cost);
      const sorted = [...next].sort((a, b) => a - b);
      const key = sorted.join(',');
      if (!seen.has(key)) {
        if (seen.size >= MAX_SUBSETS) return WILDCARD_COMPLEXITY_LIMIT + 1;
        seen.add(key);
        pending.push(sorted);
      }
    }
  }
  return worst;
}
