/** `gust rules ls`: the event-bus rules that deployed apps declare, through the control API. */
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import type { CliContext } from '../context.js';
import { formatTable } from '../table.js';

/** One rule as `GET /_gust/v1/rules` returns it (docs/api.md, Events). */
export interface ApiRule {
  name: string;
  bus: string;
  pattern: Record<string, unknown>;
  targets: string[];
  service: string;
  function: string | null;
  inputTransformer?: { inputPathsMap?: Record<string, string>; inputTemplate: string };
}

const PATTERN_WIDTH = 48;

export function registerRules(program: Command, ctx: CliContext): void {
  const rules = program.command('rules').description('inspect event-bus rules');

  rules
    .command('ls')
    .alias('list')
    .description('list event-bus rules with their patterns and targets')
    .option('--bus <name>', 'only the rules of this bus')
    .action(async (options: { bus?: string }) => {
      const query = options.bus === undefined ? {} : { bus: options.bus };
      const response = await ctx.client().request('GET', '/_gust/v1/rules', { query });
      let list: { rules: ApiRule[] };
      try {
        list = JSON.parse(response.text) as { rules: ApiRule[] };
      } catch (error) {
        throw new CliError('The server answered GET /_gust/v1/rules with something that is not JSON.', {
          cause: error,
        });
      }
      if (ctx.globals().json) return ctx.json(list);
      if (list.rules.length === 0) {
        return ctx.out("No rules deployed. Add `- eventBridge: { pattern: {...} }` to a function's events.");
      }
      ctx.out(rulesTable(list.rules));
    });
}

/** The `rules ls` table: the pattern as compact JSON, cut to fit. */
export function rulesTable(rules: readonly ApiRule[]): string {
  return formatTable(
    ['RULE', 'BUS', 'PATTERN', 'TARGETS'],
    rules.map((r) => [
      r.name,
      r.bus,
      shorten(JSON.stringify(r.pattern), PATTERN_WIDTH),
      r.targets.join(', ') + (r.inputTransformer ? ' (transformed)' : ''),
    ]),
  );
}

function shorten(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 3)}...`;
}
