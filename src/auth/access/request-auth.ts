import { GustError } from '../../core/errors.js';
import type { AuditOutcome, NewAuditEntry } from '../../store/security-repositories.js';
import { authorize } from '../policy/authorize.js';
import { isAudited } from './audit-log.js';
import { ANONYMOUS, type Caller, type RequestAuth } from './caller.js';

/** What the gateway knows about the request, for audit entries. */
export interface RequestMeta {
  requestId: string;
  sourceIp: string;
  now(): number;
}

/** A RequestAuth that also remembers the audited checks, to log them once the answer is known. */
export interface AuditedRequestAuth extends RequestAuth {
  /** The entries to append for this request, given its HTTP status. */
  auditEntries(status: number, failure?: string): NewAuditEntry[];
}

/** 403 ERR_ACCESS_DENIED, in the shape AWS services use for it. */
export function accessDenied(caller: Caller, action: string, resource: string, reason: string): GustError {
  const who = caller.kind === 'anonymous' ? 'An anonymous caller' : `'${caller.id}'`;
  return new GustError('ERR_ACCESS_DENIED', `${who} may not perform ${action} on ${resource}. ${reason}`, {
    awsType: 'AccessDeniedException',
    details: { action, resource },
  });
}

/**
 * The per-request authorizer handed to handlers as `ctx.auth`. Every check goes through the one
 * `authorize`; denials and audited actions are remembered for the audit log.
 */
export function createRequestAuth(caller: Caller, meta: RequestMeta): AuditedRequestAuth {
  let checks = 0;
  const pending: { action: string; resource: string; denied?: string }[] = [];
  return {
    caller,
    get checks() {
      return checks;
    },
    require(action, resource) {
      checks++;
      const decision = authorize(caller, action, resource);
      if (!decision.allowed) {
        pending.push({ action, resource, denied: decision.reason });
        throw accessDenied(caller, action, resource, decision.reason);
      }
      if (isAudited(action)) pending.push({ action, resource });
    },
    allows(action, resource) {
      return authorize(caller, action, resource).allowed;
    },
    auditEntries(status, failure) {
      if (pending.length === 0) return [];
      const at = meta.now();
      return pending.map((p) => {
        const outcome: AuditOutcome = p.denied !== undefined ? 'denied' : status < 400 ? 'allowed' : 'failed';
        const entry: NewAuditEntry = {
          at,
          principal: caller.id,
          action: p.action,
          resource: p.resource,
          outcome,
          status: p.denied !== undefined ? 403 : status,
          sourceIp: meta.sourceIp,
          requestId: meta.requestId,
        };
        const reason = p.denied ?? (outcome === 'failed' ? failure : undefined);
        if (reason !== undefined) entry.reason = reason;
        return entry;
      });
    },
  };
}

/**
 * The RequestAuth of a request before (or without) credentials: it may do nothing. One shared
 * value, so the warm path of a public route allocates nothing for it; its refusals are not audited
 * (only the public health check and unauthenticated failures get this far).
 */
export const ANONYMOUS_AUTH: RequestAuth = Object.freeze({
  caller: ANONYMOUS,
  checks: 0,
  require(action: string, resource: string): never {
    throw accessDenied(ANONYMOUS, action, resource, authorize(ANONYMOUS, action, resource).reason);
  },
  allows: () => false,
});
