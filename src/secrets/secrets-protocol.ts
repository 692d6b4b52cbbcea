import { GustError, isGustError } from '../core/errors.js';
import type { AwsJsonService } from '../gateway/types.js';
import { invalidParameter, invalidRequest } from './secret-errors.js';
import { secretArns } from './secret-names.js';
import { toSecretsError } from './secrets-aws-errors.js';
import {
  epochSeconds,
  optionalBoolean,
  optionalInteger,
  optionalString,
  requiredString,
  type SecretsInput,
  secretValueOf,
} from './secrets-input.js';
import { listSecrets, secretEntry } from './secrets-listing.js';
import type { SecretsService } from './secrets-service.js';

export interface SecretsProtocolDeps {
  secrets: SecretsService;
  region: string;
  accountId: string;
}

type Operation = (input: SecretsInput) => Promise<Record<string, unknown>>;

/** Operations Gust knows but does not implement: refused by name rather than as unknown. */
const NOT_IMPLEMENTED = new Set([
  'BatchGetSecretValue',
  'CancelRotateSecret',
  'DeleteResourcePolicy',
  'GetRandomPassword',
  'GetResourcePolicy',
  'ListSecretVersionIds',
  'PutResourcePolicy',
  'RemoveRegionsFromReplication',
  'ReplicateSecretToRegions',
  'StopReplicationToReplica',
  'TagResource',
  'UntagResource',
  'UpdateSecretVersionStage',
  'ValidateResourcePolicy',
]);

/** The action each operation needs, and whether it concerns one secret (SecretId / Name) or all. */
const ACTIONS: Record<string, { action: string; id: 'SecretId' | 'Name' | null }> = {
  CreateSecret: { action: 'secrets:Put', id: 'Name' },
  PutSecretValue: { action: 'secrets:Put', id: 'SecretId' },
  UpdateSecret: { action: 'secrets:Put', id: 'SecretId' },
  GetSecretValue: { action: 'secrets:Get', id: 'SecretId' },
  DescribeSecret: { action: 'secrets:List', id: 'SecretId' },
  ListSecrets: { action: 'secrets:List', id: null },
  DeleteSecret: { action: 'secrets:Delete', id: 'SecretId' },
  RestoreSecret: { action: 'secrets:Delete', id: 'SecretId' },
  RotateSecret: { action: 'secrets:Rotate', id: 'SecretId' },
};

/**
 * The Secrets Manager JSON protocol (`X-Amz-Target: secretsmanager.Operation`), so
 * @aws-sdk/client-secrets-manager works unchanged against Gust. Values travel as SecretString or
 * base64 SecretBinary; times are epoch seconds; errors carry Secrets Manager's exception names.
 */
export function createSecretsManagerService(deps: SecretsProtocolDeps): AwsJsonService {
  const { secrets } = deps;
  const arns = secretArns(deps.region, deps.accountId);
  const operations: Record<string, Operation> = {
    async CreateSecret(input) {
      const value = secretValueOf(input);
      const description = optionalString(input, 'Description');
      const versionId = optionalString(input, 'ClientRequestToken');
      const r = await secrets.create({
        name: requiredString(input, 'Name'),
        ...(description !== undefined ? { description } : {}),
        ...(value !== undefined ? { value } : {}),
        ...(versionId !== undefined ? { versionId } : {}),
      });
      return { ARN: r.arn, Name: r.name, ...(r.versionId ? { VersionId: r.versionId } : {}) };
    },
    async PutSecretValue(input) {
      const value = secretValueOf(input);
      if (value === undefined)
        throw invalidParameter('SecretString', 'You must provide either SecretString or SecretBinary.');
      const versionId = optionalString(input, 'ClientRequestToken');
      const stages = input.VersionStages;
      const r = await secrets.putValue(requiredString(input, 'SecretId'), value, {
        ...(versionId !== undefined ? { versionId } : {}),
        ...(stages !== undefined ? { stages: stages as string[] } : {}),
      });
      return { ARN: r.arn, Name: r.name, VersionId: r.versionId, VersionStages: r.stages };
    },
    async UpdateSecret(input) {
      const value = secretValueOf(input);
      const description = optionalString(input, 'Description');
      const versionId = optionalString(input, 'ClientRequestToken');
      const r = await secrets.update(requiredString(input, 'SecretId'), {
        ...(description !== undefined ? { description } : {}),
        ...(value !== undefined ? { value } : {}),
        ...(versionId !== undefined ? { versionId } : {}),
      });
      return { ARN: r.arn, Name: r.name, ...(r.versionId ? { VersionId: r.versionId } : {}) };
    },
    async GetSecretValue(input) {
      const versionId = optionalString(input, 'VersionId');
      const stage = optionalString(input, 'VersionStage');
      const v = await secrets.getValue(requiredString(input, 'SecretId'), {
        ...(versionId !== undefined ? { versionId } : {}),
        ...(stage !== undefined ? { stage } : {}),
      });
      return {
        ARN: v.arn,
        Name: v.name,
        VersionId: v.versionId,
        ...(v.value.kind === 'string'
          ? { SecretString: v.value.text }
          : { SecretBinary: v.value.bytes.toString('base64') }),
        VersionStages: v.stages,
        CreatedDate: epochSeconds(v.createdAt),
      };
    },
    async DescribeSecret(input) {
      const { SecretVersionsToStages, ...entry } = secretEntry(
        await secrets.describe(requiredString(input, 'SecretId')),
      );
      return { ...entry, VersionIdsToStages: SecretVersionsToStages };
    },
    ListSecrets: (input) => listSecrets(secrets, input),
    async DeleteSecret(input) {
      const days = optionalInteger(input, 'RecoveryWindowInDays');
      const force = optionalBoolean(input, 'ForceDeleteWithoutRecovery');
      const r = await secrets.delete(requiredString(input, 'SecretId'), {
        ...(days !== undefined ? { recoveryWindowDays: days } : {}),
        ...(force !== undefined ? { force } : {}),
      });
      return { ARN: r.arn, Name: r.name, DeletionDate: epochSeconds(r.deletionDate) };
    },
    async RestoreSecret(input) {
      const r = await secrets.restore(requiredString(input, 'SecretId'));
      return { ARN: r.arn, Name: r.name };
    },
    async RotateSecret(input) {
      if (input.RotationLambdaARN !== undefined || input.RotationRules !== undefined) {
        throw invalidRequest(
          'Gust does not run rotation functions or rotation schedules yet: leave out RotationLambdaARN and RotationRules, and RotateSecret stores a new random value as AWSCURRENT at once.',
        );
      }
      const versionId = optionalString(input, 'ClientRequestToken');
      const r = await secrets.rotate(
        requiredString(input, 'SecretId'),
        versionId !== undefined ? { versionId } : {},
      );
      return { ARN: r.arn, Name: r.name, VersionId: r.versionId };
    },
  };

  const unknown = (operation: string) =>
    NOT_IMPLEMENTED.has(operation)
      ? invalidRequest(`Gust does not implement the Secrets Manager operation ${operation}.`)
      : new GustError('ERR_NOT_FOUND', `There is no Secrets Manager operation '${operation}'.`, {
          awsType: 'UnknownOperationException',
        });

  return {
    targetPrefix: 'secretsmanager',
    authorize(operation, input, ctx) {
      const rule = Object.hasOwn(ACTIONS, operation) ? ACTIONS[operation] : undefined;
      if (rule === undefined) throw toSecretsError(unknown(operation));
      if (rule.id === null) return ctx.auth.require(rule.action, 'gust:secret:*');
      try {
        const id = requiredString(input, rule.id);
        const name = arns.parse(id)?.name ?? id;
        ctx.auth.require(rule.action, `gust:secret:${name}`);
      } catch (error) {
        throw isGustError(error) ? toSecretsError(error) : error;
      }
    },
    async handle(operation, input) {
      const run = Object.hasOwn(operations, operation) ? operations[operation] : undefined;
      try {
        if (run === undefined) throw unknown(operation);
        return await run(input);
      } catch (error) {
        throw isGustError(error) ? toSecretsError(error) : error;
      }
    },
  };
}
