/**
 * The JSON event format (structured mode, `application/cloudevents+json`) and the JSON batch format
 * (batched mode, `application/cloudevents-batch+json`): attributes and extensions are top-level
 * members, data is `data` (a JSON value, or a string for non-JSON content) or `data_base64` (bytes).
 */
import { attributesOf, readAttributes } from './attributes.js';
import type { HttpMessage } from './binary-mode.js';
import {
  BATCH_CONTENT_TYPE,
  type CloudEvent,
  type CloudEventData,
  invalidCloudEvent,
  isJsonContentType,
  type JsonValue,
  type Locate,
  STRUCTURED_CONTENT_TYPE,
} from './cloud-event.js';
import { base64Problem } from './value-rules.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseJsonBody(body: Buffer, format: string): unknown {
  try {
    return JSON.parse(utf8.decode(body));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw invalidCloudEvent('body', `is not valid UTF-8 JSON, as ${format} requires: ${reason}`, error);
  }
}

/** Decodes a structured-mode body: one JSON object. */
export function parseStructuredBody(body: Buffer): CloudEvent {
  return fromJsonEvent(parseJsonBody(body, STRUCTURED_CONTENT_TYPE));
}

/** Decodes a batched-mode body: a JSON array of events, possibly empty, all of one specversion. */
export function parseBatchBody(body: Buffer): CloudEvent[] {
  const parsed = parseJsonBody(body, BATCH_CONTENT_TYPE);
  if (!Array.isArray(parsed)) {
    throw invalidCloudEvent('body', `must be a JSON array of events for ${BATCH_CONTENT_TYPE}`);
  }
  const events = parsed.map((item: unknown, index) => fromJsonEvent(item, `batch event [${index}]`));
  const first = events[0];
  const mixed = events.findIndex((event) => event.specversion !== first?.specversion);
  if (first !== undefined && mixed !== -1) {
    throw invalidCloudEvent(
      `batch event [${mixed}] attribute "specversion"`,
      `is "${events[mixed]?.specversion}" but event [0] has "${first.specversion}"; a batch must use one specversion`,
    );
  }
  return events;
}

/** One event in the JSON format. `container` names it inside a batch (`batch event [2]`). */
export function fromJsonEvent(value: unknown, container?: string): CloudEvent {
  const locate: Locate = (name) =>
    container === undefined ? `attribute "${name}"` : `${container} attribute "${name}"`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidCloudEvent(container ?? 'body', 'must be a JSON object holding the event attributes');
  }
  const members = new Map(Object.entries(value));
  const data = members.get('data');
  const base64 = members.get('data_base64');
  const hasData = members.has('data');
  members.delete('data');
  members.delete('data_base64');
  const { event, datacontentencoding } = readAttributes(members, locate);
  if (hasData && base64 !== undefined && base64 !== null) {
    throw invalidCloudEvent(locate('data_base64'), 'cannot appear together with "data"; send one of them');
  }
  if (base64 !== undefined && base64 !== null) {
    event.data = decodeBase64(base64, locate('data_base64'));
  } else if (hasData) {
    event.data = readData(data, event.datacontenttype, datacontentencoding, locate('data'));
  }
  return event;
}

function readData(
  data: unknown,
  contentType: string | undefined,
  encoding: string | undefined,
  where: string,
): CloudEventData {
  if (encoding === 'base64') return decodeBase64(data, `${where} (datacontentencoding is base64)`);
  // JSON.parse produced it, so it is a JSON value; a string stays a string (never parsed again).
  if (contentType === undefined || isJsonContentType(contentType)) return data as JsonValue;
  if (typeof data !== 'string') {
    throw invalidCloudEvent(
      where,
      `must be a string because datacontenttype (${contentType}) is not JSON; send bytes as data_base64`,
    );
  }
  return data;
}

function decodeBase64(value: unknown, where: string): Buffer {
  if (typeof value !== 'string') throw invalidCloudEvent(where, 'must be a base64 string');
  const problem = base64Problem(value);
  if (problem !== undefined) throw invalidCloudEvent(where, problem);
  return Buffer.from(value, 'base64');
}

/**
 * A CloudEvent as a JSON-format object. Bytes become `data_base64` in 1.0 and, in 0.3, `data` with
 * `datacontentencoding: "base64"`; a string with a non-JSON content type stays a string.
 */
export function toJsonEvent(event: CloudEvent): Record<string, JsonValue> {
  const json: Record<string, JsonValue> = Object.fromEntries(attributesOf(event));
  const { data, datacontenttype } = event;
  if (data === undefined) return json;
  if (Buffer.isBuffer(data)) {
    if (event.specversion === '0.3') {
      json.datacontentencoding = 'base64';
      json.data = data.toString('base64');
    } else {
      json.data_base64 = data.toString('base64');
    }
    return json;
  }
  if (datacontenttype !== undefined && !isJsonContentType(datacontenttype) && typeof data !== 'string') {
    throw invalidCloudEvent(
      'data',
      `must be a string or a Buffer when datacontenttype (${datacontenttype}) is not JSON`,
    );
  }
  json.data = data;
  return json;
}

/** Encodes one CloudEvent in structured mode. */
export function toHttpStructured(event: CloudEvent): HttpMessage {
  return {
    headers: { 'content-type': `${STRUCTURED_CONTENT_TYPE}; charset=utf-8` },
    body: Buffer.from(JSON.stringify(toJsonEvent(event)), 'utf8'),
  };
}

/** Encodes CloudEvents in batched mode (all of one specversion, as the binding requires). */
export function toHttpBatch(events: readonly CloudEvent[]): HttpMessage {
  const mixed = events.findIndex((event) => event.specversion !== events[0]?.specversion);
  if (mixed !== -1) {
    throw invalidCloudEvent(`batch event [${mixed}] attribute "specversion"`, 'differs from event [0]');
  }
  return {
    headers: { 'content-type': `${BATCH_CONTENT_TYPE}; charset=utf-8` },
    body: Buffer.from(JSON.stringify(events.map(toJsonEvent)), 'utf8'),
  };
}
