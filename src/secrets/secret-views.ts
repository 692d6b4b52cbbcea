import type { SecretRecord, SecretVersionRecord } from '../store/secret-repository.js';
import { invalidParameter } from './secret-errors.js';
import type { SecretValue } from './secret-values.js';

/** A secret's metadata, as listings and DescribeSecret show it. Never holds a value. */
export interface SecretView {
  name: string;
  arn: string;
  description: string;
  createdAt: number;
  /** When the value or description last changed. */
  updatedAt: number;
  lastRotatedAt: number | null;
  /** When the deletion was scheduled; null for a live secret. */
  deletedAt: number | null;
  /** When a scheduled deletion becomes final. */
  deletionDate: number | null;
  /** Versions that carry a staging label, newest first (unlabeled ones are deprecated). */
  versions: { versionId: string; stages: string[]; createdAt: number }[];
}

/** One version's value, as GetSecretValue answers. */
export interface SecretValueView {
  name: string;
  arn: string;
  versionId: string;
  stages: string[];
  createdAt: number;
  value: SecretValue;
}

export function toView(s: SecretRecord, arn: string, versions: readonly SecretVersionRecord[]): SecretView {
  return {
    name: s.name,
    arn,
    description: s.description,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    lastRotatedAt: s.lastRotatedAt ?? null,
    deletedAt: s.deletedAt ?? null,
    deletionDate: s.deletionDate ?? null,
    versions: versions
      .filter((v) => v.stages.length > 0)
      .map((v) => ({ versionId: v.versionId, stages: v.stages, createdAt: v.createdAt })),
  };
}

const VERSION_ID = /^[\x21-\x7e]{32,64}$/;
const STAGE = /^[\x21-\x2b\x2d-\x7e]{1,256}$/;
const MAX_STAGES = 20;

/** A version id (ClientRequestToken, VersionId): 32 to 64 printable characters, as AWS's. */
export function checkVersionId(id: unknown, parameter = 'ClientRequestToken'): string {
  if (typeof id !== 'string' || !VERSION_ID.test(id)) {
    throw invalidParameter(
      parameter,
      'expected 32 to 64 printable characters without spaces (a UUID, for example).',
    );
  }
  return id;
}

/** Staging labels: 1 to 20 distinct labels of 1 to 256 printable characters (no comma). */
export function checkStages(stages: unknown, parameter = 'VersionStages'): string[] {
  if (!Array.isArray(stages) || stages.length === 0 || stages.length > MAX_STAGES) {
    throw invalidParameter(parameter, `expected a list of 1 to ${MAX_STAGES} staging labels.`);
  }
  for (const stage of stages) {
    if (typeof stage !== 'string' || !STAGE.test(stage)) {
      throw invalidParameter(
        parameter,
        `'${String(stage).slice(0, 80)}' is not a staging label: use 1 to 256 printable characters, no spaces or commas.`,
      );
    }
  }
  if (new Set(stages).size !== stages.length) throw invalidParameter(parameter, 'a label is listed twice.');
  return stages as string[];
}
