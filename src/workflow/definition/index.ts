/** The ASL definition API: parse, validate, types. */
export { type ParseOptions, parseDefinition, validateDefinition } from './parse.js';
export type * from './types.js';
