import { GustError } from '../../core/errors.js';
import { malformedAuthorization } from './auth-errors.js';

/**
 * Strict parsing of the parts of an AWS Signature Version 4 request: the Authorization header,
 * the presigned-URL query parameters, credential scopes and timestamps. Every malformation becomes
 * ERR_MALFORMED_AUTHORIZATION (400, IncompleteSignatureException) with a message that names the part
 * and what was expected. Nothing here touches a secret.
 */

export const ALGORITHM = 'AWS4-HMAC-SHA256';
const SCOPE_TERMINATOR = 'aws4_request';
/** AWS's limit on X-Amz-Expires: 7 days. */
export const MAX_PRESIGNED_EXPIRES_SECONDS = 7 * 24 * 60 * 60;

/** `AKID/YYYYMMDD/region/service/aws4_request`, split. */
export interface CredentialScope {
  accessKeyId: string;
  /** YYYYMMDD */
  date: string;
  region: string;
  service: string;
}

/** What a SigV4 request claims, whichever form (header or query) carried it. */
export interface SigV4Claim {
  form: 'header' | 'query';
  credential: CredentialScope;
  /** Lowercase, sorted, unique; always includes host. */
  signedHeaders: string[];
  /** 64 lowercase hex digits. */
  signature: string;
  /** Presigned URLs only: X-Amz-Expires in seconds. */
  expiresSeconds?: number;
}

const ACCESS_KEY_ID = /^\w{1,128}$/;
const REGION = /^[A-Za-z0-9_-]{1,64}$/;
const SERVICE = /^[a-z0-9_-]{1,64}$/;
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;
const SIGNATURE = /^[0-9a-f]{64}$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const HTTP_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** Milliseconds since the epoch for an ISO 8601 basic timestamp (`20240102T030405Z`), if valid. */
export function parseAmzDate(value: string): number | undefined {
  const m = AMZ_DATE.exec(value);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  // Date.UTC rolls 20240231 over into March; a real timestamp formats back to itself.
  return formatAmzDate(ms) === value ? ms : undefined;
}

/** `20240102T030405Z` for a time in milliseconds (sub-second part dropped). */
export function formatAmzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** Milliseconds for an HTTP `Date` header in IMF-fixdate form (`Tue, 02 Jan 2024 03:04:05 GMT`). */
export function parseHttpDate(value: string): number | undefined {
  if (!HTTP_DATE.test(value)) return undefined;
  const ms = Date.parse(value);
  // The day and time must be real (no 31 Feb); the weekday is redundant and not checked, since
  // even AWS's own 2011 test suite dates "Mon, 09 Sep 2011", a Friday.
  return Number.isNaN(ms) || new Date(ms).toUTCString().slice(5) !== value.slice(5) ? undefined : ms;
}

/** Parses `AKID/YYYYMMDD/region/service/aws4_request`; `where` names its source in messages. */
export function parseCredential(value: string, where: string): CredentialScope {
  const parts = value.split('/');
  if (parts.length !== 5 || parts.some((part) => part === '')) {
    throw malformedAuthorization(
      `${where} must be ACCESS_KEY_ID/YYYYMMDD/REGION/SERVICE/aws4_request, with 5 non-empty parts separated by '/'; got ${parts.length} part(s).`,
    );
  }
  const [accessKeyId = '', date = '', region = '', service = '', terminator = ''] = parts;
  if (!ACCESS_KEY_ID.test(accessKeyId)) {
    throw malformedAuthorization(`The access key id in ${where} must be 1 to 128 letters, digits or '_'.`);
  }
  if (!/^\d{8}$/.test(date) || parseAmzDate(`${date}T000000Z`) === undefined) {
    throw malformedAuthorization(`The date in ${where} must be a real day as YYYYMMDD, not '${date}'.`);
  }
  if (!REGION.test(region)) {
    throw malformedAuthorization(
      `The region in ${where} must be letters, digits, '-' or '_', not '${region}'.`,
    );
  }
  if (!SERVICE.test(service)) {
    throw malformedAuthorization(
      `The service in ${where} must be a lowercase signing name such as 'lambda' or 'sqs', not '${service}'.`,
    );
  }
  if (terminator !== SCOPE_TERMINATOR) {
    throw malformedAuthorization(`${where} must end with '/${SCOPE_TERMINATOR}', not '/${terminator}'.`);
  }
  return { accessKeyId, date, region, service };
}

/** Parses `host;x-amz-date;...`: lowercase, sorted, unique, and including host. */
export function parseSignedHeaders(value: string, where: string): string[] {
  const names = value.split(';');
  for (const name of names) {
    if (!HEADER_NAME.test(name)) {
      throw malformedAuthorization(
        `${where} must be lowercase header names separated by ';', but has '${name}'.`,
      );
    }
    if (name === 'authorization') {
      throw malformedAuthorization(`${where} cannot include authorization: a signature cannot sign itself.`);
    }
  }
  for (let i = 1; i < names.length; i++) {
    if ((names[i - 1] as string) >= (names[i] as string)) {
      throw malformedAuthorization(
        `${where} must list each header once, sorted: '${names[i - 1]}' comes before '${names[i]}'.`,
      );
    }
  }
  if (!names.includes('host')) {
    throw malformedAuthorization(
      `${where} must include host, so the request cannot be sent to another server.`,
    );
  }
  return names;
}

function parseSignature(value: string, where: string): string {
  if (!SIGNATURE.test(value)) {
    throw malformedAuthorization(`${where} must be 64 lowercase hexadecimal digits.`);
  }
  return value;
}

const HEADER_PARTS = ['Credential', 'SignedHeaders', 'Signature'] as const;

/**
 * Parses `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...` (the spaces after the
 * commas are optional, as some clients leave them out).
 */
export function parseAuthorizationHeader(value: string): SigV4Claim {
  const space = value.indexOf(' ');
  const algorithm = space === -1 ? value : value.slice(0, space);
  if (algorithm !== ALGORITHM) {
    const hint = algorithm === 'AWS4-ECDSA-P256-SHA256' ? ' (SigV4a is not supported)' : '';
    throw malformedAuthorization(
      `The Authorization header's algorithm must be ${ALGORITHM}, not '${algorithm}'${hint}.`,
    );
  }
  const parts = new Map<string, string>();
  const rest = space === -1 ? '' : value.slice(space + 1);
  for (const raw of rest.trim() === '' ? [] : rest.split(',')) {
    const part = raw.trim();
    const eq = part.indexOf('=');
    const name = eq === -1 ? part : part.slice(0, eq);
    if (!(HEADER_PARTS as readonly string[]).includes(name)) {
      throw malformedAuthorization(
        `The Authorization header has an unexpected part '${name.slice(0, 40)}': it takes Credential=, SignedHeaders= and Signature=, separated by commas.`,
      );
    }
    if (parts.has(name)) throw malformedAuthorization(`The Authorization header has ${name}= twice.`);
    if (eq === -1 || eq === part.length - 1) {
      throw malformedAuthorization(`The Authorization header's ${name} has no value.`);
    }
    parts.set(name, part.slice(eq + 1));
  }
  const missing = HEADER_PARTS.filter((name) => !parts.has(name));
  if (missing.length > 0) {
    throw malformedAuthorization(
      `The Authorization header is missing ${missing.map((n) => `${n}=`).join(', ')}.`,
      { missing },
    );
  }
  return {
    form: 'header',
    credential: parseCredential(parts.get('Credential') ?? '', 'The Authorization header Credential'),
    signedHeaders: parseSignedHeaders(
      parts.get('SignedHeaders') ?? '',
      'The Authorization header SignedHeaders',
    ),
    signature: parseSignature(parts.get('Signature') ?? '', 'The Authorization header Signature'),
  };
}

/** The query parameters a presigned URL carries, besides X-Amz-Security-Token. */
export const PRESIGN_PARAMS = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
] as const;

/** True when the query looks like a presigned URL (it has any SigV4 parameter). */
export function hasPresignParams(query: QueryBag): boolean {
  return PRESIGN_PARAMS.some((name) => query[name] !== undefined);
}

/** The single value of a query parameter; throws when it is repeated. */
export function singleParam(query: QueryBag, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value))
    throw malformedAuthorization(`The query parameter ${name} appears more than once.`);
  return value;
}

/** Parses the SigV4 parameters of a presigned URL (X-Amz-Date is checked by the caller). */
export function parsePresignedQuery(query: QueryBag): SigV4Claim {
  const values = new Map<string, string>();
  for (const name of PRESIGN_PARAMS) {
    const value = singleParam(query, name);
    if (value !== undefined && value !== '') values.set(name, value);
  }
  const missing = PRESIGN_PARAMS.filter((name) => !values.has(name));
  if (missing.length > 0) {
    throw malformedAuthorization(`The presigned URL is missing ${missing.join(', ')}.`, { missing });
  }
  const algorithm = values.get('X-Amz-Algorithm');
  if (algorithm !== ALGORITHM) {
    throw malformedAuthorization(`X-Amz-Algorithm must be ${ALGORITHM}, not '${algorithm}'.`);
  }
  const expires = values.get('X-Amz-Expires') ?? '';
  const expiresSeconds = Number(expires);
  if (!/^\d{1,7}$/.test(expires) || expiresSeconds < 1 || expiresSeconds > MAX_PRESIGNED_EXPIRES_SECONDS) {
    throw malformedAuthorization(
      `X-Amz-Expires must be a whole number of seconds from 1 to ${MAX_PRESIGNED_EXPIRES_SECONDS} (7 days), not '${expires}'.`,
    );
  }
  return {
    form: 'query',
    credential: parseCredential(values.get('X-Amz-Credential') ?? '', 'X-Amz-Credential'),
    signedHeaders: parseSignedHeaders(values.get('X-Amz-SignedHeaders') ?? '', 'X-Amz-SignedHeaders'),
    signature: parseSignature(values.get('X-Amz-Signature') ?? '', 'X-Amz-Signature'),
    expiresSeconds,
  };
}

/** Decoded query parameters; a repeated name has an array of values. Null prototype. */
export type QueryBag = Record<string, string | string[]>;

/**
 * Splits a raw query string (without '?') into decoded names and values as the SigV4 signer sees
 * them: a name without '=' has the value '', and '+' stays a plus (SigV4 does not treat it as a space).
 */
export function parseQueryString(raw: string): QueryBag {
  const bag: QueryBag = Object.create(null);
  if (raw === '') return bag;
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    let name: string;
    let value: string;
    try {
      name = decodeURIComponent(eq === -1 ? pair : pair.slice(0, eq));
      value = eq === -1 ? '' : decodeURIComponent(pair.slice(eq + 1));
    } catch (cause) {
      throw new GustError(
        'ERR_BAD_REQUEST',
        `The query string has broken percent-encoding in '${pair.slice(0, 60)}'.`,
        { cause },
      );
    }
    const previous = bag[name];
    if (previous === undefined) bag[name] = value;
    else if (Array.isArray(previous)) previous.push(value);
    else bag[name] = [previous, value];
  }
  return bag;
}
