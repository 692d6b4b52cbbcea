/**
 * CloudEvents HTTP protocol binding, receiving side: picks the content mode from Content-Type
 * (binding section 3) and decodes the request into events. Pure: no I/O, no clock.
 */
import { GustError } from '../../core/errors.js';
import { type IncomingHeaders, parseBinaryMode } from './binary-mode.js';
import { BATCH_CONTENT_TYPE, type CloudEvent, mediaTypeOf, STRUCTURED_CONTENT_TYPE } from './cloud-event.js';
import { parseBatchBody, parseStructuredBody } from './json-format.js';

export interface CloudEventHttpRequest {
  /** Lower-case header names, as node:http gives them. */
  headers: IncomingHeaders;
  body: Buffer;
}

/**
 * Decodes the CloudEvents in an HTTP request:
 * - `Content-Type: application/cloudevents+json` → structured mode, one event;
 * - `Content-Type: application/cloudevents-batch+json` → batched mode, zero or more events;
 * - anything else → binary mode, one event from `ce-` headers with the body as data.
 *
 * Throws GustError `ERR_INVALID_CLOUDEVENT` (400) naming the header or attribute at fault, and
 * `ERR_UNSUPPORTED_MEDIA_TYPE` (415) for a CloudEvents format other than JSON (such as
 * `application/cloudevents+avro`).
 */
export function parseCloudEventHttp(request: CloudEventHttpRequest): CloudEvent[] {
  const header = request.headers['content-type'];
  const contentType = typeof header === 'string' ? header : (header?.[0] ?? '');
  const mediaType = mediaTypeOf(contentType);
  if (mediaType.startsWith('application/cloudevents-batch')) {
    if (mediaType !== BATCH_CONTENT_TYPE) throw unsupportedFormat(mediaType, BATCH_CONTENT_TYPE);
    return parseBatchBody(request.body);
  }
  if (mediaType.startsWith('application/cloudevents')) {
    if (mediaType !== STRUCTURED_CONTENT_TYPE) throw unsupportedFormat(mediaType, STRUCTURED_CONTENT_TYPE);
    return [parseStructuredBody(request.body)];
  }
  return [parseBinaryMode(request.headers, request.body)];
}

function unsupportedFormat(mediaType: string, supported: string): GustError {
  return new GustError(
    'ERR_UNSUPPORTED_MEDIA_TYPE',
    `CloudEvents format ${mediaType} is not supported; send ${supported} or use binary mode`,
    { details: { location: 'header content-type' } },
  );
}
