/**
 * Storage of the secrets capability (src/secrets/). Values arrive here already encrypted (an
 * envelope bound to `secret:<name>`, src/auth/secrets/envelope.ts): the store never sees a
 * plaintext and cannot decrypt what it holds.
 */

/** The staging label of the version reads get by default. */
export const AWSCURRENT = 'AWSCURRENT';
/** The label the version that was AWSCURRENT gets when AWSCURRENT moves to another version. */
export const AWSPREVIOUS = 'AWSPREVIOUS';
/** The label of a version a rotation made but has not finished yet. */
export const AWSPENDING = 'AWSPENDING';

/** Versions without any staging label that are kept per secret (the oldest beyond it are removed). */
export const MAX_UNLABELED_VERSIONS = 100;

export interface SecretRecord {
  name: string;
  /** The 6 random characters ending the secret's ARN (a name created again gets new ones). */
  arnSuffix: string;
  description: string;
  createdAt: number;
  /** When the value or the description last changed (AWS's LastChangedDate). */
  updatedAt: number;
  lastRotatedAt?: number;
  /** When DeleteSecret scheduled the deletion; absent for a live secret. */
  deletedAt?: number;
  /** When a scheduled deletion becomes final (the secret is purged). */
  deletionDate?: number;
}

export type SecretValueKind = 'string' | 'binary';

export interface SecretVersionRecord {
  /** A UUID, as AWS's VersionId (the ClientRequestToken that created it). */
  versionId: string;
  /** Whether the value was a SecretString or a SecretBinary. */
  kind: SecretValueKind;
  /** The value encrypted under the master key with context `secret:<name>`. */
  valueEncrypted: string;
  createdAt: number;
  /** Its staging labels, sorted; empty for a deprecated version. */
  stages: string[];
}

export type SecretVersionSelector = { versionId: string } | { stage: string };

export interface SecretRepository {
  /**
   * Creates a secret, with its first version when given (whose `stages` are usually
   * [AWSCURRENT]). Throws ERR_CONFLICT when a secret of that name exists, scheduled for deletion
   * or not.
   */
  create(secret: SecretRecord, first?: SecretVersionRecord): Promise<void>;
  /** A secret by name, also while its deletion is scheduled. */
  get(name: string): Promise<SecretRecord | undefined>;
  /** Every secret, ordered by name, including those scheduled for deletion. */
  list(): Promise<SecretRecord[]>;
  /** Changes the description and/or the times given; false when there is no such secret. */
  update(
    name: string,
    change: { description?: string; updatedAt?: number; lastRotatedAt?: number },
  ): Promise<boolean>;
  /**
   * Adds a version and attaches its `stages`, in one transaction: each label moves from the version
   * that had it; when AWSCURRENT moves, the version that had it becomes AWSPREVIOUS (which leaves
   * the version that had AWSPREVIOUS, unless it holds other labels, deprecated). Sets the
   * secret's `updatedAt` to the version's `createdAt`, and removes the oldest unlabeled versions
   * beyond MAX_UNLABELED_VERSIONS. Throws ERR_SECRET_NOT_FOUND without the secret, ERR_CONFLICT
   * when the version id exists.
   */
  putVersion(name: string, version: SecretVersionRecord): Promise<void>;
  /**
   * Moves `stage` to version `toVersionId` (or, when null, takes it off whichever version has
   * it), with the same AWSCURRENT → AWSPREVIOUS rule as putVersion, in one transaction. Returns
   * false when the secret or the target version does not exist.
   */
  moveStage(name: string, stage: string, toVersionId: string | null, at: number): Promise<boolean>;
  /** One version by id or by staging label. */
  getVersion(name: string, by: SecretVersionSelector): Promise<SecretVersionRecord | undefined>;
  /** Every version of a secret, newest first. */
  listVersions(name: string): Promise<SecretVersionRecord[]>;
  /** Marks a secret deleted from `deletedAt` until it is purged at `deletionDate`. */
  scheduleDeletion(name: string, deletedAt: number, deletionDate: number): Promise<boolean>;
  /** Cancels a scheduled deletion (RestoreSecret); false when there is no such secret. */
  cancelDeletion(name: string): Promise<boolean>;
  /** Removes a secret and all its versions at once; false when there was none. */
  delete(name: string): Promise<boolean>;
  /** Removes every secret whose deletion date is at or before `now`; returns their names. */
  purgeDue(now: number): Promise<string[]>;
}
