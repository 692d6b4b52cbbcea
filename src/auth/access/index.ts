import type { Clock } from '../../core/clock.js';
import { GustError } from '../../core/errors.js';
import type { GatewayExtension } from '../../gateway/types.js';
import type { Store } from '../../store/store.js';
import { envelopeKeyId } from '../secrets/envelope.js';
import type { MasterKey } from '../secrets/master-key.js';
import { accessApi } from './access-api.js';
import { type AuditLog, createAuditLog } from './audit-log.js';
import { type Authenticator, createAuthenticator } from './authenticator.js';
import { type BootstrapResult, bootstrapAdminKey } from './bootstrap.js';
import type { Caller } from './caller.js';
import { KeyAdmin } from './key-admin.js';
import { KeyRing } from './key-ring.js';
import { PolicyAdmin } from './policy-admin.js';
import { PolicySet } from './policy-set.js';
import { createSessionIssuer, type SessionCredentials, type SessionIssuer } from './session-credentials.js';

export type { Caller, Permission, RequestAuth } from './caller.js';
export { ANONYMOUS } from './caller.js';

export interface AccessControlDeps {
  store: Store;
  masterKey: MasterKey;
  clock: Clock;
  /** The role of a deployed function (its compiled policies), or undefined when it does not exist. */
  functionRole(functionName: string, policies: PolicySet): Promise<Caller | undefined>;
  log(line: string): void;
}

/**
 * Authentication and authorization, wired once: API keys and policies (store-backed, cached), the
 * authenticator the gateway runs on every protected request, the audit log, and the short-lived
 * credentials of function roles.
 */
export interface AccessControl {
  readonly authenticator: Authenticator;
  readonly audit: AuditLog;
  readonly keys: KeyAdmin;
  readonly policies: PolicyAdmin;
  readonly policySet: PolicySet;
  readonly sessions: SessionIssuer;
  /** The control API of keys, policies and the audit log. */
  readonly extension: GatewayExtension;
  /**
   * Refuses to go on (ERR_MASTER_KEY) when the store's keys were encrypted under another master key
   * than this node's: every node sharing a store needs the same GUST_MASTER_KEY, or it could decrypt
   * nothing (and would encrypt what it writes so that the others cannot).
   */
  checkMasterKey(): Promise<void>;
  /** Creates the first admin key when none exists (see bootstrap.ts). */
  bootstrap(env: Readonly<Record<string, string | undefined>>): Promise<BootstrapResult>;
  /**
   * Credentials for a function's instances. Reissued when less than half their lifetime is left,
   * so an instance started now holds credentials valid for at least six hours.
   */
  functionCredentials(functionName: string): SessionCredentials;
  start(): void;
  stop(): Promise<void>;
}

/** Last-used times are written at most this often per key. */
const TOUCH_EVERY_MS = 60_000;

export function createAccessControl(deps: AccessControlDeps): AccessControl {
  const { store, clock } = deps;
  const policySet = new PolicySet(store.policies, clock);
  const ring = new KeyRing({ repository: store.keys, policies: policySet, masterKey: deps.masterKey, clock });
  const sessions = createSessionIssuer(deps.masterKey);
  const touched = new Map<string, number>();
  const authenticator = createAuthenticator({
    keys: ring,
    sessions,
    functionRole: (name) => deps.functionRole(name, policySet),
    clock,
    onKeyUsed(id) {
      const now = clock.now();
      if ((touched.get(id) ?? 0) + TOUCH_EVERY_MS > now) return;
      touched.set(id, now);
      store.keys
        .touch(id, now)
        .catch((error: unknown) => deps.log(`gust: could not note key use: ${String(error)}`));
    },
  });
  const audit = createAuditLog({
    repository: store.audit,
    clock,
    onError: (message, error) => deps.log(`gust: ${message}: ${(error as Error)?.message ?? String(error)}`),
  });
  const keys = new KeyAdmin({
    repository: store.keys,
    ring,
    policies: policySet,
    masterKey: deps.masterKey,
    clock,
    onKeyChanged: (id) => {
      authenticator.forget(id);
      store.signals.publish('keys', id);
    },
  });
  const policies = new PolicyAdmin({
    repository: store.policies,
    keys: store.keys,
    set: policySet,
    clock,
    // Keys carry compiled policies: drop them all so the new document applies at once.
    onChanged: () => {
      ring.invalidate();
      store.signals.publish('policies', '');
    },
  });
  const unsubscribes: (() => void)[] = [];
  const issued = new Map<string, SessionCredentials>();
  return {
    authenticator,
    audit,
    keys,
    policies,
    policySet,
    sessions,
    extension: accessApi({ keys, policies, audit, auditEntries: store.audit }),
    bootstrap: (env) => bootstrapAdminKey(keys, () => store.keys.count(), env),
    async checkMasterKey() {
      const [first] = await store.keys.list();
      const used = first === undefined ? undefined : envelopeKeyId(first.secretEncrypted);
      if (used === undefined || used === deps.masterKey.id) return;
      throw new GustError(
        'ERR_MASTER_KEY',
        `The store's data is encrypted under master key ${used}, but this node has master key ${deps.masterKey.id} (from ${deps.masterKey.source === 'env' ? 'GUST_MASTER_KEY' : deps.masterKey.path}). Every node sharing a store needs the same key: set GUST_MASTER_KEY to the key the other nodes use (docs/operations.md).`,
      );
    },
    functionCredentials(functionName) {
      const now = clock.now();
      const current = issued.get(functionName);
      if (current !== undefined && current.expiresAt - now > 6 * 60 * 60 * 1000) return current;
      const fresh = sessions.issue(functionName, now);
      issued.set(functionName, fresh);
      return fresh;
    },
    start() {
      audit.start();
      // Changes made through other nodes apply at once instead of after the caches' two seconds.
      unsubscribes.push(
        store.signals.subscribe('keys', (id, fromThisNode) => {
          if (fromThisNode) return;
          ring.invalidate(id === '' ? undefined : id);
          authenticator.forget(id === '' ? undefined : id);
        }),
        store.signals.subscribe('policies', (_name, fromThisNode) => {
          if (fromThisNode) return;
          policySet.invalidate();
          ring.invalidate();
        }),
      );
    },
    async stop() {
      for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
      await audit.stop();
    },
  };
}
