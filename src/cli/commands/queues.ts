/** `gust queues ls|get|create|rm|send|receive|purge`: durable queues, through the control API. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import type { MessageView, QueueView, ReceivedMessageView } from '../../queue/queue-views.js';
import { integerOption } from '../args.js';
import { CliError, usageError } from '../cli-error.js';
import type { CliContext } from '../context.js';
import { formatTime } from '../format.js';
import { formatFields, formatTable } from '../table.js';

/** Calls the control API with an optional JSON body and returns the parsed answer (null for 204). */
export async function apiJson<T>(ctx: CliContext, method: string, path: string, body?: unknown): Promise<T> {
  const options =
    body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
  const response = await ctx.client().request(method, `/_gust/v1${path}`, options);
  if (response.text === '') return null as T;
  try {
    return JSON.parse(response.text) as T;
  } catch (error) {
    throw new CliError(`Gust answered ${method} ${path} with a body that is not JSON.`, { cause: error });
  }
}

export const queuePath = (name: string) => `/queues/${encodeURIComponent(name)}`;

/** An age in the largest unit that keeps it readable: 850ms, 42s, 7m, 3h, 2d; `-` for none. */
export function formatAge(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

/** Text cut to `width` characters on one line, for table cells. */
export function cell(text: string | null, width: number): string {
  if (text === null) return '-';
  const line = text.replace(/\s+/g, ' ');
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

const secondsOption = (min: number, max: number) => integerOption(min, max);

/** Collects repeated `--attr key=value` flags. */
function attribute(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('Expected key=value.');
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

/** The message body: the text as given, or `@file` to read a file. */
function readBody(text: string, cwd: string): string {
  if (!text.startsWith('@')) return text;
  const file = text.slice(1);
  if (file === '') throw usageError('@: give a file name after the @, like @message.json.');
  try {
    return readFileSync(resolve(cwd, file), 'utf8');
  } catch (error) {
    throw usageError(
      `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`,
      error,
    );
  }
}

export function queuesTable(queues: readonly QueueView[]): string {
  return formatTable(
    [
      'NAME',
      'KIND',
      { header: 'VISIBLE', align: 'right' },
      { header: 'IN-FLIGHT', align: 'right' },
      { header: 'DELAYED', align: 'right' },
      { header: 'OLDEST', align: 'right' },
      'DLQ',
      'CONSUMERS',
    ],
    queues.map((q) => [
      q.name,
      q.kind,
      String(q.stats.visible),
      String(q.stats.inFlight),
      String(q.stats.delayed),
      formatAge(q.stats.oldestAgeMs),
      q.deadLetterQueue ? `${q.deadLetterQueue.name} (${q.deadLetterQueue.messages})` : '-',
      q.consumers.length > 0 ? q.consumers.join(',') : '-',
    ]),
  );
}

function describeQueue(q: QueueView): string {
  const c = q.config;
  const fields: [string, string][] = [
    ['Name', q.name],
    ['Kind', q.owner ? `${q.kind} (service ${q.owner})` : q.kind],
    ['ARN', q.arn],
    ['Created', formatTime(q.createdAt)],
    ['Messages', `${q.stats.visible} visible, ${q.stats.inFlight} in flight, ${q.stats.delayed} delayed`],
    ['Oldest', formatAge(q.stats.oldestAgeMs)],
    ['Visibility timeout', `${c.visibilityTimeoutSec} s`],
    ['Delay', `${c.delaySec} s`],
    ['Retention', `${c.retentionSec} s`],
    ['Dedupe window', `${c.dedupeWindowSec} s`],
    [
      'Dead-letter queue',
      q.deadLetterQueue
        ? `${q.deadLetterQueue.name} after ${c.maxReceiveCount} receives (${q.deadLetterQueue.messages} ${q.deadLetterQueue.messages === 1 ? 'message' : 'messages'})`
        : '-',
    ],
    ['Consumers', q.consumers.length > 0 ? q.consumers.join(', ') : '-'],
  ];
  return formatFields(fields);
}

/**
 * One message as a block: its fields, then the whole body (bodies are often JSON worth reading in
 * full). `extra` fields go after the standard ones (a DLQ's source queue and failure reason).
 */
export function describeMessage(
  m: MessageView & { receiptHandle?: string },
  extra: [string, string][] = [],
): string {
  const fields: [string, string][] = [
    ['Message', m.id],
    ['Sent', formatTime(m.sentAt)],
    ['Receives', String(m.receiveCount)],
  ];
  const attributes = Object.entries(m.attributes).map(
    ([k, a]) => `${k}=${a.StringValue ?? `(${a.DataType})`}`,
  );
  if (attributes.length > 0) fields.push(['Attributes', attributes.join(', ')]);
  if (m.receiptHandle !== undefined) fields.push(['Receipt handle', m.receiptHandle]);
  fields.push(...extra);
  return `${formatFields(fields)}\n${m.body}`;
}

interface CreateOptions {
  visibilityTimeout?: number;
  dlq?: string;
  maxReceive?: number;
  retention?: number;
  delay?: number;
  dedupeWindow?: number;
}

export function registerQueues(program: Command, ctx: CliContext): void {
  const queues = program.command('queues').alias('queue').description('list and use durable queues');

  queues
    .command('ls')
    .alias('list')
    .description('list queues with their depth, in-flight and delayed counts, oldest message and DLQ')
    .action(async () => {
      const list = await apiJson<{ queues: QueueView[] }>(ctx, 'GET', '/queues');
      if (ctx.globals().json) return ctx.json(list);
      if (list.queues.length === 0)
        return ctx.out('No queues. Declare them in gust.yaml or run: gust queues create NAME');
      ctx.out(queuesTable(list.queues));
    });

  queues
    .command('get')
    .description("show one queue's configuration and counts")
    .argument('<name>', 'queue name')
    .action(async (name: string) => {
      const queue = await apiJson<QueueView>(ctx, 'GET', queuePath(name));
      if (ctx.globals().json) return ctx.json(queue);
      ctx.out(describeQueue(queue));
    });

  queues
    .command('create')
    .description('create a queue, or change the settings given of an existing one')
    .argument('<name>', 'queue name (letters, digits, - and _)')
    .option(
      '--visibility-timeout <s>',
      'seconds a received message stays hidden (default 30)',
      secondsOption(0, 43_200),
    )
    .option('--dlq <queue>', 'dead-letter queue for messages received too often (needs --max-receive)')
    .option('--max-receive <n>', 'receives before a message moves to the --dlq', integerOption(1, 1000))
    .option('--retention <s>', 'seconds a message is kept (default 4 days)', secondsOption(60, 1_209_600))
    .option('--delay <s>', 'seconds every new message waits before it is visible', secondsOption(0, 900))
    .option(
      '--dedupe-window <s>',
      'seconds a deduplication id is remembered (default 300)',
      secondsOption(0, 86_400),
    )
    .action(async (name: string, o: CreateOptions) => {
      if ((o.dlq === undefined) !== (o.maxReceive === undefined)) {
        throw usageError('--dlq and --max-receive go together: give both, or neither.');
      }
      const body: Record<string, unknown> = { name };
      if (o.visibilityTimeout !== undefined) body.visibilityTimeout = o.visibilityTimeout;
      if (o.dlq !== undefined) body.deadLetterQueue = o.dlq;
      if (o.maxReceive !== undefined) body.maxReceiveCount = o.maxReceive;
      if (o.retention !== undefined) body.retention = o.retention;
      if (o.delay !== undefined) body.delay = o.delay;
      if (o.dedupeWindow !== undefined) body.dedupeWindow = o.dedupeWindow;
      const queue = await apiJson<QueueView>(ctx, 'POST', '/queues', body);
      if (ctx.globals().json) return ctx.json(queue);
      ctx.out(`Queue '${queue.name}' is ready (${queue.arn}).`);
    });

  queues
    .command('rm')
    .alias('delete')
    .description('delete a queue and its messages')
    .argument('<name>', 'queue name')
    .action(async (name: string) => {
      await apiJson(ctx, 'DELETE', queuePath(name));
      if (ctx.globals().json) return ctx.json({ deleted: name });
      ctx.out(`Deleted queue '${name}'.`);
    });

  queues
    .command('send')
    .description('send a message')
    .argument('<name>', 'queue name')
    .argument('<body>', 'the message body, or @file to send a file')
    .option('--delay <s>', 'seconds before the message becomes visible', secondsOption(0, 900))
    .option('--attr <key=value>', 'a String message attribute (repeatable)', attribute)
    .option('--dedupe <id>', 'deduplication id: the same id within the window is accepted once')
    .action(
      async (
        name: string,
        text: string,
        o: { delay?: number; attr?: Record<string, string>; dedupe?: string },
      ) => {
        const body: Record<string, unknown> = { body: readBody(text, ctx.cwd) };
        if (o.delay !== undefined) body.delaySeconds = o.delay;
        if (o.attr !== undefined) body.attributes = o.attr;
        if (o.dedupe !== undefined) body.dedupeId = o.dedupe;
        const result = await apiJson<{ messages: { id: string; duplicate: boolean }[] }>(
          ctx,
          'POST',
          `${queuePath(name)}/messages`,
          body,
        );
        if (ctx.globals().json) return ctx.json(result);
        const sent = result.messages[0];
        ctx.out(
          sent?.duplicate
            ? `Not sent again: deduplication id '${o.dedupe}' was accepted as message ${sent.id}.`
            : `Sent message ${sent?.id ?? '?'} to '${name}'.`,
        );
      },
    );

  queues
    .command('receive')
    .description('receive messages (they stay hidden for the visibility timeout unless --delete)')
    .argument('<name>', 'queue name')
    .option('--max <n>', 'at most this many messages (1-10)', integerOption(1, 10))
    .option(
      '--wait <s>',
      'long poll: wait up to this many seconds for a message (0-20)',
      secondsOption(0, 20),
    )
    .option(
      '--visibility <s>',
      "seconds the messages stay hidden (default: the queue's)",
      secondsOption(0, 43_200),
    )
    .option('--delete', 'delete the messages once printed')
    .action(
      async (name: string, o: { max?: number; wait?: number; visibility?: number; delete?: boolean }) => {
        const body: Record<string, unknown> = {};
        if (o.max !== undefined) body.max = o.max;
        if (o.wait !== undefined) body.waitTime = o.wait;
        if (o.visibility !== undefined) body.visibilityTimeout = o.visibility;
        const result = await apiJson<{ messages: ReceivedMessageView[] }>(
          ctx,
          'POST',
          `${queuePath(name)}/receive`,
          body,
        );
        if (o.delete === true) {
          for (const m of result.messages) {
            await apiJson(ctx, 'DELETE', `${queuePath(name)}/messages`, { receiptHandle: m.receiptHandle });
          }
        }
        if (ctx.globals().json) return ctx.json(result);
        if (result.messages.length === 0) return ctx.out(`No messages in '${name}'.`);
        ctx.out(result.messages.map((m) => describeMessage(m)).join('\n\n'));
        if (o.delete === true) ctx.out(`Deleted ${result.messages.length} message(s).`);
      },
    );

  queues
    .command('purge')
    .description('delete every message of a queue')
    .argument('<name>', 'queue name')
    .action(async (name: string) => {
      const result = await apiJson<{ purged: number }>(ctx, 'POST', `${queuePath(name)}/purge`);
      if (ctx.globals().json) return ctx.json(result);
      ctx.out(`Purged ${result.purged} message(s) from '${name}'.`);
    });
}
