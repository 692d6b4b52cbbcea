/** The event bus: buses, rules compiled in memory, publishing through the queue. See docs/events.md. */
export { ruleDeployHook } from './deploy-rules.js';
export {
  busNotFound,
  createEventBus,
  type EventBus,
  type EventBusDeps,
  type PublishInput,
  type PutEventsOutput,
} from './event-bus.js';
export { compileInputTransformer, type InputTransformer } from './input-transformer.js';
export {
  type BusEvent,
  type BusIdentity,
  type BusRule,
  busArn,
  busNameOf,
  DEFAULT_BUS,
  type PublishResult,
  ruleArn,
  targetArn,
} from './types.js';
