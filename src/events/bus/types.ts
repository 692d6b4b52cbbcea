/** Shapes shared by the event bus, its deploy hook and its HTTP protocols. */

/** EventBridge's InputTransformer, with the manifest's field names. */
export interface InputTransformerConfig {
  inputPathsMap?: Record<string, string>;
  inputTemplate: string;
}

/** An event as the bus routes it and targets receive it: EventBridge's event shape. */
export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  /** UTC, whole seconds: `2026-01-01T00:00:00Z`. */
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
  /** The CloudEvent's attributes, for events that arrived as CloudEvents (docs/cloudevents.md). */
  cloudevent?: Record<string, unknown>;
}

/** A rule as the bus knows it: declared by a function's `events` or by the manifest's `rules`. */
export interface BusRule {
  name: string;
  bus: string;
  pattern: Record<string, unknown>;
  /** `function:NAME` or `queue:NAME`. */
  targets: string[];
  inputTransformer?: InputTransformerConfig;
  /** The app whose deploy declared the rule. */
  service: string;
  /** The function whose `events` declare the rule; absent for top-level rules. */
  function?: string;
}

/** What one published event became. */
export interface PublishResult {
  eventId: string;
  bus: string;
  /** Names of the rules that matched; each of their targets got one delivery. */
  matchedRules: string[];
}

/** The bus's own region and account, written into events and ARNs. */
export interface BusIdentity {
  region: string;
  accountId: string;
}

export const DEFAULT_BUS = 'default';

export function busArn(id: BusIdentity, bus: string): string {
  return `arn:aws:events:${id.region}:${id.accountId}:event-bus/${bus}`;
}

/** EventBridge leaves the default bus out of its rule ARNs. */
export function ruleArn(id: BusIdentity, bus: string, name: string): string {
  const path = bus === DEFAULT_BUS ? name : `${bus}/${name}`;
  return `arn:aws:events:${id.region}:${id.accountId}:rule/${path}`;
}

export function targetArn(id: BusIdentity, target: string): string {
  const { kind, name } = parseTarget(target);
  if (kind === 'function') return `arn:aws:lambda:${id.region}:${id.accountId}:function:${name}`;
  if (kind === 'workflow') return `arn:aws:states:${id.region}:${id.accountId}:stateMachine:${name}`;
  return `arn:aws:sqs:${id.region}:${id.accountId}:${name}`;
}

export type TargetKind = 'function' | 'queue' | 'workflow';

/** Splits `queue:orders` into kind and name (targets are validated by the manifest schema). */
export function parseTarget(target: string): { kind: TargetKind; name: string } {
  const colon = target.indexOf(':');
  const prefix = target.slice(0, colon);
  return {
    kind: prefix === 'function' || prefix === 'workflow' ? prefix : 'queue',
    name: target.slice(colon + 1),
  };
}

/**
 * The system queue of workflow starts: an event-rule target `workflow:NAME` becomes a message here
 * (JSON {workflow, name, input}), which the workflow executor consumes and turns into an execution
 * whose name is the message's, so a redelivered message starts nothing twice.
 */
export const WORKFLOW_STARTS_QUEUE = 'gust-workflow-starts';

/** An EventBusName as the SDKs send it: a name, or the bus's ARN. */
export function busNameOf(nameOrArn: string): string {
  const at = nameOrArn.indexOf(':event-bus/');
  return nameOrArn.startsWith('arn:') && at >= 0 ? nameOrArn.slice(at + ':event-bus/'.length) : nameOrArn;
}

/** Formats a time as EventBridge writes it: UTC without fractions. */
export function eventTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}
