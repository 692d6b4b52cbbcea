import type { Clock } from '../../core/clock.js';
import type { ApiKeyRecord, KeyRepository } from '../../store/security-repositories.js';
import { decryptValue } from '../secrets/envelope.js';
import type { MasterKey } from '../secrets/master-key.js';
import type { Caller } from './caller.js';
import type { PolicySet } from './policy-set.js';

/** An active key, ready to authenticate and authorize with. */
export interface ActiveKey {
  readonly record: ApiKeyRecord;
  readonly caller: Caller;
  /** The key's secret in clear, decrypted on first use (for SigV4) and kept in memory only. */
  secret(): string;
}

/** How long a key read from the store is trusted: a key disabled through another node stops working within this. */
const KEY_TTL_MS = 2000;

/** The encryption context of a key's secret: a ciphertext cannot be moved to another key's row. */
export function keySecretContext(id: string): string {
  return `key:${id}`;
}

/**
 * Active API keys by access key id, read from the store and cached for KEY_TTL_MS. Changes made
 * on this node invalidate at once.
 */
export class KeyRing {
  readonly #repository: KeyRepository;
  readonly #policies: PolicySet;
  readonly #masterKey: MasterKey;
  readonly #clock: Clock;
  readonly #cache = new Map<string, { key: ActiveKey | undefined; until: number }>();

  constructor(deps: { repository: KeyRepository; policies: PolicySet; masterKey: MasterKey; clock: Clock }) {
    this.#repository = deps.repository;
    this.#policies = deps.policies;
    this.#masterKey = deps.masterKey;
    this.#clock = deps.clock;
  }

  /** The key if it exists and is active; undefined for unknown, disabled and deleted keys. */
  async get(id: string): Promise<ActiveKey | undefined> {
    const now = this.#clock.now();
    const cached = this.#cache.get(id);
    if (cached !== undefined && cached.until > now) return cached.key;
    let record: ApiKeyRecord | undefined;
    try {
      record = await this.#repository.get(id);
    } catch (error) {
      // The store is unreachable: a key this node knew stays usable (warm requests keep being
      // served); an unknown one cannot be checked and the error (503) stands.
      if (cached !== undefined) return cached.key;
      throw error;
    }
    const key = record === undefined || record.status !== 'active' ? undefined : await this.#activate(record);
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(id, { key, until: now + KEY_TTL_MS });
    return key;
  }

  invalidate(id?: string): void {
    if (id === undefined) this.#cache.clear();
    else this.#cache.delete(id);
  }

  async #activate(record: ApiKeyRecord): Promise<ActiveKey> {
    const caller: Caller = Object.freeze({
      kind: 'key',
      id: record.id,
      name: record.name,
      policies: Object.freeze(await this.#policies.resolve(record.policies)),
    });
    let secret: string | undefined;
    const masterKey = this.#masterKey;
    return {
      record,
      caller,
      secret() {
        secret ??= decryptValue(masterKey, record.secretEncrypted, keySecretContext(record.id)).toString(
          'utf8',
        );
        return secret;
      },
    };
  }
}
