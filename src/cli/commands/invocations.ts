/** `gust invocations ls|show`: invocation records and async invocation status, through the control API. */
import type { Command } from 'commander';
import type { AsyncInvocationRecord, InvocationRecord, InvocationView } from '../api-types.js';
import { integerOption } from '../args.js';
import type { CliContext } from '../context.js';
import { formatDuration, formatTime, shortId, shortRequestId } from '../format.js';
import { formatFields, formatTable } from '../table.js';

export function registerInvocations(program: Command, ctx: CliContext): void {
  const invocations = program.command('invocations').description('inspect invocation records');

  invocations
    .command('ls')
    .alias('list')
    .description("list a function's invocations, newest first")
    .argument('<name>', 'function name')
    .option('--limit <n>', 'how many (1-1000)', integerOption(1, 1000))
    .option('--async', 'list asynchronous invocations with their status instead')
    .action(async (name: string, options: { limit?: number; async?: boolean }) => {
      if (options.async === true) {
        const list = await ctx.client().listAsyncInvocations(name, options.limit);
        if (ctx.globals().json) return ctx.json(list);
        if (list.asyncInvocations.length === 0) return ctx.out(`No async invocations of ${name} yet.`);
        return ctx.out(asyncInvocationsTable(list.asyncInvocations, ctx.now()));
      }
      const list = await ctx.client().listInvocations(name, options.limit);
      if (ctx.globals().json) return ctx.json(list);
      if (list.invocations.length === 0) return ctx.out(`No invocations of ${name} yet.`);
      ctx.out(invocationsTable(list.invocations));
    });

  invocations
    .command('show')
    .description('show one invocation by request id, with its status if it was asynchronous')
    .argument('<requestId>', 'the request id (x-request-id, awsRequestId)')
    .action(async (requestId: string) => {
      const view = await ctx.client().getInvocation(requestId);
      if (ctx.globals().json) return ctx.json(view);
      ctx.out(describeInvocationView(view, ctx.now()));
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
      shortRequestId(r.requestId),
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

function invocationFields(r: InvocationRecord): [string, string][] {
  const fields: [string, string][] = [
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
  return fields;
}

/**
 * A synchronous invocation prints its record's fields; an asynchronous one its status first
 * (attempts, next attempt, last error, destination), then its latest attempt's record.
 */
export function describeInvocationView(view: InvocationView, now: number): string {
  const head: [string, string][] = [
    ['Request', view.requestId],
    ['Function', view.functionName],
  ];
  if (view.async === null) {
    return formatFields([...head, ...(view.invocation === null ? [] : invocationFields(view.invocation))]);
  }
  const a = view.async;
  const status: [string, string][] = [
    ['Status', a.status],
    ['Qualifier', a.qualifier],
    ['Attempts', `${a.attempts}/${a.maxAttempts}`],
  ];
  if (a.nextAttemptAt !== null && (a.status === 'queued' || a.status === 'retrying')) {
    status.push(['Next attempt', `${formatTime(a.nextAttemptAt)} (${relative(a.nextAttemptAt, now)})`]);
  }
  if (a.lastError !== null) status.push(['Last error', errorText(a.lastError)]);
  if (a.destination !== null) status.push(['Destination', a.destination]);
  status.push(['Accepted', formatTime(a.createdAt)], ['Updated', formatTime(a.updatedAt)]);
  const lines = [formatFields(head), '', 'Async invocation', formatFields(status, '  '), ''];
  if (view.invocation === null) lines.push('Last attempt: none yet');
  else lines.push('Last attempt', formatFields(invocationFields(view.invocation), '  '));
  return lines.join('\n');
}

export function asyncInvocationsTable(records: readonly AsyncInvocationRecord[], now: number): string {
  return formatTable(
    ['ACCEPTED', 'REQUEST', 'QUALIFIER', 'STATUS', 'ATTEMPTS', 'NEXT ATTEMPT', 'DESTINATION', 'LAST ERROR'],
    records.map((r) => [
      formatTime(r.createdAt),
      shortRequestId(r.requestId),
      r.qualifier,
      r.status,
      `${r.attempts}/${r.maxAttempts}`,
      r.nextAttemptAt !== null && (r.status === 'queued' || r.status === 'retrying')
        ? relative(r.nextAttemptAt, now)
        : '-',
      r.destination ?? '-',
      r.lastError === null ? '-' : truncate(errorText(r.lastError), 60),
    ]),
  );
}

function errorText(error: { errorType: string; errorMessage: string }): string {
  return `${error.errorType}: ${error.errorMessage}`.split('\n')[0] ?? '';
}

/** `in 1.5 s`, `in 3 min`, or `due` once the time has come. */
function relative(at: number, now: number): string {
  const ms = at - now;
  if (ms <= 0) return 'due';
  if (ms < 60_000) return `in ${(ms / 1000).toFixed(1)} s`;
  return `in ${Math.round(ms / 60_000)} min`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
