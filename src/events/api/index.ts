/** What the event bus adds to the HTTP API: the EventBridge protocol and control API routes. */
import type { Clock } from '../../core/clock.js';
import type { GatewayExtension } from '../../gateway/types.js';
import type { EventBus } from '../bus/event-bus.js';
import { createEventBridgeService } from './aws-events.js';
import { eventControlRoutes } from './control-routes.js';

export function createEventsExtension(bus: EventBus, clock: Clock): GatewayExtension {
  return {
    awsJson: [createEventBridgeService(bus)],
    controlRoutes: eventControlRoutes(bus, clock),
  };
}
