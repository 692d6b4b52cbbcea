import { matchActions } from './action-index.js';
import { ACTIONS } from './actions.js';
import type { Decision } from './authorize.js';
import { type PolicyDocument, type PolicyStatement, parsePolicy } from './document.js';
import { compileGlob, type Matcher } from './glob.js';

/**
 * A policy turned into matchers once, when it is loaded, so that `authorize` only does array
 * lookups and resource matches. Action patterns are resolved against the catalogue here: each
 * statement carries one flag per action in ACTIONS (already inverted for NotAction).
 */

/** Which statement decided, for the audit log and 403 messages. */
export interface StatementRef {
  readonly policy: string;
  /** The statement's index in the policy's Statement list (0 when Statement is one object). */
  readonly index: number;
  readonly sid?: string;
}

export interface CompiledStatement {
  readonly effect: 'Allow' | 'Deny';
  /** `applies[i]` is 1 when the statement covers ACTIONS[i]. */
  readonly applies: Uint8Array;
  /** Matchers of Resource, or of NotResource when `notResource`. */
  readonly resources: readonly Matcher[];
  readonly notResource: boolean;
  readonly ref: StatementRef;
  /** `statement 0 (Sid X) of policy 'p'`, built once. */
  readonly label: string;
  /** The decision when this statement allows: built once and shared, so allowing allocates nothing. */
  readonly allowed: Decision;
}

export interface CompiledPolicy {
  readonly name: string;
  /** The parsed document, normalised (every list an array), for showing and storing. */
  readonly document: PolicyDocument;
  readonly allows: readonly CompiledStatement[];
  readonly denies: readonly CompiledStatement[];
}

/**
 * Parses (JSON text or a value, see parsePolicy) and compiles a policy named `name`. Throws
 * ERR_INVALID_POLICY like parsePolicy. The result is immutable and can be shared by every
 * principal that carries the policy.
 */
export function compilePolicy(input: unknown, name: string): CompiledPolicy {
  const document = parsePolicy(input, name);
  const statements = document.Statement.map((statement, index) => compileStatement(statement, index, name));
  return Object.freeze({
    name,
    document,
    allows: Object.freeze(statements.filter((s) => s.effect === 'Allow')),
    denies: Object.freeze(statements.filter((s) => s.effect === 'Deny')),
  });
}

function compileStatement(statement: PolicyStatement, index: number, policy: string): CompiledStatement {
  const notAction = statement.NotAction !== undefined;
  const applies = new Uint8Array(ACTIONS.length).fill(notAction ? 1 : 0);
  for (const pattern of statement.Action ?? statement.NotAction ?? []) {
    for (const i of matchActions(pattern)) applies[i] = notAction ? 0 : 1;
  }
  const notResource = statement.NotResource !== undefined;
  const patterns = statement.Resource ?? statement.NotResource ?? [];
  const ref: StatementRef =
    statement.Sid === undefined ? { policy, index } : { policy, index, sid: statement.Sid };
  const sid = statement.Sid === undefined ? '' : ` (Sid ${statement.Sid})`;
  const label = `statement ${index}${sid} of policy '${policy}'`;
  Object.freeze(ref);
  return Object.freeze({
    effect: statement.Effect,
    applies,
    // '*' anywhere in Resource matches everything, so one always-true matcher stands for the list.
    resources: Object.freeze(
      patterns.some((p) => /^\*+$/.test(p)) ? [() => true] : patterns.map(compileGlob),
    ),
    notResource,
    ref,
    label,
    allowed: Object.freeze({ allowed: true, reason: `Allowed by ${label}.`, statement: ref }),
  });
}
