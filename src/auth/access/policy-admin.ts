import type { Clock } from '../../core/clock.js';
import { GustError } from '../../core/errors.js';
import type { KeyRepository, PolicyRepository, StoredPolicy } from '../../store/security-repositories.js';
import { BUILT_IN_POLICY_DOCUMENTS, BUILT_IN_POLICY_NAMES, isBuiltInPolicy } from '../policy/built-in.js';
import { compilePolicy } from '../policy/compile.js';
import type { PolicyDocument } from '../policy/document.js';
import { type PolicySet, policyNotFound } from './policy-set.js';

export interface PolicyView {
  name: string;
  builtIn: boolean;
  description: string;
  document: PolicyDocument;
  createdAt: number | null;
  updatedAt: number | null;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const BUILT_IN_DESCRIPTIONS: Record<string, string> = {
  admin: 'Everything.',
  'read-only': 'Read everything except secret values.',
  'invoke-only': 'Invoke any function.',
  deployer: 'Deploy, publish and delete apps, and read what they are.',
};

/** Saved policies, beside the built-in ones. A policy a key carries cannot be deleted. */
export class PolicyAdmin {
  readonly #repository: PolicyRepository;
  readonly #keys: KeyRepository;
  readonly #set: PolicySet;
  readonly #clock: Clock;
  readonly #onChanged: () => void;

  constructor(deps: {
    repository: PolicyRepository;
    keys: KeyRepository;
    set: PolicySet;
    clock: Clock;
    onChanged(): void;
  }) {
    this.#repository = deps.repository;
    this.#keys = deps.keys;
    this.#set = deps.set;
    this.#clock = deps.clock;
    this.#onChanged = deps.onChanged;
  }

  async list(): Promise<PolicyView[]> {
    const builtIn = BUILT_IN_POLICY_NAMES.map((name) => builtInView(name));
    return [...builtIn, ...(await this.#repository.list()).map(storedView)];
  }

  async get(name: string): Promise<PolicyView> {
    if (isBuiltInPolicy(name)) return builtInView(name);
    const stored = await this.#repository.get(name);
    if (stored === undefined) throw policyNotFound(name);
    return storedView(stored);
  }

  /** Validates and saves a policy; keys carrying it get the new document within seconds. */
  async put(
    name: string,
    document: unknown,
    description: string,
  ): Promise<{ view: PolicyView; created: boolean }> {
    if (!NAME.test(name)) {
      throw new GustError(
        'ERR_INVALID_PARAMETER',
        `'${name.slice(0, 80)}' is not a valid policy name: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit.`,
        { details: { parameter: 'name' } },
      );
    }
    if (isBuiltInPolicy(name)) {
      throw new GustError(
        'ERR_CONFLICT',
        `'${name}' is a built-in policy and cannot be replaced; save yours under another name.`,
      );
    }
    const compiled = compilePolicy(document, name);
    const now = this.#clock.now();
    const existing = await this.#repository.get(name);
    const stored: StoredPolicy = {
      name,
      description,
      document: JSON.stringify(compiled.document),
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    await this.#repository.put(stored);
    this.#set.invalidate(name);
    this.#onChanged();
    return { view: storedView(stored), created: existing === undefined };
  }

  async delete(name: string): Promise<void> {
    if (isBuiltInPolicy(name)) {
      throw new GustError('ERR_CONFLICT', `'${name}' is a built-in policy and cannot be deleted.`);
    }
    await this.#set.require(name);
    const carriers = (await this.#keys.list()).filter((k) => k.policies.includes(name)).map((k) => k.id);
    if (carriers.length > 0) {
      throw new GustError(
        'ERR_CONFLICT',
        `Policy '${name}' is attached to ${carriers.length} key(s) (${carriers.slice(0, 5).join(', ')}); detach it first.`,
        { details: { keys: carriers } },
      );
    }
    await this.#repository.delete(name);
    this.#set.invalidate(name);
    this.#onChanged();
  }
}

function storedView(p: StoredPolicy): PolicyView {
  return {
    name: p.name,
    builtIn: false,
    description: p.description,
    document: JSON.parse(p.document) as PolicyDocument,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}

function builtInView(name: (typeof BUILT_IN_POLICY_NAMES)[number]): PolicyView {
  return {
    name,
    builtIn: true,
    description: BUILT_IN_DESCRIPTIONS[name] ?? '',
    document: BUILT_IN_POLICY_DOCUMENTS[name],
    createdAt: null,
    updatedAt: null,
  };
}
