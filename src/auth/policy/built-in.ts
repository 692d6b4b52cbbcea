import { ACTIONS } from './actions.js';
import { type CompiledPolicy, compilePolicy } from './compile.js';
import type { PolicyDocument } from './document.js';

/**
 * Policies every Gust has, under names users cannot take. read-only is built from the catalogue's
 * access levels, so a new read action joins it without an edit here; it never includes secrets:Get.
 */

export const BUILT_IN_POLICY_NAMES = ['admin', 'read-only', 'invoke-only', 'deployer'] as const;
export type BuiltInPolicyName = (typeof BUILT_IN_POLICY_NAMES)[number];

const allow = (Sid: string, Action: string[], Resource: string[] = ['*']): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Sid, Effect: 'Allow', Action, Resource }],
});

export const BUILT_IN_POLICY_DOCUMENTS: Readonly<Record<BuiltInPolicyName, PolicyDocument>> = {
  admin: allow('Everything', ['*']),
  'read-only': allow(
    'ReadEverythingButSecretValues',
    ACTIONS.filter((action) => action.access === 'read').map((action) => action.name),
  ),
  'invoke-only': allow('InvokeAnyFunction', ['function:Invoke'], ['gust:function:*']),
  deployer: allow('DeployApps', [
    'function:Deploy',
    'function:Publish',
    'function:Delete',
    'function:Get',
    'function:List',
    'function:ReadLogs',
    'function:ReadInvocations',
    'queue:Create',
    'queue:Get',
    'queue:List',
    'events:ListRules',
    'events:ListBuses',
    'events:GetBus',
    'schedules:List',
    'workflows:Create',
    'workflows:List',
  ]),
};

const compiled = new Map<BuiltInPolicyName, CompiledPolicy>();

export function isBuiltInPolicy(name: string): name is BuiltInPolicyName {
  return (BUILT_IN_POLICY_NAMES as readonly string[]).includes(name);
}

/** A built-in policy, compiled once and shared. */
export function builtInPolicy(name: BuiltInPolicyName): CompiledPolicy {
  let policy = compiled.get(name);
  if (!policy) {
    policy = compilePolicy(BUILT_IN_POLICY_DOCUMENTS[name], name);
    compiled.set(name, policy);
  }
  return policy;
}
