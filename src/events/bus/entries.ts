/**
 * PutEvents request entries (`Source`, `DetailType`, `Detail`, `Time`, `Resources`,
 * `EventBusName`), checked one by one as EventBridge does: a bad entry fails alone, with an
 * `ErrorCode` and `ErrorMessage`, and the others go on. What fails the whole request (no entries,
 * more than 10, more than 256 KB) throws.
 */
import { GustError } from '../../core/errors.js';
import { busNameOf, DEFAULT_BUS, eventTime } from './types.js';

export const MAX_ENTRIES = 10;
export const MAX_ENTRIES_BYTES = 256 * 1024;

/** What the event of a valid entry is made from. */
export interface EntryInput {
  bus: string;
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
  resources: string[];
  /** UTC, whole seconds; absent means "when the bus received it". */
  time?: string;
}

export interface EntryError {
  ErrorCode: string;
  ErrorMessage: string;
}

/** Checks the request as a whole: 1 to 10 entries of at most 256 KB together. */
export function checkEntries(entries: unknown): unknown[] {
  if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_ENTRIES) {
    const got = Array.isArray(entries) ? `${entries.length} entries` : 'no Entries list';
    throw new GustError(
      'ERR_INVALID_PARAMETER',
      `PutEvents takes 1 to ${MAX_ENTRIES} entries in Entries, got ${got}.`,
      { details: { parameter: 'Entries' }, awsType: 'ValidationException' },
    );
  }
  const size = entries.reduce<number>((sum, entry) => sum + entrySize(entry), 0);
  if (size > MAX_ENTRIES_BYTES) {
    throw new GustError(
      'ERR_INVALID_PARAMETER',
      `The entries total ${size} bytes; PutEvents takes at most ${MAX_ENTRIES_BYTES} bytes (256 KB).`,
      { details: { parameter: 'Entries', size, limit: MAX_ENTRIES_BYTES }, awsType: 'ValidationException' },
    );
  }
  return entries;
}

/** EventBridge's entry size: Time (14 bytes), Source, DetailType, Detail and Resources, in UTF-8. */
function entrySize(entry: unknown): number {
  if (!isRecord(entry)) return 0;
  let size = entry.Time === undefined ? 0 : 14;
  for (const field of [entry.Source, entry.DetailType, entry.Detail]) {
    if (typeof field === 'string') size += Buffer.byteLength(field);
  }
  if (Array.isArray(entry.Resources)) {
    for (const r of entry.Resources) if (typeof r === 'string') size += Buffer.byteLength(r);
  }
  return size;
}

/** Reads one entry; returns what is wrong with it instead when it cannot be published. */
/** Sources only the platform may send (EventBridge reserves `aws.*` the same way). */
export function isReservedSource(source: string): boolean {
  return source.startsWith('aws.');
}

export function readEntry(entry: unknown): EntryInput | EntryError {
  if (!isRecord(entry)) return invalidArgument('Entries', 'each entry must be an object');
  const source = requiredString(entry, 'Source');
  if (typeof source !== 'string') return source;
  if (isReservedSource(source)) {
    return {
      ErrorCode: 'NotAuthorizedForSourceException',
      ErrorMessage: `Not authorized for the source ${source}: sources starting with 'aws.' are reserved for events the platform sends itself (scheduled rules).`,
    };
  }
  const detailType = requiredString(entry, 'DetailType');
  if (typeof detailType !== 'string') return detailType;
  if (entry.Detail === undefined || entry.Detail === null)
    return invalidArgument('Detail', 'Detail is a required argument.');
  const detail = parseDetail(entry.Detail);
  if (detail === undefined) {
    return {
      ErrorCode: 'MalformedDetail',
      ErrorMessage: 'Detail is malformed: it must be a JSON object, as text.',
    };
  }
  const resources = entry.Resources ?? [];
  if (!Array.isArray(resources) || resources.some((r) => typeof r !== 'string'))
    return invalidArgument('Resources', 'Resources must be a list of strings.');
  let bus = DEFAULT_BUS;
  if (entry.EventBusName !== undefined && entry.EventBusName !== null && entry.EventBusName !== '') {
    if (typeof entry.EventBusName !== 'string')
      return invalidArgument('EventBusName', 'EventBusName must be a string.');
    bus = busNameOf(entry.EventBusName);
  }
  const input: EntryInput = { bus, source, detailType, detail, resources: resources as string[] };
  if (entry.Time !== undefined && entry.Time !== null) {
    const time = readTime(entry.Time);
    if (time === undefined) {
      return invalidArgument('Time', 'Time must be a timestamp (epoch seconds, or ISO 8601 text).');
    }
    input.time = time;
  }
  return input;
}

function requiredString(entry: Record<string, unknown>, field: string): string | EntryError {
  const value = entry[field];
  if (value === undefined || value === null || value === '')
    return invalidArgument(field, `${field} is a required argument.`);
  if (typeof value !== 'string') return invalidArgument(field, `${field} must be a string.`);
  if (value.length > 256) return invalidArgument(field, `${field} is longer than 256 characters.`);
  return value;
}

/** Detail is JSON text of an object; the control API also passes the object itself. */
function parseDetail(detail: unknown): Record<string, unknown> | undefined {
  let value = detail;
  if (typeof detail === 'string') {
    try {
      value = JSON.parse(detail);
    } catch {
      return undefined;
    }
  }
  return isRecord(value) ? value : undefined;
}

/** The SDKs send epoch seconds (awsJson timestamps); curl users send ISO 8601 text. */
function readTime(value: unknown): string | undefined {
  let ms: number;
  if (typeof value === 'number') ms = value * 1000;
  else if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value)) ms = Number(value) * 1000;
  else if (typeof value === 'string') ms = Date.parse(value);
  else return undefined;
  if (!Number.isFinite(ms)) return undefined;
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return undefined;
  return eventTime(ms);
}

function invalidArgument(field: string, reason: string): EntryError {
  return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter ${field} is not valid. Reason: ${reason}` };
}

export function isEntryError(value: EntryInput | EntryError): value is EntryError {
  return 'ErrorCode' in value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
