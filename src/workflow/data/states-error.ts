/**
 * An error raised while a workflow evaluates data: a JSONPath that matches nothing, an intrinsic
 * function given the wrong arguments, a JSONata expression that fails. It carries the ASL error
 * name (`States.Runtime`, `States.IntrinsicFailure`, `States.QueryEvaluationError`, ...) that
 * `Retry`/`Catch` match on, and the cause text shown to the user. The interpreter turns it into a
 * state failure; it never becomes an HTTP error by itself.
 */
export class StatesError extends Error {
  /** The ASL error name, e.g. `States.Runtime`. */
  readonly error: string;
  /** The human-readable cause, worded like Step Functions' where we know its wording. */
  override readonly cause: string;

  constructor(error: string, cause: string) {
    super(`${error}: ${cause}`);
    this.name = 'StatesError';
    this.error = error;
    this.cause = cause;
  }
}

/** ASL error names raised by this folder. */
export const STATES_RUNTIME = 'States.Runtime';
export const STATES_INTRINSIC_FAILURE = 'States.IntrinsicFailure';
export const STATES_QUERY_EVALUATION_ERROR = 'States.QueryEvaluationError';
