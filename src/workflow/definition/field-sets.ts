/**
 * Which fields each state type accepts, and which belong to only one query language. A field
 * outside its type's set, or from the other language, is a validation issue.
 */
import type { StateType } from './types.js';

const COMMON = ['Type', 'Comment', 'QueryLanguage'];
const FLOW = ['Next', 'End'];

/** Fields only JSONPath states may use. */
export const JSONPATH_ONLY: ReadonlySet<string> = new Set([
  'InputPath',
  'OutputPath',
  'Parameters',
  'ResultPath',
  'ResultSelector',
  'Result',
  'ItemsPath',
  'Iterator',
  'TimeoutSecondsPath',
  'HeartbeatSecondsPath',
  'SecondsPath',
  'TimestampPath',
  'ErrorPath',
  'CausePath',
  'MaxConcurrencyPath',
  'ToleratedFailureCountPath',
  'ToleratedFailurePercentagePath',
]);

/** Fields only JSONata states may use. */
export const JSONATA_ONLY: ReadonlySet<string> = new Set(['Arguments', 'Output', 'Items']);

export const ALLOWED_FIELDS: Readonly<Record<StateType, ReadonlySet<string>>> = {
  Pass: new Set([
    ...COMMON,
    ...FLOW,
    'InputPath',
    'OutputPath',
    'Parameters',
    'ResultPath',
    'Result',
    'Assign',
    'Output',
  ]),
  Task: new Set([
    ...COMMON,
    ...FLOW,
    'Resource',
    'InputPath',
    'OutputPath',
    'Parameters',
    'ResultPath',
    'ResultSelector',
    'Retry',
    'Catch',
    'TimeoutSeconds',
    'TimeoutSecondsPath',
    'HeartbeatSeconds',
    'HeartbeatSecondsPath',
    'Credentials',
    'Assign',
    'Arguments',
    'Output',
  ]),
  Choice: new Set([...COMMON, 'Choices', 'Default', 'InputPath', 'OutputPath', 'Assign', 'Output']),
  Wait: new Set([
    ...COMMON,
    ...FLOW,
    'InputPath',
    'OutputPath',
    'Seconds',
    'SecondsPath',
    'Timestamp',
    'TimestampPath',
    'Assign',
    'Output',
  ]),
  Succeed: new Set([...COMMON, 'InputPath', 'OutputPath', 'Output']),
  Fail: new Set([...COMMON, 'Error', 'ErrorPath', 'Cause', 'CausePath']),
  Parallel: new Set([
    ...COMMON,
    ...FLOW,
    'Branches',
    'InputPath',
    'OutputPath',
    'Parameters',
    'ResultPath',
    'ResultSelector',
    'Retry',
    'Catch',
    'Assign',
    'Arguments',
    'Output',
  ]),
  Map: new Set([
    ...COMMON,
    ...FLOW,
    'InputPath',
    'OutputPath',
    'ItemsPath',
    'Items',
    'ItemSelector',
    'ItemProcessor',
    'Iterator',
    'Parameters',
    'MaxConcurrency',
    'MaxConcurrencyPath',
    'ToleratedFailureCount',
    'ToleratedFailureCountPath',
    'ToleratedFailurePercentage',
    'ToleratedFailurePercentagePath',
    'ItemReader',
    'ItemBatcher',
    'ResultWriter',
    'Label',
    'ResultPath',
    'ResultSelector',
    'Retry',
    'Catch',
    'Assign',
    'Output',
  ]),
};

/** Pairs of fields of which at most one may be set. */
export const EXCLUSIVE_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['TimeoutSeconds', 'TimeoutSecondsPath'],
  ['HeartbeatSeconds', 'HeartbeatSecondsPath'],
  ['Error', 'ErrorPath'],
  ['Cause', 'CausePath'],
  ['Items', 'ItemsPath'],
  ['ItemProcessor', 'Iterator'],
  ['ItemSelector', 'Parameters'],
  ['MaxConcurrency', 'MaxConcurrencyPath'],
  ['ToleratedFailureCount', 'ToleratedFailureCountPath'],
  ['ToleratedFailurePercentage', 'ToleratedFailurePercentagePath'],
];
