/**
 * CloudEvent → EventBridge-shaped event, the shape Gust's event bus routes and its rules match.
 *
 * | EventBridge     | from the CloudEvent                                                       |
 * |-----------------|---------------------------------------------------------------------------|
 * | `version`       | always `"0"`                                                              |
 * | `id`            | `id` (kept, so `source` + `id` still identify duplicates)                |
 * | `source`        | `source`                                                                  |
 * | `detail-type`   | `type`                                                                    |
 * | `time`          | `time` in UTC, whole seconds (`2018-04-05T03:56:24Z`); else `receivedAt`  |
 * | `region`        | the bus's region                                                          |
 * | `account`       | the bus's account                                                         |
 * | `resources`     | `[subject]` when there is a subject, else `[]`                            |
 * | `detail`        | `data` when it is a JSON object; `{}` without data; otherwise one member  |
 * |                 | named as in the JSON format: `{"data": ...}` or `{"data_base64": "..."}`  |
 * | `cloudevent`    | every context attribute, extensions included, as in the JSON format       |
 *
 * `cloudevent` is a Gust addition: EventBridge has no place for `specversion`, `datacontenttype`,
 * `dataschema`, the exact `time` or extensions, and putting them into `detail` would mix them with
 * the producer's data. Rules can match on it like any field: `{"cloudevent": {"tenant": ["acme"]}}`.
 */
import { attributesOf } from './attributes.js';
import type { CloudEvent, CloudEventData, JsonValue } from './cloud-event.js';

export interface EventBridgeEvent {
  version: '0';
  id: string;
  source: string;
  'detail-type': string;
  time: string;
  region: string;
  account: string;
  resources: string[];
  detail: { [key: string]: JsonValue };
  /** The CloudEvent's attributes (no data), JSON format member names. */
  cloudevent: { [key: string]: JsonValue };
}

export interface EventBridgeContext {
  region: string;
  account: string;
  /** When Gust received the event: the `time` of events that carry none (from the injected Clock). */
  receivedAt: Date;
}

/** Maps a (valid) CloudEvent; throws ERR_INVALID_CLOUDEVENT if it is not valid. */
export function cloudEventToEventBridge(event: CloudEvent, context: EventBridgeContext): EventBridgeEvent {
  const attributes = attributesOf(event);
  return {
    version: '0',
    id: event.id,
    source: event.source,
    'detail-type': event.type,
    time: eventBridgeTime(event.time, context.receivedAt),
    region: context.region,
    account: context.account,
    resources: event.subject === undefined ? [] : [event.subject],
    detail: detailOf(event.data),
    cloudevent: Object.fromEntries(attributes),
  };
}

function detailOf(data: CloudEventData | undefined): { [key: string]: JsonValue } {
  if (data === undefined) return {};
  if (Buffer.isBuffer(data)) return { data_base64: data.toString('base64') };
  return isJsonObject(data) ? data : { data };
}

function isJsonObject(value: JsonValue): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** EventBridge writes times in UTC without fractions. A leap second (:60) becomes :59. */
function eventBridgeTime(time: string | undefined, receivedAt: Date): string {
  const parsed =
    time === undefined ? receivedAt : new Date(time.toUpperCase().replace(/:60(?=[.Z+-])/, ':59'));
  return `${parsed.toISOString().slice(0, 19)}Z`;
}
