/** `gust dlq ls|show|redrive`: dead-letter queues, their failed messages, and redrive. */
import type { Command } from 'commander';
import type { DeadLetterQueueView, MessageView } from '../../queue/queue-views.js';
import { integerOption } from '../args.js';
import type { CliContext } from '../context.js';
import { formatTable } from '../table.js';
import { apiJson, describeMessage, formatAge } from './queues.js';

const dlqPath = (name: string) => `/dlq/${encodeURIComponent(name)}`;

export function dlqTable(queues: readonly DeadLetterQueueView[]): string {
  return formatTable(
    ['NAME', { header: 'MESSAGES', align: 'right' }, { header: 'OLDEST', align: 'right' }, 'FOR'],
    queues.map((d) => [
      d.name,
      String(d.stats.total),
      formatAge(d.stats.oldestAgeMs),
      d.functionName !== null
        ? `function ${d.functionName} (async)`
        : d.sourceQueues.length > 0
          ? d.sourceQueues.join(', ')
          : '-',
    ]),
  );
}

export function registerDlq(program: Command, ctx: CliContext): void {
  const dlq = program.command('dlq').description('inspect dead-letter queues and redrive their messages');

  dlq
    .command('ls')
    .alias('list')
    .description('list dead-letter queues with their depth and the queues or functions they serve')
    .action(async () => {
      const list = await apiJson<{ deadLetterQueues: DeadLetterQueueView[] }>(ctx, 'GET', '/dlq');
      if (ctx.globals().json) return ctx.json(list);
      if (list.deadLetterQueues.length === 0) {
        return ctx.out(
          'No dead-letter queues. Give a queue one with deadLetterQueue and maxReceiveCount in gust.yaml.',
        );
      }
      ctx.out(dlqTable(list.deadLetterQueues));
    });

  dlq
    .command('show')
    .description("show a dead-letter queue's messages, oldest first, with why each one failed")
    .argument('<name>', 'dead-letter queue name')
    .option('--limit <n>', 'at most this many messages (1-1000, default 50)', integerOption(1, 1000))
    .action(async (name: string, o: { limit?: number }) => {
      const query = o.limit === undefined ? '' : `?limit=${o.limit}`;
      const result = await apiJson<{ messages: MessageView[] }>(
        ctx,
        'GET',
        `${dlqPath(name)}/messages${query}`,
      );
      if (ctx.globals().json) return ctx.json(result);
      if (result.messages.length === 0) return ctx.out(`'${name}' holds no messages.`);
      const blocks = result.messages.map((m) => {
        const extra: [string, string][] = [
          ['From', m.sourceQueue ?? '-'],
          ['Failure', m.lastError ?? '-'],
        ];
        if (m.requestId !== null)
          extra.push(['Request', `${m.requestId} (gust invocations show ${m.requestId})`]);
        return describeMessage(m, extra);
      });
      ctx.out(blocks.join('\n\n'));
    });

  dlq
    .command('redrive')
    .description('move messages back to the queues they came from (or to --to)')
    .argument('<name>', 'dead-letter queue name')
    .option('--to <queue>', 'move them to this queue instead of their source queues')
    .option('--max <n>', 'move at most this many, oldest first', integerOption(1))
    .action(async (name: string, o: { to?: string; max?: number }) => {
      const body: Record<string, unknown> = {};
      if (o.to !== undefined) body.toQueue = o.to;
      if (o.max !== undefined) body.max = o.max;
      const result = await apiJson<{ moved: number; remaining: number }>(
        ctx,
        'POST',
        `${dlqPath(name)}/redrive`,
        body,
      );
      if (ctx.globals().json) return ctx.json(result);
      const where = o.to === undefined ? 'their source queues' : `'${o.to}'`;
      ctx.out(`Moved ${result.moved} message(s) from '${name}' to ${where}; ${result.remaining} left.`);
    });
}
