/**
 * A gateway access for tests of route auth: it knows a few bearer tokens ("Bearer invoker" may
 * function:Invoke anything, "Bearer reader" may only read) and refuses everything else as the real
 * authenticator would. Not used outside tests.
 */
import type { Authenticator } from '../auth/access/authenticator.js';
import type { Caller } from '../auth/access/caller.js';
import { testCaller } from '../auth/access/test-support.js';
import { invalidCredentials, unauthenticated } from '../auth/credentials/auth-errors.js';
import type { NewAuditEntry } from '../store/security-repositories.js';

/** Bearer tokens a test may send, and who each one is. */
const KEYS: Record<string, Caller> = {
  'Bearer invoker': testCaller(['invoke-only'], 'GKINVOKERINVOKERINVO'),
  'Bearer reader': testCaller(['read-only'], 'GKREADERREADERREADER'),
  'Bearer other': testCaller(['invoke-only'], 'GKOTHEROTHEROTHEROTH'),
};

/** An authenticator that knows the tokens above, refusing everything else as the real one would. */
export function keyAccess(): {
  authenticator: Authenticator;
  audit: { record(e: NewAuditEntry): void };
  entries: NewAuditEntry[];
} {
  const entries: NewAuditEntry[] = [];
  return {
    authenticator: {
      async authenticate(req) {
        const header = req.headers.authorization;
        if (header === undefined) throw unauthenticated('The request has no credentials.');
        const caller = KEYS[header];
        if (caller === undefined) throw invalidCredentials('Unknown key.');
        return caller;
      },
      forget() {},
    },
    audit: { record: (entry) => entries.push(entry) },
    entries,
  };
}
