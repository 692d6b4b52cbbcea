/**
 * The CloudEvent value Gust passes around after decoding one from HTTP, and before encoding one for
 * delivery. Attributes keep the CloudEvents names; extension attributes sit in their own map so that
 * a typo in a core attribute cannot silently become an extension.
 *
 * `data` depends on how the event arrived and on `datacontenttype`:
 * - a JSON value (object, array, string, number, boolean or `null`) when the content type is JSON
 *   (subtype `json` or ending in `+json`), or, in the JSON event format, when there is no `datacontenttype`;
 * - a `string` for non-JSON content carried as text: a structured-mode `data` member (for example
 *   `"datacontenttype": "application/xml", "data": "<a/>"`), or a binary-mode body whose content type
 *   is text (see `isTextContentType`) and whose bytes are valid UTF-8;
 * - a `Buffer` for bytes: any other binary-mode body, or a `data_base64` member.
 * No `data` property at all means the event has no data (an empty binary-mode body).
 */
import { GustError } from '../../core/errors.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export type CloudEventData = JsonValue | Buffer;

/** CloudEvents type system as JSON sees it: String, URI, Timestamp, Binary (base64) are strings. */
export type ExtensionValue = string | number | boolean;

/** 1.0 is the version Gust speaks; 0.3 is read (and written back) for older producers. */
export type SpecVersion = '1.0' | '0.3';

export const SPEC_VERSIONS: readonly SpecVersion[] = ['1.0', '0.3'];

export interface CloudEvent {
  specversion: SpecVersion;
  /** Non-empty; `source` + `id` identify the event. */
  id: string;
  /** Non-empty URI-reference (RFC 3986 section 4.1). */
  source: string;
  /** Non-empty; reverse-DNS prefixed by convention (`com.example.order.created`). */
  type: string;
  /** RFC 2046 media type of `data`. */
  datacontenttype?: string;
  /** 1.0 only: absolute URI of the schema `data` adheres to. */
  dataschema?: string;
  /** 0.3 only: the predecessor of `dataschema`, a URI-reference. */
  schemaurl?: string;
  subject?: string;
  /** RFC 3339 timestamp, kept exactly as received. */
  time?: string;
  /** Extension attributes: names are lower-case letters and digits. Binary mode yields strings only. */
  extensions: Record<string, ExtensionValue>;
  data?: CloudEventData;
}

/** The media type of the JSON event format (structured mode). */
export const STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json';
/** The media type of the JSON batch format (batched mode). */
export const BATCH_CONTENT_TYPE = 'application/cloudevents-batch+json';

/** `Application/JSON; charset=utf-8` → `application/json`. */
export function mediaTypeOf(contentType: string): string {
  const semicolon = contentType.indexOf(';');
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

/** True when the media type's subtype is `json` or ends in `+json` (JSON event format, section 3.1). */
export function isJsonContentType(contentType: string): boolean {
  return /^[^/]+\/(?:[^/]*\+)?json$/.test(mediaTypeOf(contentType));
}

/**
 * Content Gust hands over as a string in binary mode: `text/*`, XML (`x/xml`, `x/y+xml`) or any type
 * whose `charset` is UTF-8 or US-ASCII. Another charset (such as ISO-8859-1) keeps the bytes.
 */
export function isTextContentType(contentType: string): boolean {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1]?.toLowerCase();
  if (charset !== undefined) return charset === 'utf-8' || charset === 'utf8' || charset === 'us-ascii';
  const mediaType = mediaTypeOf(contentType);
  return mediaType.startsWith('text/') || /^[^/]+\/(?:[^/]*\+)?xml$/.test(mediaType);
}

/** Where a value came from, for messages: `header ce-id`, `attribute "id"`, `batch event [2] "id"`. */
export type Locate = (attribute: string) => string;

/** The one way this module fails: a 400 naming where the problem is and what was expected. */
export function invalidCloudEvent(location: string, problem: string, cause?: unknown): GustError {
  return new GustError('ERR_INVALID_CLOUDEVENT', `Invalid CloudEvent: ${location} ${problem}`, {
    details: { location },
    ...(cause === undefined ? {} : { cause }),
  });
}
