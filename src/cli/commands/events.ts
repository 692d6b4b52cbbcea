/** `gust events publish`: puts one event on a bus, through the control API. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CliError, usageError } from '../cli-error.js';
import type { CliContext } from '../context.js';

/** `POST /_gust/v1/events`'s answer (docs/api.md, Events). */
export interface ApiPublishResult {
  eventId: string;
  bus: string;
  matchedRules: string[];
}

interface PublishOptions {
  source: string;
  detailType: string;
  detail?: string;
  bus?: string;
  resource?: string[];
}

export function registerEvents(program: Command, ctx: CliContext): void {
  const events = program.command('events').description('publish events on the event bus');

  events
    .command('publish')
    .alias('put')
    .description('publish one event; prints its id and the rules it matched')
    .requiredOption('--source <source>', 'the event source, e.g. shop.orders')
    .requiredOption('--detail-type <type>', 'the detail type, e.g. OrderPlaced')
    .option('--detail <json>', 'the detail: a JSON object, or @file to read one (default {})')
    .option('--bus <name>', 'the event bus (default: default)')
    .option('--resource <arn>', 'a resource the event concerns (repeatable)', collect, [])
    .action(async (options: PublishOptions) => {
      const body: Record<string, unknown> = {
        source: options.source,
        detailType: options.detailType,
        detail: readDetail(options.detail, ctx.cwd),
      };
      if (options.bus !== undefined) body.bus = options.bus;
      if (options.resource && options.resource.length > 0) body.resources = options.resource;
      const response = await ctx.client().request('POST', '/_gust/v1/events', {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      let result: ApiPublishResult;
      try {
        result = JSON.parse(response.text) as ApiPublishResult;
      } catch (error) {
        throw new CliError('The server answered POST /_gust/v1/events with something that is not JSON.', {
          cause: error,
        });
      }
      if (ctx.globals().json) return ctx.json(result);
      ctx.out(result.eventId);
      const matched = result.matchedRules;
      ctx.err(
        matched.length === 0
          ? `Published on bus '${result.bus}'; no rule matched.`
          : `Published on bus '${result.bus}'; matched ${matched.length === 1 ? 'rule' : 'rules'} ${matched.join(', ')}.`,
      );
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `--detail` as an object: inline JSON or `@file`; must be a JSON object, as EventBridge requires. */
export function readDetail(option: string | undefined, cwd: string): unknown {
  if (option === undefined) return {};
  let text = option;
  let source = '--detail';
  if (option.startsWith('@')) {
    const file = option.slice(1);
    if (file === '') throw usageError('--detail @: give a file name after the @, like --detail @order.json.');
    source = `--detail ${option}`;
    try {
      text = readFileSync(resolve(cwd, file), 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? String(error);
      throw usageError(`${source}: cannot read ${file} (${reason}).`, error);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw usageError(`${source} is not valid JSON: ${(error as Error).message}`, error);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw usageError(`${source} must be a JSON object, like {"orderId": 1}.`);
  }
  return value;
}
