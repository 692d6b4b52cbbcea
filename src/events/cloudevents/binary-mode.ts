/**
 * Binary content mode (HTTP protocol binding 3.1): every attribute is a `ce-` header, except
 * `datacontenttype`, which is the `Content-Type` header; the body is the data, byte for byte.
 */
import { attributesOf, readAttributes } from './attributes.js';
import {
  type CloudEvent,
  type CloudEventData,
  invalidCloudEvent,
  isJsonContentType,
  isTextContentType,
  type JsonValue,
} from './cloud-event.js';
import { decodeHeaderValue, encodeHeaderValue } from './header-encoding.js';
import { base64Problem } from './value-rules.js';

/** Request headers as node:http gives them: lower-case names, repeated headers as arrays. */
export type IncomingHeaders = Record<string, string | string[] | undefined>;

/** An HTTP message ready to send: lower-case header names and the body bytes. */
export interface HttpMessage {
  headers: Record<string, string>;
  body: Buffer;
}

/** Decodes a binary-mode request. The caller has checked it is not structured or batched. */
export function parseBinaryMode(headers: IncomingHeaders, body: Buffer): CloudEvent {
  const raw = new Map<string, unknown>();
  for (const [rawName, value] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    if (!name.startsWith('ce-') || value === undefined) continue;
    const attribute = name.slice(3);
    if (attribute === 'datacontenttype') {
      throw invalidCloudEvent(
        `header ${name}`,
        'must not be sent in binary mode: the Content-Type header carries datacontenttype',
      );
    }
    raw.set(attribute, decodeHeaderValue(single(value, name), name));
  }
  const contentType = headers['content-type'];
  if (contentType !== undefined) {
    const trimmed = single(contentType, 'content-type').trim();
    if (trimmed !== '') raw.set('datacontenttype', trimmed);
  }
  if (!raw.has('specversion')) {
    throw invalidCloudEvent(
      'header ce-specversion',
      'is missing: send CloudEvents in binary mode (ce-specversion, ce-id, ce-source, ce-type headers), ' +
        'structured mode (Content-Type: application/cloudevents+json) or batched mode ' +
        '(Content-Type: application/cloudevents-batch+json)',
    );
  }
  const { event, datacontentencoding } = readAttributes(raw, (attribute) =>
    attribute === 'datacontenttype' ? 'header content-type' : `header ce-${attribute}`,
  );
  if (body.length > 0) event.data = readBody(body, event.datacontenttype, datacontentencoding);
  return event;
}

function single(value: string | string[], name: string): string {
  if (typeof value === 'string') return value;
  if (value.length === 1 && value[0] !== undefined) return value[0];
  throw invalidCloudEvent(`header ${name}`, `appears ${value.length} times; send each attribute once`);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function readBody(
  body: Buffer,
  contentType: string | undefined,
  encoding: string | undefined,
): CloudEventData {
  if (encoding === 'base64') {
    const text = body.toString('latin1');
    const problem = base64Problem(text);
    if (problem !== undefined)
      throw invalidCloudEvent('body', `${problem}, as header ce-datacontentencoding says`);
    return Buffer.from(text, 'base64');
  }
  if (contentType === undefined) return body;
  if (!isJsonContentType(contentType)) {
    if (!isTextContentType(contentType)) return body;
    try {
      return utf8.decode(body);
    } catch {
      return body; // declared as text but not UTF-8: hand over the bytes rather than refuse the event
    }
  }
  try {
    const parsed: JsonValue = JSON.parse(utf8.decode(body));
    return parsed;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw invalidCloudEvent(
      'body',
      `is not valid UTF-8 JSON although Content-Type is ${contentType}: ${reason}`,
      error,
    );
  }
}

/**
 * Encodes a CloudEvent in binary mode. JSON data is serialised; a `string` is sent as UTF-8; a
 * `Buffer` as is. With JSON data and no `datacontenttype`, Content-Type is `application/json`, the
 * type the JSON format implies (JSON event format 3.1.2).
 */
export function toHttpBinary(event: CloudEvent): HttpMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of attributesOf(event)) {
    if (name === 'datacontenttype') continue;
    headers[`ce-${name}`] = encodeHeaderValue(String(value));
  }
  const { data, datacontenttype } = event;
  if (datacontenttype !== undefined) headers['content-type'] = datacontenttype;
  if (data === undefined) return { headers, body: Buffer.alloc(0) };
  if (Buffer.isBuffer(data)) return { headers, body: data };
  const json = datacontenttype === undefined || isJsonContentType(datacontenttype);
  if (json) {
    headers['content-type'] ??= 'application/json';
    return { headers, body: Buffer.from(JSON.stringify(data), 'utf8') };
  }
  if (typeof data !== 'string') {
    throw invalidCloudEvent(
      'data',
      `must be a string or a Buffer when datacontenttype (${datacontenttype}) is not JSON`,
    );
  }
  return { headers, body: Buffer.from(data, 'utf8') };
}
