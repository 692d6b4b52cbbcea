import type { Principal } from '../policy/authorize.js';

/**
 * Who sent a request, once its credentials checked out:
 * - `key`: an API key (bearer token or SigV4), `id` is its access key id;
 * - `function`: a function's role, from the short-lived credentials in its instance, `id` is
 *   `function:NAME`;
 * - `anonymous`: no credentials, on a route declared public (`auth: none`); it has no policies, so
 *   every authorize() on it is a default deny.
 */
export interface Caller extends Principal {
  readonly kind: 'key' | 'function' | 'anonymous';
  /** The key's name, or the function's name. */
  readonly name: string;
}

export const ANONYMOUS: Caller = Object.freeze({
  kind: 'anonymous',
  id: 'anonymous',
  name: 'anonymous',
  policies: Object.freeze([]),
});

/** An action on a resource, as `authorize` takes them: `queue:Send` on `gust:queue:orders`. */
export interface Permission {
  readonly action: string;
  readonly resource: string;
}

/**
 * What a handler uses to check what the caller may do. Made per request by the gateway once the
 * caller is known; the checks it makes are recorded and, for audited actions, written to the audit
 * log with the request's outcome when the answer has been sent.
 */
export interface RequestAuth {
  readonly caller: Caller;
  /**
   * Throws 403 ERR_ACCESS_DENIED (naming the action, the resource and the reason) unless the caller
   * may perform `action` on `resource`. A denial is always audited.
   */
  require(action: string, resource: string): void;
  /** Whether the caller may, without throwing or auditing (to filter listings). */
  allows(action: string, resource: string): boolean;
  /** How many require() calls were made for this request (the gateway checks it is not zero). */
  readonly checks: number;
}
