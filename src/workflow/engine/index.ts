/** The workflow engine: a pure ASL interpreter (see api.ts for the protocol and invariants). */

export { parseDefinition, validateDefinition } from '../definition/parse.js';
export type * from './api.js';
export { mapToleranceExceeded, redrive, resume, startExecution, step } from './engine.js';
