/**
 * Checks for the CloudEvents type system (spec "Type System"): each returns a short description of
 * what is wrong, or undefined when the value is fine, so callers can say where the value came from.
 */

/** Characters RFC 3986 allows in a URI (unreserved, reserved) plus percent-encoded octets. */
const URI_CHARACTERS = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** RFC 3986 section 4.1 URI-reference: an absolute URI or a relative reference. */
export function uriReferenceProblem(value: string): string | undefined {
  if (value === '') return 'must be a non-empty URI-reference';
  if (!URI_CHARACTERS.test(value)) {
    return 'must be a URI-reference (RFC 3986): spaces, non-ASCII characters and a lone % must be percent-encoded';
  }
  if (value.indexOf('#') !== value.lastIndexOf('#')) return 'must be a URI-reference with at most one #';
  if (!SCHEME.test(value)) {
    // A relative reference's first path segment cannot hold ':' (it would read as a scheme).
    const firstSegment = value.split(/[/?#]/, 1)[0] ?? '';
    if (firstSegment.includes(':')) {
      return 'must be a URI-reference: a relative reference cannot have ":" before the first "/"';
    }
  }
  return undefined;
}

/** The URI type: an absolute URI, so it needs a scheme (`https:`, `urn:`). */
export function absoluteUriProblem(value: string): string | undefined {
  const problem = uriReferenceProblem(value);
  if (problem !== undefined) return problem.replace('URI-reference', 'absolute URI');
  // RFC 3986 section 4.3 also forbids a fragment; schema URIs with "#/definitions/x" are common
  // enough that Gust accepts them rather than reject an otherwise usable event.
  if (!SCHEME.test(value)) return 'must be an absolute URI with a scheme, such as https://example.com/schema';
  return undefined;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

/** RFC 3339 `date-time`, with calendar checks (no 31 April, no hour 24; second 60 is a leap second). */
export function timestampProblem(value: string): string | undefined {
  const expected = 'must be an RFC 3339 timestamp such as 2018-04-05T17:31:00Z';
  const match = RFC3339.exec(value);
  if (match === null) return expected;
  const [year, month, day, hour, minute, second, offsetHour, offsetMinute] = match
    .slice(1)
    .map((part) => (part === undefined ? 0 : Number(part)));
  const daysInMonth = new Date(Date.UTC(year ?? 0, month ?? 0, 0)).getUTCDate();
  const inRange =
    month !== undefined &&
    month >= 1 &&
    month <= 12 &&
    day !== undefined &&
    day >= 1 &&
    day <= daysInMonth &&
    (hour ?? 0) <= 23 &&
    (minute ?? 0) <= 59 &&
    (second ?? 0) <= 60 &&
    (offsetHour ?? 0) <= 23 &&
    (offsetMinute ?? 0) <= 59;
  return inRange ? undefined : `${expected} (a date or time field is out of range)`;
}

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const MEDIA_TYPE = new RegExp(
  `^${TOKEN}/${TOKEN}(?:[ \\t]*;[ \\t]*${TOKEN}=(?:${TOKEN}|"(?:[^"\\\\]|\\\\.)*"))*[ \\t]*$`,
);

/** RFC 2046 media type: `type/subtype` with optional `; name=value` parameters. */
export function mediaTypeProblem(value: string): string | undefined {
  return MEDIA_TYPE.test(value) ? undefined : 'must be a media type such as application/json';
}

/**
 * The String type forbids control characters (U+0000-U+001F, U+007F-U+009F), Unicode
 * noncharacters and unpaired surrogates.
 */
export function stringProblem(value: string): string | undefined {
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit <= 0x1f || (unit >= 0x7f && unit <= 0x9f)) {
      return `must not contain control characters (found U+${hex(unit)} at position ${i})`;
    }
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff))
        return `must not contain an unpaired surrogate (position ${i})`;
      const codePoint = value.codePointAt(i) ?? 0;
      if ((codePoint & 0xfffe) === 0xfffe) return `must not contain the noncharacter U+${hex(codePoint)}`;
      i++;
      continue;
    }
    if (unit >= 0xdc00 && unit <= 0xdfff) return `must not contain an unpaired surrogate (position ${i})`;
    if ((unit >= 0xfdd0 && unit <= 0xfdef) || unit === 0xfffe || unit === 0xffff) {
      return `must not contain the noncharacter U+${hex(unit)}`;
    }
  }
  return undefined;
}

function hex(value: number): string {
  return value.toString(16).toUpperCase().padStart(4, '0');
}

/** The Integer type: a whole number in the signed 32-bit range. */
export function isInteger32(value: number): boolean {
  return Number.isInteger(value) && value >= -2147483648 && value <= 2147483647;
}

/** Attribute names: lower-case ASCII letters and digits. Length over 20 is only a SHOULD NOT. */
export const ATTRIBUTE_NAME = /^[a-z0-9]+$/;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** RFC 4648 base64 (standard alphabet, padded); ASCII whitespace such as MIME line breaks is ignored. */
export function base64Problem(value: string): string | undefined {
  return BASE64.test(value.replace(/[ \t\r\n]/g, '')) ? undefined : 'must be base64 (RFC 4648, padded)';
}
