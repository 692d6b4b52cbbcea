/** Helpers shared by this folder's tests. */
import assert from 'node:assert/strict';
import { GustError } from '../../core/errors.js';
import type { CloudEvent } from './cloud-event.js';
import { parseCloudEventHttp } from './http-binding.js';

/** Asserts `run` throws ERR_INVALID_CLOUDEVENT whose message contains every fragment. */
export function assertInvalid(run: () => unknown, ...fragments: string[]): GustError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof GustError, `expected a GustError, got ${String(caught)}`);
  assert.equal(caught.code, 'ERR_INVALID_CLOUDEVENT', caught.message);
  assert.equal(caught.status, 400);
  for (const fragment of fragments)
    assert.ok(caught.message.includes(fragment), `"${caught.message}" lacks "${fragment}"`);
  return caught;
}

/** The four required binary-mode headers of a valid 1.0 event. */
export const BINARY_HEADERS = {
  'ce-specversion': '1.0',
  'ce-id': 'A234-1234-1234',
  'ce-source': '/mycontext',
  'ce-type': 'com.example.someevent',
} as const;

export function parseBinary(
  headers: Record<string, string | string[] | undefined>,
  body: string | Buffer = '',
): CloudEvent {
  const events = parseCloudEventHttp({
    headers: { ...BINARY_HEADERS, ...headers },
    body: typeof body === 'string' ? Buffer.from(body) : body,
  });
  assert.equal(events.length, 1);
  return events[0] as CloudEvent;
}

export function parseStructured(
  envelope: unknown,
  contentType = 'application/cloudevents+json',
): CloudEvent[] {
  return parseCloudEventHttp({
    headers: { 'content-type': contentType },
    body: Buffer.from(JSON.stringify(envelope)),
  });
}

/** A minimal valid 1.0 event in the JSON format. */
export const MINIMAL_JSON = {
  specversion: '1.0',
  id: 'B234-1234-1234',
  source: 'https://example.com/orders',
  type: 'com.example.order.created',
} as const;
