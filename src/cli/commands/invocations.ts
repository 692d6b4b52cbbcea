/** `gust invocations ls|show`: invocation records, through the control API. */
import type { Command } from 'commander';
import type { InvocationRecord } from '../api-types.js';
import { integerOption } from '../args.js';
import type { CliContext } from '../context.js';
import { formatDuration, formatTime, shortId } from '../format.js';
import { formatFields, formatTable } from '../table.js';

export function registerInvocations(program: Command, ctx: CliContext): void {
  const invocations = program.command('invocations').description('inspect invocation records');

  invocations
    .command('ls')
    .alias('list')
    .description("list a function's invocations, newest first")
    .argument('<name>', 'function name')
    .option('--limit <n>', 'how many (1-1000)', integerOption(1, 1000))
    .action(async (name: string, options: { limit?: number }) => {
      const list = await ctx.client().listInvocations(name, options.limit);
      if (ctx.globals().json) return ctx.json(list);
      if (list.invocations.length === 0) return ctx.out(`No invocations of ${name} yet.`);
      ctx.out(invocationsTable(list.invocations));
    });

  invocations
    .command('show')
    .description('show one invocation by request id')
    .argument('<requestId>', 'the request id (x-request-id, awsRequestId)')
    .action(async (requestId: string) => {
      const record = await ctx.client().getInvocation(requestId);
      if (ctx.globals().json) return ctx.json(record);
      ctx.out(describeInvocation(record));
    });
}

export function invocationsTable(records: readonly InvocationRecord[]): string {
  return formatTable(
    [
      'TIME',
      'REQUEST',
      'VERSION',
      'TRIGGER',
      'STATUS',
      { header: 'DURATION', align: 'right' },
      'COLD/INIT',
      { header: 'MEMORY', align: 'right' },
    ],
    records.map((r) => [
      formatTime(r.startedAt),
      shortId(r.requestId),
      `${r.executedVersion} ${shortId(r.versionId)}`,
      r.trigger,
      r.status,
      formatDuration(r.durationMs),
      coldInit(r),
      memoryUsed(r),
    ]),
  );
}

function coldInit(r: InvocationRecord): string {
  if (!r.cold) return 'warm';
  return r.initDurationMs === null ? 'cold' : `cold ${formatDuration(r.initDurationMs)}`;
}

function memoryUsed(r: InvocationRecord): string {
  return r.maxMemoryUsedMB === null ? `-/${r.memoryMB} MB` : `${r.maxMemoryUsedMB}/${r.memoryMB} MB`;
}

function describeInvocation(r: InvocationRecord): string {
  const fields: [string, string][] = [
    ['Request', r.requestId],
    ['Function', r.functionName],
    ['Version', `${r.executedVersion} (${r.versionId})`],
    ['Trigger', r.trigger],
    ['Started', formatTime(r.startedAt)],
    ['Status', r.status],
    ['Duration', formatDuration(r.durationMs)],
    ['Billed', formatDuration(r.billedDurationMs)],
    ['Start', r.cold ? `cold, init ${formatDuration(r.initDurationMs)}` : 'warm'],
    ['Memory', memoryUsed(r)],
  ];
  if (r.errorType !== null || r.errorMessage !== null) {
    fields.push(['Error', [r.errorType, r.errorMessage].filter((s) => s !== null).join(': ')]);
  }
  return formatFields(fields);
}
