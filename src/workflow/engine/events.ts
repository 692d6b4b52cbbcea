/**
 * History event builders. Events use GetExecutionHistory's names and detail fields; `input`,
 * `output` and `parameters` are JSON text, as the API returns them. Ids are the executor's.
 */
import type { Json } from '../data/json.js';
import type { StateType } from '../definition/types.js';
import type { HistoryEvent, HistoryEventType } from './api.js';

/** JSON text of a value (the API shows payloads as strings). */
export function jsonText(value: Json): string {
  return JSON.stringify(value);
}

export function event(
  type: HistoryEventType,
  timestamp: number,
  details?: Record<string, Json>,
): HistoryEvent {
  return details === undefined ? { type, timestamp } : { type, timestamp, ...details };
}

export function stateEntered(stateType: StateType, name: string, input: Json, now: number): HistoryEvent {
  return event(`${stateType}StateEntered`, now, {
    stateEnteredEventDetails: { name, input: jsonText(input), inputDetails: { truncated: false } },
  });
}

export function stateExited(
  stateType: StateType,
  name: string,
  output: Json,
  assigned: Record<string, Json> | undefined,
  now: number,
): HistoryEvent {
  const details: Record<string, Json> = {
    name,
    output: jsonText(output),
    outputDetails: { truncated: false },
  };
  if (assigned !== undefined && Object.keys(assigned).length > 0) {
    details.assignedVariables = Object.fromEntries(
      Object.entries(assigned).map(([k, v]) => [k, jsonText(v)]),
    );
    details.assignedVariablesDetails = { truncated: false };
  }
  return event(`${stateType}StateExited`, now, { stateExitedEventDetails: details });
}

/** Splits a Resource into the API's resourceType/resource (`arn:aws:states:::lambda:invoke` → lambda, invoke). */
export function resourceParts(resource: string): { resourceType: string; resource: string } {
  const prefix = 'arn:aws:states:::';
  if (resource.startsWith(prefix)) {
    const rest = resource.slice(prefix.length);
    const colon = rest.indexOf(':');
    return colon < 0
      ? { resourceType: rest, resource: rest }
      : { resourceType: rest.slice(0, colon), resource: rest.slice(colon + 1) };
  }
  return { resourceType: 'lambda', resource };
}
