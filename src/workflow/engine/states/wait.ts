/**
 * Wait: delays the execution for `Seconds`/`SecondsPath`, or until `Timestamp`/`TimestampPath`
 * (JSONata: Seconds/Timestamp may be expressions), then passes its input on (InputPath →
 * OutputPath, or JSONata Output). The delay is a `wait` action: the executor's timer resumes it.
 */
import type { Json } from '../../data/json.js';
import type { WaitState } from '../../definition/types.js';
import type { PendingWork } from '../api.js';
import { readPath, StatesError } from '../data-flow.js';
import { evaluate, finishJsonata } from '../jsonata-flow.js';
import { applyInputPath, applyOutputPath, evaluateAssign, scopeOf } from '../jsonpath-flow.js';
import { done, nextOf, type StateHandler, type StateOutcome, type StateRun } from '../run.js';
import { parseTimestamp } from '../timestamps.js';

export const waitHandler: StateHandler = {
  async enter(run: StateRun): Promise<StateOutcome> {
    const state = run.state as WaitState;
    let seconds: Json | undefined;
    let timestamp: Json | undefined;
    let effective = run.input;
    if (run.language === 'JSONata') {
      seconds = await evaluate(run, 'Seconds', state.Seconds);
      timestamp = await evaluate(run, 'Timestamp', state.Timestamp);
    } else {
      effective = applyInputPath(run, run.input);
      const scope = scopeOf(run);
      seconds =
        state.SecondsPath !== undefined ? readPath(effective, state.SecondsPath, scope) : state.Seconds;
      timestamp =
        state.TimestampPath !== undefined ? readPath(effective, state.TimestampPath, scope) : state.Timestamp;
    }
    const until = untilOf(run.now, seconds, timestamp);
    const pending: PendingWork = { reason: 'wait', effectiveInput: effective };
    return { type: 'await', action: { kind: 'wait', until }, pending };
  },

  async complete(run: StateRun, pending: PendingWork): Promise<StateOutcome> {
    const state = run.state as WaitState;
    if (run.language === 'JSONata') {
      const { output, assign } = await finishJsonata(run, run.input);
      return done(output, assign, nextOf(state));
    }
    const assign = evaluateAssign(run, state.Assign, pending.effectiveInput);
    return done(applyOutputPath(run, pending.effectiveInput), assign, nextOf(state));
  },
};

function untilOf(now: number, seconds: Json | undefined, timestamp: Json | undefined): number {
  if (seconds !== undefined) {
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) {
      throw new StatesError(
        'States.Runtime',
        `The Wait state's seconds must be a non-negative integer, got ${JSON.stringify(seconds)}`,
      );
    }
    return now + seconds * 1000;
  }
  if (timestamp !== undefined) {
    const at = typeof timestamp === 'string' ? parseTimestamp(timestamp) : undefined;
    if (at === undefined) {
      throw new StatesError(
        'States.Runtime',
        `The Wait state's timestamp is not an ISO-8601 timestamp: ${JSON.stringify(timestamp)}`,
      );
    }
    return at;
  }
  return now;
}
