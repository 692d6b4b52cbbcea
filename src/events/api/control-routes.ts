/**
 * The event bus in the control API (docs/api.md, "Events"): publish an event, publish CloudEvents
 * (HTTP binding, docs/cloudevents.md), list rules and buses.
 */
import type { IncomingMessage } from 'node:http';
import type { Clock } from '../../core/clock.js';
import { GustError } from '../../core/errors.js';
import { readBody } from '../../gateway/read-body.js';
import { sendJson } from '../../gateway/send.js';
import type { ControlRoute } from '../../gateway/types.js';
import type { EventBus } from '../bus/event-bus.js';
import { type BusRule, DEFAULT_BUS } from '../bus/types.js';
import { cloudEventToEventBridge, parseCloudEventHttp } from '../cloudevents/index.js';

/** One event is at most 256 KB; a CloudEvents batch may hold several. */
const MAX_EVENT_BODY = 512 * 1024;
const MAX_CLOUDEVENTS_BODY = 6 * 1024 * 1024;

export function eventControlRoutes(bus: EventBus, clock: Clock): ControlRoute[] {
  return [
    {
      method: 'POST',
      path: '/events',
      authorize: { inHandler: 'events:Put on the bus named in the body' },
      async handler(req, res, ctx) {
        const body = await readJsonObject(req);
        const busName = optionalString(body, 'bus') ?? DEFAULT_BUS;
        ctx.auth.require('events:Put', `gust:bus:${busName}`);
        const source = requiredString(body, 'source');
        const detailType = requiredString(body, 'detailType');
        if (typeof body.detail !== 'object' || body.detail === null || Array.isArray(body.detail))
          throw invalidField('detail', 'a JSON object');
        const input: Parameters<EventBus['publish']>[1] = { source, detailType, detail: body.detail };
        if (body.resources !== undefined) {
          if (!Array.isArray(body.resources) || body.resources.some((r) => typeof r !== 'string'))
            throw invalidField('resources', 'a list of strings');
          input.resources = body.resources as string[];
        }
        sendJson(res, 200, await bus.publish(busName, input), ctx.requestId);
      },
    },
    {
      method: 'POST',
      path: '/events/cloudevents',
      authorize: { inHandler: 'events:Put on the bus named by ?bus' },
      async handler(req, res, ctx) {
        const query = new URLSearchParams(ctx.query);
        const busName = query.get('bus') || DEFAULT_BUS;
        ctx.auth.require('events:Put', `gust:bus:${busName}`);
        const raw = await readBody(req, MAX_CLOUDEVENTS_BODY);
        const cloudEvents = parseCloudEventHttp({ headers: req.headersDistinct, body: raw });
        const context = {
          region: bus.identity.region,
          account: bus.identity.accountId,
          receivedAt: new Date(clock.now()),
        };
        const events = cloudEvents.map((e) => cloudEventToEventBridge(e, context));
        const results = await bus.publishEvents(busName, events);
        sendJson(
          res,
          200,
          { bus: busName, events: results.map((r) => ({ id: r.eventId, matchedRules: r.matchedRules })) },
          ctx.requestId,
        );
      },
    },
    {
      method: 'GET',
      path: '/rules',
      authorize: { inHandler: 'events:ListRules on the bus named by ?bus, or on every bus' },
      async handler(_req, res, ctx) {
        const busName = new URLSearchParams(ctx.query).get('bus');
        ctx.auth.require('events:ListRules', `gust:bus:${busName || '*'}`);
        const rules = bus.rules().filter((r) => !busName || r.bus === busName);
        sendJson(res, 200, { rules: rules.map(ruleView) }, ctx.requestId);
      },
    },
    {
      method: 'GET',
      path: '/buses',
      authorize: { action: 'events:ListBuses', resource: () => 'gust:bus:*' },
      async handler(_req, res, ctx) {
        const rules = bus.rules();
        const buses = bus
          .buses()
          .map((name) => ({ name, rules: rules.filter((r) => r.bus === name).length }));
        sendJson(res, 200, { buses }, ctx.requestId);
      },
    },
  ];
}

function ruleView(rule: BusRule): Record<string, unknown> {
  const view: Record<string, unknown> = {
    name: rule.name,
    bus: rule.bus,
    pattern: rule.pattern,
    targets: rule.targets,
    service: rule.service,
    function: rule.function ?? null,
  };
  if (rule.inputTransformer) view.inputTransformer = rule.inputTransformer;
  return view;
}

async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = await readBody(req, MAX_EVENT_BODY);
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new GustError('ERR_INVALID_JSON', `The request body is not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GustError('ERR_INVALID_JSON', 'The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

function requiredString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw invalidField(field, 'a non-empty string');
  return value;
}

function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  if (body[field] === undefined || body[field] === null) return undefined;
  return requiredString(body, field);
}

function invalidField(field: string, expected: string): GustError {
  return new GustError('ERR_INVALID_PARAMETER', `'${field}' must be ${expected}.`, {
    details: { parameter: field },
  });
}
