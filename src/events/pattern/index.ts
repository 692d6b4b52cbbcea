/** EventBridge event patterns: validate once with `compilePattern`, then call `matches` per event. */
export { compilePattern, DEFAULT_MAX_PATTERN_LENGTH } from './compile-pattern.js';
export type { CompiledPattern, CompileOptions } from './types.js';
