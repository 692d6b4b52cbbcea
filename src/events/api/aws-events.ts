/**
 * The EventBridge API (AWS JSON 1.1, `X-Amz-Target: AWSEvents.<Operation>`), so
 * `@aws-sdk/client-eventbridge` works against Gust: PutEvents, and read-only views of the rules
 * and buses that gust.yaml declares (ListRules, DescribeRule, ListTargetsByRule, ListEventBuses,
 * DescribeEventBus). Rules and buses are changed by deploying, not through this API.
 */
import { GustError } from '../../core/errors.js';
import type { AwsJsonService } from '../../gateway/types.js';
import type { EventBus } from '../bus/event-bus.js';
import { type BusRule, busArn, busNameOf, DEFAULT_BUS, ruleArn, targetArn } from '../bus/types.js';

type Input = Record<string, unknown>;

const MUTATIONS = new Set([
  'PutRule',
  'PutTargets',
  'DeleteRule',
  'RemoveTargets',
  'EnableRule',
  'DisableRule',
  'CreateEventBus',
  'DeleteEventBus',
]);

export function createEventBridgeService(bus: EventBus): AwsJsonService {
  const id = bus.identity;

  const busOf = (input: Input, field = 'EventBusName'): string => {
    const value = input[field];
    if (value === undefined || value === null || value === '') return DEFAULT_BUS;
    if (typeof value !== 'string') throw validation(`${field} must be a string.`);
    const name = busNameOf(value);
    if (!bus.buses().includes(name)) {
      throw new GustError('ERR_NOT_FOUND', `Event bus ${name} does not exist.`, {
        awsType: 'ResourceNotFoundException',
      });
    }
    return name;
  };

  const findRule = (input: Input, field: string): BusRule => {
    const name = input[field];
    if (typeof name !== 'string' || name === '') throw validation(`${field} is required.`);
    const busName = busOf(input);
    const rule = bus.rules().find((r) => r.bus === busName && r.name === name);
    if (!rule) {
      throw new GustError('ERR_NOT_FOUND', `Rule ${name} does not exist on EventBus ${busName}.`, {
        awsType: 'ResourceNotFoundException',
      });
    }
    return rule;
  };

  const describeRule = (rule: BusRule) => ({
    Name: rule.name,
    Arn: ruleArn(id, rule.bus, rule.name),
    EventPattern: JSON.stringify(rule.pattern),
    State: 'ENABLED',
    EventBusName: rule.bus,
    CreatedBy: id.accountId,
  });

  const operations: Record<string, (input: Input) => Promise<unknown> | unknown> = {
    PutEvents: (input) => bus.putEvents(input.Entries),
    ListRules: (input) => {
      const busName = busOf(input);
      const prefix = typeof input.NamePrefix === 'string' ? input.NamePrefix : '';
      const rules = bus.rules().filter((r) => r.bus === busName && r.name.startsWith(prefix));
      return page(input, rules.map(describeRule), 'Rules');
    },
    DescribeRule: (input) => describeRule(findRule(input, 'Name')),
    ListTargetsByRule: (input) => {
      const rule = findRule(input, 'Rule');
      const targets = rule.targets.map((target) => {
        const out: Record<string, unknown> = { Id: target.replace(':', '-'), Arn: targetArn(id, target) };
        if (rule.inputTransformer) {
          out.InputTransformer = {
            InputPathsMap: rule.inputTransformer.inputPathsMap ?? {},
            InputTemplate: rule.inputTransformer.inputTemplate,
          };
        }
        return out;
      });
      return page(input, targets, 'Targets');
    },
    ListEventBuses: (input) => {
      const prefix = typeof input.NamePrefix === 'string' ? input.NamePrefix : '';
      const buses = bus
        .buses()
        .filter((b) => b.startsWith(prefix))
        .map((b) => ({ Name: b, Arn: busArn(id, b) }));
      return page(input, buses, 'EventBuses');
    },
    DescribeEventBus: (input) => {
      const name = busOf(input, 'Name');
      return { Name: name, Arn: busArn(id, name) };
    },
  };

  /** The bus an input names (a name or an ARN, default when absent), without checking it exists. */
  const namedBus = (value: unknown): string =>
    typeof value === 'string' && value !== '' ? busNameOf(value) : DEFAULT_BUS;

  return {
    targetPrefix: 'AWSEvents',
    authorize(operation, input, ctx) {
      switch (operation) {
        case 'PutEvents': {
          const entries = Array.isArray(input.Entries) ? input.Entries : [];
          const buses = new Set(entries.map((e) => namedBus((e as Input | null)?.EventBusName)));
          for (const name of buses) ctx.auth.require('events:Put', `gust:bus:${name}`);
          return;
        }
        case 'ListRules':
        case 'DescribeRule':
        case 'ListTargetsByRule':
          ctx.auth.require('events:ListRules', `gust:bus:${namedBus(input.EventBusName)}`);
          return;
        case 'ListEventBuses':
          ctx.auth.require('events:ListBuses', 'gust:bus:*');
          return;
        case 'DescribeEventBus':
          ctx.auth.require('events:GetBus', `gust:bus:${namedBus(input.Name)}`);
          return;
        default:
          // Operations Gust does not implement need no right: handle() refuses them by name.
          return;
      }
    },
    async handle(operation, input) {
      const run = operations[operation];
      if (run) return run(input);
      const why = MUTATIONS.has(operation)
        ? `Gust's rules and buses come from gust.yaml (rules: and events: - eventBridge); deploy to change them. ${operation} is not supported.`
        : `Gust's EventBridge API does not implement ${operation}.`;
      throw new GustError('ERR_NOT_FOUND', why, { awsType: 'UnknownOperationException' });
    },
  };
}

/** Limit (1 to 100) and NextToken (an offset Gust hands out) over a full list. */
function page<T>(input: Input, items: readonly T[], key: string): Record<string, unknown> {
  const limit = input.Limit ?? 100;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 100)
    throw validation('Limit must be a whole number from 1 to 100.');
  const token = input.NextToken;
  const start = typeof token === 'string' && /^\d+$/.test(token) ? Number(token) : 0;
  if (token !== undefined && token !== null && typeof token !== 'string')
    throw validation('NextToken must be a string.');
  const out: Record<string, unknown> = { [key]: items.slice(start, start + limit) };
  if (start + limit < items.length) out.NextToken = String(start + limit);
  return out;
}

function validation(message: string): GustError {
  return new GustError('ERR_INVALID_PARAMETER', message, { awsType: 'ValidationException' });
}
