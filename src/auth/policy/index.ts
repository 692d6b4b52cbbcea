/**
 * Policies: IAM-style documents, compiled once, and the one `authorize` decision every API route
 * and trigger goes through. docs/policies.md is the user's guide.
 */
export { actionIndex } from './action-index.js';
export { ACTIONS, type AccessLevel, type ActionInfo } from './actions.js';
export { authorize, type Decision, type Principal } from './authorize.js';
export {
  BUILT_IN_POLICY_DOCUMENTS,
  BUILT_IN_POLICY_NAMES,
  type BuiltInPolicyName,
  builtInPolicy,
  isBuiltInPolicy,
} from './built-in.js';
export { type CompiledPolicy, compilePolicy, type StatementRef } from './compile.js';
export {
  POLICY_LIMITS,
  type PolicyDocument,
  type PolicyIssue,
  type PolicyStatement,
  parsePolicy,
} from './document.js';
export { type ResourceType, resourceName } from './resources.js';
