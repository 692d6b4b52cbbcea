/**
 * CloudEvents for Gust: the HTTP protocol binding (binary, structured and batched modes, v1.0 and
 * v0.3) and the mapping onto the EventBridge-shaped events of the event bus. See docs/cloudevents.md.
 */
export { type HttpMessage, type IncomingHeaders, toHttpBinary } from './binary-mode.js';
export {
  BATCH_CONTENT_TYPE,
  type CloudEvent,
  type CloudEventData,
  type ExtensionValue,
  isJsonContentType,
  type JsonValue,
  type SpecVersion,
  STRUCTURED_CONTENT_TYPE,
} from './cloud-event.js';
export { cloudEventToEventBridge, type EventBridgeContext, type EventBridgeEvent } from './eventbridge.js';
export { type CloudEventHttpRequest, parseCloudEventHttp } from './http-binding.js';
export { toHttpBatch, toHttpStructured, toJsonEvent } from './json-format.js';
