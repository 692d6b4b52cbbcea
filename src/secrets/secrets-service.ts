import { randomUUID } from 'node:crypto';
import type { MasterKey } from '../auth/secrets/master-key.js';
import type { Clock } from '../core/clock.js';
import { isGustError } from '../core/errors.js';
import { AWSCURRENT, type SecretRecord, type SecretVersionRecord } from '../store/secret-repository.js';
import type { Store } from '../store/store.js';
import { SecretCache } from './secret-cache.js';
import {
  invalidParameter,
  invalidRequest,
  markedForDeletion,
  secretExists,
  secretNotFound,
} from './secret-errors.js';
import { checkSecretName, randomArnSuffix, secretArns } from './secret-names.js';
import {
  checkValue,
  decryptSecret,
  encryptSecret,
  generateValue,
  type SecretValue,
  sameValue,
  valueText,
} from './secret-values.js';
import {
  checkStages,
  checkVersionId,
  type SecretValueView,
  type SecretView,
  toView,
} from './secret-views.js';

export type { SecretValueView, SecretView } from './secret-views.js';

export interface SecretsServiceDeps {
  store: Pick<Store, 'secrets' | 'signals'>;
  masterKey: MasterKey;
  clock: Clock;
  /** Reported in ARNs. */
  region: string;
  accountId: string;
  /** Where warnings go (values too short to redact). */
  log?: (line: string) => void;
}

const DAY_MS = 86_400_000;
const MAX_DESCRIPTION = 2048;

/** What a write answers: the secret's identity and, when a version was made, its id and labels. */
export interface SecretWriteResult {
  name: string;
  arn: string;
  versionId?: string;
  stages?: string[];
}

export interface CreateSecretInput {
  name: string;
  description?: string;
  value?: SecretValue;
  /** The new version's id (AWS's ClientRequestToken); a UUID is made when absent. */
  versionId?: string;
}

/**
 * Secrets Manager: named secrets with versions and staging labels, their values only ever stored
 * encrypted under the master key (bound to `secret:<name>`). A secret id is its name or ARN.
 * Deleting schedules the deletion (7 to 30 days, or at once when forced); until then the secret
 * cannot be read and its name cannot be reused, but it can be restored.
 */
export interface SecretsService {
  /** Purges deletions that are due and loads the values references and redaction need. */
  start(): Promise<void>;
  stop(): void;
  create(input: CreateSecretInput): Promise<SecretWriteResult>;
  putValue(
    secretId: string,
    value: SecretValue,
    options?: { versionId?: string; stages?: string[] },
  ): Promise<SecretWriteResult>;
  getValue(secretId: string, options?: { versionId?: string; stage?: string }): Promise<SecretValueView>;
  describe(secretId: string): Promise<SecretView>;
  /** Every secret's metadata, never a value; those scheduled for deletion only when asked. */
  list(options?: { includeDeleted?: boolean }): Promise<SecretView[]>;
  update(
    secretId: string,
    change: { description?: string; value?: SecretValue; versionId?: string },
  ): Promise<SecretWriteResult>;
  delete(
    secretId: string,
    options?: { recoveryWindowDays?: number; force?: boolean },
  ): Promise<SecretWriteResult & { deletionDate: number }>;
  restore(secretId: string): Promise<SecretWriteResult>;
  /** Stores a new current version: the value given, or a generated one. */
  rotate(secretId: string, options?: { value?: SecretValue; versionId?: string }): Promise<SecretWriteResult>;
  /** The current value of a live secret as text (a binary one as base64), from memory. */
  currentText(name: string): string | undefined;
  /** `text` with every secret value replaced by `[REDACTED:<name>]`. */
  redact(text: string): string;
}

export function createSecretsService(deps: SecretsServiceDeps): SecretsService {
  const repo = deps.store.secrets;
  const arns = secretArns(deps.region, deps.accountId);
  const cache = new SecretCache(deps.log);
  const arnOf = (s: SecretRecord) => arns.arn(s.name, s.arnSuffix);
  let purgeTimer: { cancel(): void } | undefined;
  let unsubscribe: (() => void) | undefined;

  const decrypt = (name: string, v: SecretVersionRecord) =>
    decryptSecret(deps.masterKey, name, v.kind, v.valueEncrypted);

  /** Reads a secret's labeled versions and puts what references and redaction need in the cache. */
  const cacheEntry = async (s: SecretRecord) => {
    const labeled = (await repo.listVersions(s.name)).filter((v) => v.stages.length > 0);
    const current = labeled.find((v) => v.stages.includes(AWSCURRENT));
    return {
      name: s.name,
      current: current && s.deletedAt === undefined ? valueText(decrypt(s.name, current)) : undefined,
      labeled: labeled.map((v) => valueText(decrypt(s.name, v))),
    };
  };
  /** Re-reads one secret into this node's cache and tells the other nodes to do the same. */
  const refresh = async (name: string) => {
    await reload(name);
    deps.store.signals.publish('secrets', name);
  };
  const reload = async (name: string) => {
    const s = await repo.get(name);
    if (s === undefined) cache.remove(name);
    else {
      const entry = await cacheEntry(s);
      cache.set(entry.name, entry.current, entry.labeled);
    }
  };

  const purgeDue = async () => {
    for (const name of await repo.purgeDue(deps.clock.now())) cache.remove(name);
  };

  /** The secret a SecretId names, deleted or not; ResourceNotFoundException when none. */
  const find = async (secretId: unknown, parameter = 'SecretId'): Promise<SecretRecord> => {
    if (typeof secretId !== 'string' || secretId === '') {
      throw invalidParameter(parameter, 'expected the name or ARN of a secret.');
    }
    await purgeDue();
    const id = arns.parse(secretId);
    if (id !== undefined) {
      const found = await repo.get(id.name);
      if (found !== undefined && (id.suffix === undefined || found.arnSuffix === id.suffix)) return found;
    }
    throw secretNotFound(`Secrets Manager can't find the specified secret: '${secretId}'.`, {
      secret: secretId,
    });
  };
  const findLive = async (secretId: unknown): Promise<SecretRecord> => {
    const s = await find(secretId);
    if (s.deletedAt !== undefined) throw markedForDeletion(s.name);
    return s;
  };

  /** Adds a version, or answers with the existing one when its id and value repeat (a retry). */
  const addVersion = async (
    s: SecretRecord,
    value: SecretValue,
    versionId: string | undefined,
    stages: string[],
  ): Promise<SecretWriteResult> => {
    const id = versionId ?? randomUUID();
    const existing = await repo.getVersion(s.name, { versionId: id });
    if (existing !== undefined) {
      if (!sameValue(decrypt(s.name, existing), value)) {
        throw secretExists(
          `Secret '${s.name}' already has a version ${id} with another value; a version cannot change. Use a new ClientRequestToken.`,
        );
      }
      return { name: s.name, arn: arnOf(s), versionId: id, stages: existing.stages };
    }
    const version: SecretVersionRecord = {
      versionId: id,
      kind: value.kind,
      valueEncrypted: encryptSecret(deps.masterKey, s.name, value),
      createdAt: deps.clock.now(),
      stages,
    };
    await repo.putVersion(s.name, version);
    await refresh(s.name);
    return { name: s.name, arn: arnOf(s), versionId: id, stages: [...stages].sort() };
  };

  const view = async (s: SecretRecord) => toView(s, arnOf(s), await repo.listVersions(s.name));

  return {
    async start() {
      await purgeDue();
      const entries = [];
      for (const s of await repo.list()) entries.push(await cacheEntry(s));
      cache.setMany(entries);
      // Other nodes' writes: read the secret again (all of them after a lost connection).
      unsubscribe = deps.store.signals.subscribe('secrets', (name, fromThisNode) => {
        if (fromThisNode) return;
        const names =
          name === '' ? repo.list().then((all) => all.map((x) => x.name)) : Promise.resolve([name]);
        names
          .then(async (list) => {
            for (const n of list) await reload(n);
          })
          .catch((error: unknown) =>
            deps.log?.(`gust: could not reload a secret changed on another node: ${String(error)}`),
          );
      });
      const schedule = () => {
        purgeTimer = deps.clock.setTimeout(() => {
          void purgeDue()
            .catch(() => undefined)
            .finally(schedule);
        }, 3_600_000);
      };
      schedule();
    },
    stop() {
      unsubscribe?.();
      purgeTimer?.cancel();
      purgeTimer = undefined;
    },

    async create(input) {
      const name = checkSecretName(input.name);
      const description = checkDescription(input.description);
      if (input.value !== undefined) checkValue(input.value, 'SecretString');
      if (input.versionId !== undefined) checkVersionId(input.versionId);
      await purgeDue();
      const existing = await repo.get(name);
      if (existing !== undefined) {
        if (existing.deletedAt !== undefined) {
          throw invalidRequest(
            `You can't create secret '${name}' because a secret with this name is scheduled for deletion. Restore it, or delete it with ForceDeleteWithoutRecovery first.`,
          );
        }
        // A retried CreateSecret (same ClientRequestToken and value) gets the same answer.
        if (input.versionId !== undefined && input.value !== undefined) {
          const v = await repo.getVersion(name, { versionId: input.versionId });
          if (v !== undefined && sameValue(decrypt(name, v), input.value)) {
            return { name, arn: arnOf(existing), versionId: v.versionId, stages: v.stages };
          }
        }
        throw secretExists(`The operation failed because the secret ${name} already exists.`);
      }
      const now = deps.clock.now();
      const record: SecretRecord = {
        name,
        arnSuffix: randomArnSuffix(),
        description,
        createdAt: now,
        updatedAt: now,
      };
      let first: SecretVersionRecord | undefined;
      if (input.value !== undefined) {
        first = {
          versionId: input.versionId ?? randomUUID(),
          kind: input.value.kind,
          valueEncrypted: encryptSecret(deps.masterKey, name, input.value),
          createdAt: now,
          stages: [AWSCURRENT],
        };
      }
      try {
        await repo.create(record, first);
      } catch (error) {
        if (isGustError(error) && error.code === 'ERR_CONFLICT') {
          throw secretExists(`The operation failed because the secret ${name} already exists.`);
        }
        throw error;
      }
      await refresh(name);
      const result: SecretWriteResult = { name, arn: arnOf(record) };
      if (first) Object.assign(result, { versionId: first.versionId, stages: first.stages });
      return result;
    },

    async putValue(secretId, value, options = {}) {
      checkValue(value, value.kind === 'string' ? 'SecretString' : 'SecretBinary');
      const stages = checkStages(options.stages ?? [AWSCURRENT]);
      if (options.versionId !== undefined) checkVersionId(options.versionId);
      const s = await findLive(secretId);
      return addVersion(s, value, options.versionId, stages);
    },

    async getValue(secretId, options = {}) {
      const s = await findLive(secretId);
      const { versionId, stage } = options;
      if (versionId !== undefined) checkVersionId(versionId);
      const v =
        versionId !== undefined
          ? await repo.getVersion(s.name, { versionId })
          : await repo.getVersion(s.name, { stage: stage ?? AWSCURRENT });
      if (v === undefined || (stage !== undefined && !v.stages.includes(stage))) {
        const what =
          versionId !== undefined ? `VersionId: ${versionId}` : `staging label: ${stage ?? AWSCURRENT}`;
        throw secretNotFound(
          `Secrets Manager can't find the specified secret value for ${what}${stage !== undefined && versionId !== undefined ? ` with staging label ${stage}` : ''} (secret '${s.name}').`,
          { secret: s.name },
        );
      }
      return {
        name: s.name,
        arn: arnOf(s),
        versionId: v.versionId,
        stages: v.stages,
        createdAt: v.createdAt,
        value: decrypt(s.name, v),
      };
    },

    async describe(secretId) {
      return view(await find(secretId));
    },

    async list(options = {}) {
      await purgeDue();
      const secrets = (await repo.list()).filter(
        (s) => options.includeDeleted === true || s.deletedAt === undefined,
      );
      return Promise.all(secrets.map(view));
    },

    async update(secretId, change) {
      const description = change.description === undefined ? undefined : checkDescription(change.description);
      if (change.value !== undefined)
        checkValue(change.value, change.value.kind === 'string' ? 'SecretString' : 'SecretBinary');
      if (change.versionId !== undefined) checkVersionId(change.versionId);
      const s = await findLive(secretId);
      if (description !== undefined) await repo.update(s.name, { description, updatedAt: deps.clock.now() });
      if (change.value === undefined) return { name: s.name, arn: arnOf(s) };
      return addVersion(s, change.value, change.versionId, [AWSCURRENT]);
    },

    async delete(secretId, options = {}) {
      const { recoveryWindowDays: days, force } = options;
      if (days !== undefined && force === true) {
        throw invalidParameter(
          'RecoveryWindowInDays',
          "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
        );
      }
      if (days !== undefined && (!Number.isInteger(days) || days < 7 || days > 30)) {
        throw invalidParameter(
          'RecoveryWindowInDays',
          'The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).',
        );
      }
      const s = await find(secretId);
      const now = deps.clock.now();
      if (force === true) {
        await repo.delete(s.name);
        cache.remove(s.name);
        deps.store.signals.publish('secrets', s.name);
        return { name: s.name, arn: arnOf(s), deletionDate: now };
      }
      if (s.deletedAt !== undefined) {
        throw invalidRequest(
          `You can't delete secret '${s.name}' because it is already scheduled for deletion (on ${new Date(s.deletionDate ?? now).toISOString()}). Use ForceDeleteWithoutRecovery to delete it now.`,
        );
      }
      const deletionDate = now + (days ?? 30) * DAY_MS;
      await repo.scheduleDeletion(s.name, now, deletionDate);
      await refresh(s.name);
      return { name: s.name, arn: arnOf(s), deletionDate };
    },

    async restore(secretId) {
      const s = await find(secretId);
      if (s.deletedAt !== undefined) {
        await repo.cancelDeletion(s.name);
        await refresh(s.name);
      }
      return { name: s.name, arn: arnOf(s) };
    },

    async rotate(secretId, options = {}) {
      if (options.value !== undefined) checkValue(options.value, 'value');
      if (options.versionId !== undefined) checkVersionId(options.versionId);
      const s = await findLive(secretId);
      const result = await addVersion(s, options.value ?? generateValue(), options.versionId, [AWSCURRENT]);
      await repo.update(s.name, { lastRotatedAt: deps.clock.now() });
      return result;
    },

    currentText: (name) => cache.current(name),
    redact: (text) => cache.redact(text),
  };
}

function checkDescription(description: unknown): string {
  if (description === undefined) return '';
  if (typeof description !== 'string') throw invalidParameter('Description', 'expected a string.');
  if (description.length > MAX_DESCRIPTION) {
    throw invalidParameter(
      'Description',
      `expected at most ${MAX_DESCRIPTION} characters, got ${description.length}.`,
    );
  }
  return description;
}
