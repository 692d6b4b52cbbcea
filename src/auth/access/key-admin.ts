import type { Clock } from '../../core/clock.js';
import { GustError } from '../../core/errors.js';
import type { ApiKeyRecord, KeyRepository } from '../../store/security-repositories.js';
import { formatBearerToken, generateKeyPair, type KeyPair } from '../credentials/key-format.js';
import { hashSecret } from '../credentials/secret-hash.js';
import { encryptValue } from '../secrets/envelope.js';
import type { MasterKey } from '../secrets/master-key.js';
import type { RequestAuth } from './caller.js';
import { type KeyRing, keySecretContext } from './key-ring.js';
import type { PolicySet } from './policy-set.js';

/** A key as the API shows it: never its secret or hash. */
export interface KeyView {
  accessKeyId: string;
  name: string;
  policies: string[];
  status: ApiKeyRecord['status'];
  createdAt: number;
  createdBy: string;
  lastUsedAt: number | null;
}

/** The answer to creating a key: the only time the secret is shown. */
export interface CreatedKey extends KeyView {
  secretAccessKey: string;
  /** `Authorization: Bearer <this>`. */
  bearerToken: string;
}

export function keyView(record: ApiKeyRecord): KeyView {
  return {
    accessKeyId: record.id,
    name: record.name,
    policies: record.policies,
    status: record.status,
    createdAt: record.createdAt,
    createdBy: record.createdBy,
    lastUsedAt: record.lastUsedAt ?? null,
  };
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export interface KeyAdminDeps {
  repository: KeyRepository;
  ring: KeyRing;
  policies: PolicySet;
  masterKey: MasterKey;
  clock: Clock;
  /** Called when a key stops working (disabled, deleted, policies changed). */
  onKeyChanged(id: string): void;
}

/**
 * Creating, listing, disabling and deleting API keys. Each operation checks the caller's rights
 * itself: creating a key that carries a policy needs policies:Attach on that policy, so holding
 * keys:Create cannot mint a key more powerful than its holder.
 */
export class KeyAdmin {
  readonly #d: KeyAdminDeps;

  constructor(deps: KeyAdminDeps) {
    this.#d = deps;
  }

  /** Stores a new key (or the given pair, for the bootstrap key) and returns it with its secret. */
  async create(
    input: { name: string; policies: readonly string[]; pair?: KeyPair },
    createdBy: string,
  ): Promise<CreatedKey> {
    if (!NAME.test(input.name)) {
      throw new GustError(
        'ERR_INVALID_PARAMETER',
        `name: '${input.name.slice(0, 80)}' is not a valid key name: use 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit.`,
        { details: { parameter: 'name' } },
      );
    }
    const policies = await this.#checkPolicies(input.policies);
    const pair = input.pair ?? generateKeyPair();
    const record: ApiKeyRecord = {
      id: pair.accessKeyId,
      name: input.name,
      secretHash: await hashSecret(pair.secret),
      secretEncrypted: encryptValue(this.#d.masterKey, pair.secret, keySecretContext(pair.accessKeyId)),
      policies,
      status: 'active',
      createdAt: this.#d.clock.now(),
      createdBy,
    };
    await this.#d.repository.create(record);
    return { ...keyView(record), secretAccessKey: pair.secret, bearerToken: formatBearerToken(pair) };
  }

  async list(): Promise<KeyView[]> {
    return (await this.#d.repository.list()).map(keyView);
  }

  async get(id: string): Promise<KeyView> {
    return keyView(await this.#require(id));
  }

  async setStatus(id: string, status: ApiKeyRecord['status']): Promise<KeyView> {
    const record = await this.#require(id);
    if (status === 'disabled') await this.#refuseLockout(id, []);
    await this.#d.repository.update(id, { status });
    this.#changed(id);
    return keyView({ ...record, status });
  }

  async delete(id: string): Promise<void> {
    await this.#require(id);
    await this.#refuseLockout(id, []);
    await this.#d.repository.delete(id);
    this.#changed(id);
  }

  /** Attaches policies (each needs policies:Attach, checked by the caller through `auth`). */
  async attach(id: string, names: readonly string[], auth: RequestAuth): Promise<KeyView> {
    const record = await this.#require(id);
    for (const name of names) auth.require('policies:Attach', `gust:policy:${name}`);
    await this.#checkPolicies(names);
    const policies = [...record.policies, ...names.filter((n) => !record.policies.includes(n))];
    await this.#d.repository.update(id, { policies });
    this.#changed(id);
    return keyView({ ...record, policies });
  }

  async detach(id: string, name: string): Promise<KeyView> {
    const record = await this.#require(id);
    if (!record.policies.includes(name)) {
      throw new GustError('ERR_POLICY_NOT_FOUND', `Key '${id}' does not carry policy '${name}'.`, {
        details: { policy: name },
      });
    }
    const policies = record.policies.filter((n) => n !== name);
    if (name === 'admin') await this.#refuseLockout(id, policies);
    await this.#d.repository.update(id, { policies });
    this.#changed(id);
    return keyView({ ...record, policies });
  }

  async #require(id: string): Promise<ApiKeyRecord> {
    const record = await this.#d.repository.get(id);
    if (record === undefined) {
      throw new GustError('ERR_KEY_NOT_FOUND', `There is no API key '${id}'. 'gust keys ls' lists them.`, {
        details: { accessKeyId: id },
      });
    }
    return record;
  }

  async #checkPolicies(names: readonly string[]): Promise<string[]> {
    const unique = [...new Set(names)];
    for (const name of unique) await this.#d.policies.require(name);
    return unique;
  }

  /**
   * Refuses a change that would leave no active key with the built-in admin policy: nobody could
   * create keys or change policies afterwards. `remaining` are the policies the key keeps working
   * with after the change (none when it is disabled or deleted).
   */
  async #refuseLockout(id: string, remaining: readonly string[]): Promise<void> {
    const record = await this.#d.repository.get(id);
    if (record === undefined || record.status !== 'active' || !record.policies.includes('admin')) return;
    if (remaining.includes('admin')) return;
    const otherAdmins = (await this.#d.repository.list()).filter(
      (k) => k.id !== id && k.status === 'active' && k.policies.includes('admin'),
    );
    if (otherAdmins.length === 0) {
      throw new GustError(
        'ERR_CONFLICT',
        `Key '${id}' is the last active key with the admin policy; disabling, deleting or detaching it would lock everyone out. Create another admin key first.`,
        { details: { accessKeyId: id } },
      );
    }
  }

  #changed(id: string): void {
    this.#d.ring.invalidate(id);
    this.#d.onKeyChanged(id);
  }
}
