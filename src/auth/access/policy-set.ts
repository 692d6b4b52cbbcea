import type { Clock } from '../../core/clock.js';
import { GustError } from '../../core/errors.js';
import type { PolicyRepository } from '../../store/security-repositories.js';
import { builtInPolicy, isBuiltInPolicy } from '../policy/built-in.js';
import { type CompiledPolicy, compilePolicy } from '../policy/compile.js';

/** How long a compiled stored policy is trusted before it is read again (other nodes may change it). */
const POLICY_TTL_MS = 2000;

/**
 * Resolves policy names (built-in or stored) to compiled policies, caching them briefly. Local
 * changes invalidate at once; changes made through another node are seen within POLICY_TTL_MS.
 */
export class PolicySet {
  readonly #repository: PolicyRepository;
  readonly #clock: Clock;
  readonly #cache = new Map<string, { policy: CompiledPolicy | undefined; until: number }>();

  constructor(repository: PolicyRepository, clock: Clock) {
    this.#repository = repository;
    this.#clock = clock;
  }

  /** The compiled policy, or undefined when no policy has that name. */
  async find(name: string): Promise<CompiledPolicy | undefined> {
    if (isBuiltInPolicy(name)) return builtInPolicy(name);
    const now = this.#clock.now();
    const cached = this.#cache.get(name);
    if (cached !== undefined && cached.until > now) return cached.policy;
    let stored: Awaited<ReturnType<PolicyRepository['get']>>;
    try {
      stored = await this.#repository.get(name);
    } catch (error) {
      // As for keys: a policy already known stays in force while the store is unreachable.
      if (cached !== undefined) return cached.policy;
      throw error;
    }
    const policy = stored === undefined ? undefined : compilePolicy(stored.document, name);
    this.#cache.set(name, { policy, until: now + POLICY_TTL_MS });
    return policy;
  }

  /** Like find, but 404 ERR_POLICY_NOT_FOUND for an unknown name. */
  async require(name: string): Promise<CompiledPolicy> {
    const policy = await this.find(name);
    if (policy === undefined) throw policyNotFound(name);
    return policy;
  }

  /** Compiled policies for names, skipping names that no longer resolve (a deleted policy grants nothing). */
  async resolve(names: readonly string[]): Promise<CompiledPolicy[]> {
    const policies: CompiledPolicy[] = [];
    for (const name of names) {
      const policy = await this.find(name);
      if (policy !== undefined) policies.push(policy);
    }
    return policies;
  }

  invalidate(name?: string): void {
    if (name === undefined) this.#cache.clear();
    else this.#cache.delete(name);
  }
}

/** 404 ERR_POLICY_NOT_FOUND, saying where the names come from. */
export function policyNotFound(name: string): GustError {
  return new GustError(
    'ERR_POLICY_NOT_FOUND',
    `There is no policy named '${name}'. Built-in policies are admin, read-only, invoke-only and deployer; 'gust policies ls' lists saved ones.`,
    { details: { policy: name } },
  );
}
