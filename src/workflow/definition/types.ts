/**
 * Amazon States Language definition types, as the JSON spells them (PascalCase fields), so a
 * `Definition` is the ASL document itself: it serialises to JSON unchanged and the executor can
 * persist it as is. `parseDefinition` (parse.ts) is the only way to get one: every value typed
 * `Definition` has passed `validateDefinition` (validate.ts), so the engine may rely on the
 * invariants written below (Next targets exist, exactly one of Next/End, required fields present).
 *
 * Fields that hold JSONata (`"{% ... %}"`) or JSONPath (`"$.x"`) are plain strings here; which
 * language applies is decided by `QueryLanguage` (state, else top level, else JSONPath).
 */
import type { Json } from '../data/json.js';

export type QueryLanguage = 'JSONPath' | 'JSONata';

/** A state machine, or the sub-machine of a Parallel branch / Map ItemProcessor. */
export interface StateMachine {
  StartAt: string;
  States: Record<string, State>;
  Comment?: string;
  /** Top level only (inherited by nested machines): the default query language of every state. */
  QueryLanguage?: QueryLanguage;
  Version?: string;
  TimeoutSeconds?: number;
}

/** A validated top-level state machine. Invariant: produced only by parseDefinition. */
export type Definition = StateMachine;

export type StateType = 'Task' | 'Pass' | 'Choice' | 'Wait' | 'Succeed' | 'Fail' | 'Parallel' | 'Map';

/** Fields every state may carry (which ones are allowed per type and language is validate.ts's job). */
export interface BaseState {
  Type: StateType;
  Comment?: string;
  QueryLanguage?: QueryLanguage;
  /** Invariant (validated): a non-terminal state has exactly one of Next / End:true. */
  Next?: string;
  End?: boolean;
  // JSONPath data flow
  InputPath?: string | null;
  OutputPath?: string | null;
  Parameters?: Json;
  ResultPath?: string | null;
  ResultSelector?: Json;
  // JSONata data flow
  Arguments?: Json;
  Output?: Json;
  // both languages
  Assign?: Record<string, Json>;
}

/** One Retry entry. Defaults: IntervalSeconds 1, MaxAttempts 3, BackoffRate 2.0. */
export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
  Comment?: string;
}

/** One Catch entry. JSONPath uses ResultPath; JSONata uses Output. Both may Assign. */
export interface Catcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
  Output?: Json;
  Assign?: Record<string, Json>;
  Comment?: string;
}

export interface TaskState extends BaseState {
  Type: 'Task';
  Resource: string;
  /** JSONata: may be a `{% %}` string. */
  TimeoutSeconds?: number | string;
  TimeoutSecondsPath?: string;
  HeartbeatSeconds?: number | string;
  HeartbeatSecondsPath?: string;
  /** `{"RoleArn": "..."}` or `{"RoleArn.$": "$.path"}` (JSONata: `{% %}` allowed). */
  Credentials?: Record<string, Json>;
  Retry?: Retrier[];
  Catch?: Catcher[];
}

export interface PassState extends BaseState {
  Type: 'Pass';
  Result?: Json;
}

/**
 * A Choice rule. JSONPath: a boolean expression (`Variable` + one comparison operator, or
 * And/Or/Not); top-level rules carry `Next`, nested ones must not. JSONata: `Condition` + `Next`
 * (+ optional `Assign`/`Output`).
 */
export interface ChoiceRule {
  Next?: string;
  Comment?: string;
  Variable?: string;
  And?: ChoiceRule[];
  Or?: ChoiceRule[];
  Not?: ChoiceRule;
  Condition?: string | boolean;
  Assign?: Record<string, Json>;
  Output?: Json;
  /** Comparison operators (StringEquals, NumericLessThanPath, IsPresent, ...): see choice-operators.ts. */
  [operator: string]: Json | ChoiceRule | ChoiceRule[] | undefined;
}

export interface ChoiceState extends BaseState {
  Type: 'Choice';
  Choices: ChoiceRule[];
  Default?: string;
}

export interface WaitState extends BaseState {
  Type: 'Wait';
  /** JSONata: may be a `{% %}` string. */
  Seconds?: number | string;
  SecondsPath?: string;
  Timestamp?: string;
  TimestampPath?: string;
}

export interface SucceedState extends BaseState {
  Type: 'Succeed';
}

export interface FailState extends BaseState {
  Type: 'Fail';
  Error?: string;
  ErrorPath?: string;
  Cause?: string;
  CausePath?: string;
}

export interface ParallelState extends BaseState {
  Type: 'Parallel';
  Branches: StateMachine[];
  Retry?: Retrier[];
  Catch?: Catcher[];
}

/** Map's item processor: an inline sub-machine (DISTRIBUTED mode runs the same way here). */
export interface ItemProcessor extends StateMachine {
  ProcessorConfig?: { Mode?: 'INLINE' | 'DISTRIBUTED'; ExecutionType?: 'STANDARD' | 'EXPRESS' };
}

export interface MapState extends BaseState {
  Type: 'Map';
  /** JSONPath: where the items are (default `$`). */
  ItemsPath?: string;
  /** JSONata: an array or a `{% %}` expression. */
  Items?: Json;
  ItemSelector?: Json;
  ItemProcessor?: ItemProcessor;
  /** Legacy form of ItemProcessor (with Parameters as the legacy ItemSelector). */
  Iterator?: StateMachine;
  /** 0 (default) means no limit. JSONata: may be a `{% %}` string. */
  MaxConcurrency?: number | string;
  MaxConcurrencyPath?: string;
  ToleratedFailureCount?: number | string;
  ToleratedFailureCountPath?: string;
  ToleratedFailurePercentage?: number | string;
  ToleratedFailurePercentagePath?: string;
  ItemReader?: Record<string, Json>;
  ItemBatcher?: Record<string, Json>;
  ResultWriter?: Record<string, Json>;
  Label?: string;
  Retry?: Retrier[];
  Catch?: Catcher[];
}

export type State =
  | TaskState
  | PassState
  | ChoiceState
  | WaitState
  | SucceedState
  | FailState
  | ParallelState
  | MapState;

/** One validation problem. `path` is like `States.Choose.Choices[0].Next` (from the machine root). */
export interface DefinitionIssue {
  path: string;
  message: string;
}

/** Options for parsing/validating. */
export interface DefinitionOptions {
  /** Accept the text as YAML when it is not JSON (default true). */
  yaml?: boolean;
}
