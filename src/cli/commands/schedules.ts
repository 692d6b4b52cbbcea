/** `gust schedules ls`: the deployed schedules, through the control API. */
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import type { CliContext } from '../context.js';
import { formatTime } from '../format.js';
import { formatTable } from '../table.js';

/** One schedule as `GET /_gust/v1/schedules` returns it (docs/api.md, Schedules). */
export interface ApiSchedule {
  id: string;
  /** null for a scheduled event rule (then `rule` is `bus/name`). */
  functionName: string | null;
  rule?: string | null;
  name: string;
  expression: string;
  timezone: string;
  enabled: boolean;
  missed: 'skip' | 'run-latest';
  nextTick: number | null;
  lastTick: number | null;
  error: string | null;
}

export interface ScheduleList {
  schedules: ApiSchedule[];
}

export function registerSchedules(program: Command, ctx: CliContext): void {
  const schedules = program.command('schedules').description('inspect scheduled functions');

  schedules
    .command('ls')
    .alias('list')
    .description('list deployed schedules with their next and last tick')
    .action(async () => {
      const response = await ctx.client().request('GET', '/_gust/v1/schedules');
      let list: ScheduleList;
      try {
        list = JSON.parse(response.text) as ScheduleList;
      } catch (error) {
        throw new CliError('The server answered GET /_gust/v1/schedules with something that is not JSON.', {
          cause: error,
        });
      }
      if (ctx.globals().json) return ctx.json(list);
      if (list.schedules.length === 0) {
        return ctx.out("No schedules deployed. Add `- schedule: rate(5 minutes)` to a function's events.");
      }
      ctx.out(schedulesTable(list.schedules));
    });
}

/** The `schedules ls` table; times are local, as elsewhere in the CLI. */
export function schedulesTable(schedules: readonly ApiSchedule[]): string {
  return formatTable(
    ['TARGET', 'NAME', 'SCHEDULE', 'STATE', 'MISSED', 'NEXT TICK', 'LAST TICK'],
    schedules.map((s) => [
      s.functionName ?? `rule ${s.rule ?? '?'}`,
      s.name,
      s.expression,
      s.error !== null ? 'error' : s.enabled ? 'enabled' : 'disabled',
      s.missed,
      s.nextTick === null ? '-' : formatTime(s.nextTick),
      s.lastTick === null ? '-' : formatTime(s.lastTick),
    ]),
  );
}
