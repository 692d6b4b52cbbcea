import { invalidParameter } from './secret-errors.js';
import {
  epochSeconds,
  optionalBoolean,
  optionalInteger,
  optionalString,
  type SecretsInput,
} from './secrets-input.js';
import type { SecretsService, SecretView } from './secrets-service.js';

/** A secret as ListSecrets lists it (DescribeSecret renames SecretVersionsToStages). Never a value. */
export function secretEntry(s: SecretView): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    ARN: s.arn,
    Name: s.name,
    RotationEnabled: false,
    LastChangedDate: epochSeconds(s.updatedAt),
    CreatedDate: epochSeconds(s.createdAt),
    SecretVersionsToStages: Object.fromEntries(s.versions.map((v) => [v.versionId, v.stages])),
  };
  if (s.description !== '') entry.Description = s.description;
  if (s.lastRotatedAt !== null) entry.LastRotatedDate = epochSeconds(s.lastRotatedAt);
  if (s.deletedAt !== null) entry.DeletedDate = epochSeconds(s.deletedAt);
  return entry;
}

/**
 * ListSecrets: `MaxResults` (1-100, default 100) with `NextToken`, `IncludePlannedDeletion`,
 * `SortOrder` (by name, asc by default) and `Filters` on `name` (prefixes; `!prefix` excludes).
 */
export async function listSecrets(
  secrets: SecretsService,
  input: SecretsInput,
): Promise<Record<string, unknown>> {
  const max = optionalInteger(input, 'MaxResults') ?? 100;
  if (max < 1 || max > 100) throw invalidParameter('MaxResults', 'expected 1 to 100.');
  const includeDeleted = optionalBoolean(input, 'IncludePlannedDeletion') ?? false;
  const order = optionalString(input, 'SortOrder') ?? 'asc';
  if (order !== 'asc' && order !== 'desc') throw invalidParameter('SortOrder', "expected 'asc' or 'desc'.");
  const matches = nameFilter(input.Filters);
  let list = (await secrets.list({ includeDeleted })).filter((s) => matches(s.name));
  if (order === 'desc') list = list.reverse();
  const start = offsetOf(optionalString(input, 'NextToken'));
  const page = list.slice(start, start + max);
  const out: Record<string, unknown> = { SecretList: page.map(secretEntry) };
  if (start + max < list.length) out.NextToken = Buffer.from(String(start + max)).toString('base64url');
  return out;
}

function offsetOf(token: string | undefined): number {
  if (token === undefined) return 0;
  const n = Number(Buffer.from(token, 'base64url').toString('utf8'));
  if (!Number.isInteger(n) || n < 0)
    throw invalidParameter('NextToken', 'this is not a token ListSecrets gave.');
  return n;
}

function nameFilter(filters: unknown): (name: string) => boolean {
  if (filters === undefined || filters === null) return () => true;
  if (!Array.isArray(filters)) throw invalidParameter('Filters', 'expected a list of {Key, Values}.');
  const tests: ((name: string) => boolean)[] = [];
  for (const f of filters as { Key?: unknown; Values?: unknown }[]) {
    if (f?.Key !== 'name') {
      throw invalidParameter('Filters', `Gust filters secrets by 'name' only, not '${String(f?.Key)}'.`);
    }
    const values = Array.isArray(f.Values)
      ? (f.Values as unknown[]).filter((v) => typeof v === 'string')
      : [];
    if (values.length === 0)
      throw invalidParameter('Filters', 'expected at least one value for the name filter.');
    const include = values.filter((v) => !v.startsWith('!'));
    const exclude = values.filter((v) => v.startsWith('!')).map((v) => v.slice(1));
    tests.push(
      (name) =>
        (include.length === 0 || include.some((p) => name.startsWith(p))) &&
        !exclude.some((p) => name.startsWith(p)),
    );
  }
  return (name) => tests.every((t) => t(name));
}
