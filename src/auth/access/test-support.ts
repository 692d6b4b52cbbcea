/**
 * Stand-ins for tests of other capabilities: a caller with the built-in admin policy (or others),
 * the RequestAuth for it, and a gateway access that treats every request as that caller. Tests of
 * authentication itself use the real authenticator (see access.test.ts). Not used outside tests.
 */
import type { NewAuditEntry } from '../../store/security-repositories.js';
import { type BuiltInPolicyName, builtInPolicy } from '../policy/built-in.js';
import type { CompiledPolicy } from '../policy/compile.js';
import type { Authenticator } from './authenticator.js';
import type { Caller } from './caller.js';
import { type AuditedRequestAuth, createRequestAuth } from './request-auth.js';

/** A key caller carrying built-in policies (default: admin). */
export function testCaller(
  policies: readonly (BuiltInPolicyName | CompiledPolicy)[] = ['admin'],
  id = 'GKTESTTESTTESTTESTTE',
): Caller {
  return {
    kind: 'key',
    id,
    name: 'test',
    policies: policies.map((p) => (typeof p === 'string' ? builtInPolicy(p) : p)),
  };
}

/** The RequestAuth a handler would get for `caller`. */
export function testRequestAuth(caller: Caller = testCaller(), requestId = 'req-test'): AuditedRequestAuth {
  return createRequestAuth(caller, { requestId, sourceIp: '127.0.0.1', now: () => 0 });
}

/** Gateway access that authenticates every request as `caller`, and keeps audit entries in memory. */
export function trustingAccess(caller: Caller = testCaller()): {
  authenticator: Authenticator;
  audit: { record(entry: NewAuditEntry): void };
  entries: NewAuditEntry[];
} {
  const entries: NewAuditEntry[] = [];
  return {
    authenticator: { authenticate: async () => caller, forget: () => {} },
    audit: { record: (entry) => entries.push(entry) },
    entries,
  };
}
