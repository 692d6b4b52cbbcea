import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequestAuth } from '../auth/access/request-auth.js';
import type { Clock } from '../core/clock.js';
import { isGustError } from '../core/errors.js';
import type { KeyRateLimit } from './key-rate-limit.js';
import type { GatewayAccess, RequestContext } from './types.js';

/** Authentication failures that go into the audit log (missing credentials do not: that is noise). */
const AUDITED_AUTH_FAILURES: ReadonlySet<string> = new Set([
  'ERR_INVALID_CREDENTIALS',
  'ERR_INVALID_SIGNATURE',
  'ERR_REQUEST_EXPIRED',
  'ERR_MALFORMED_AUTHORIZATION',
]);

/**
 * Runs `work` for an authenticated caller, the one way every protected path does it (the APIs and
 * `key` app routes): credentials are checked (a SigV4 check reads the body, up to `bodyLimit`;
 * wrong keys, secrets and signatures are audited), `ctx.auth` becomes the caller's, the per-key
 * rate limit applies, and once the answer is known the audited checks `work` made are appended to
 * the audit log with the answer's status.
 */
export type RunAuthenticated = (
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
  bodyLimit: number,
  work: () => Promise<void>,
) => Promise<void>;

export function createAuthenticatedRunner(deps: {
  access: GatewayAccess;
  clock: Clock;
  keyLimits?: KeyRateLimit | undefined;
}): RunAuthenticated {
  const auditFailure = (error: unknown, ctx: RequestContext): void => {
    if (!isGustError(error) || !AUDITED_AUTH_FAILURES.has(error.code)) return;
    deps.access.audit.record({
      at: deps.clock.now(),
      principal: 'unauthenticated',
      action: 'auth:Authenticate',
      resource: ctx.path,
      outcome: 'denied',
      status: error.status,
      sourceIp: ctx.sourceIp,
      requestId: ctx.requestId,
      reason: error.message,
    });
  };
  const now = () => deps.clock.now();

  return async (req, res, ctx, bodyLimit, work) => {
    let caller: Awaited<ReturnType<typeof deps.access.authenticator.authenticate>>;
    try {
      caller = await deps.access.authenticator.authenticate(req, ctx, bodyLimit);
    } catch (error) {
      auditFailure(error, ctx);
      throw error;
    }
    const auth = createRequestAuth(caller, { requestId: ctx.requestId, sourceIp: ctx.sourceIp, now });
    ctx.auth = auth;
    let failure: unknown;
    try {
      deps.keyLimits?.check(caller);
      await work();
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      const status = failure === undefined ? res.statusCode : isGustError(failure) ? failure.status : 500;
      const reason = failure instanceof Error ? failure.message : undefined;
      try {
        for (const entry of auth.auditEntries(status, reason)) deps.access.audit.record(entry);
      } catch (error) {
        // The answer stands whatever happens to its audit entry; the failure is reported.
        console.error(`gust gateway: could not audit request ${ctx.requestId}:`, error);
      }
    }
  };
}
