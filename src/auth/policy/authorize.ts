import { actionIndex } from './action-index.js';
import { ACTIONS } from './actions.js';
import type { CompiledPolicy, CompiledStatement, StatementRef } from './compile.js';

/**
 * The one decision: may this principal perform this action on this resource? IAM's rules: an
 * explicit Deny in any policy wins, else an Allow in any policy allows, else it is denied by default.
 * Pure, and cheap enough for every request: no pattern is compiled here, and an allowed call
 * allocates nothing (its decision was built with the statement, frozen, and is shared).
 */

/** Who is asking, with the compiled policies attached to it (a key, or the app behind a trigger). */
export interface Principal {
  readonly id: string;
  readonly policies: readonly CompiledPolicy[];
}

export interface Decision {
  readonly allowed: boolean;
  /** A sentence for the audit log and 403 messages: what decided and why. */
  readonly reason: string;
  /** The statement that decided; absent for a default deny. */
  readonly statement?: StatementRef;
}

/**
 * Decides whether `principal` may perform `action` (a Gust action like `queue:Send`, or its AWS
 * name, in any case) on `resource` (`gust:queue:orders`, matched case-sensitively). An action not in
 * the catalogue is denied.
 */
export function authorize(principal: Principal, action: string, resource: string): Decision {
  const index = actionIndex(action);
  if (index === -1) {
    return { allowed: false, reason: `Denied: '${action}' is not a Gust action.` };
  }
  const policies = principal.policies;
  for (const policy of policies) {
    for (const statement of policy.denies) {
      if (applies(statement, index, resource)) {
        const name = ACTIONS[index]?.name ?? action;
        return {
          allowed: false,
          reason: `Denied by ${statement.label}, which denies ${name} on ${resource}.`,
          statement: statement.ref,
        };
      }
    }
  }
  for (const policy of policies) {
    for (const statement of policy.allows) {
      if (applies(statement, index, resource)) {
        return statement.allowed;
      }
    }
  }
  const name = ACTIONS[index]?.name ?? action;
  const who =
    policies.length === 0
      ? `'${principal.id}' has no policies, so nothing`
      : `no policy of '${principal.id}'`;
  return { allowed: false, reason: `Denied by default: ${who} allows ${name} on ${resource}.` };
}

function applies(statement: CompiledStatement, index: number, resource: string): boolean {
  if (statement.applies[index] !== 1) return false;
  let matched = false;
  for (const matches of statement.resources) {
    if (matches(resource)) {
      matched = true;
      break;
    }
  }
  return matched !== statement.notResource;
}
