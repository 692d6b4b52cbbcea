/**
 * `gust workflows ls|executions|start|describe|history|stop|redrive` and `gust tasks
 * success|failure|heartbeat`: workflows and their executions, through the control API
 * (docs/api.md, Workflows).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { integerOption } from '../args.js';
import { usageError } from '../cli-error.js';
import type { CliContext } from '../context.js';
import { formatDuration, formatTime } from '../format.js';
import { formatTable } from '../table.js';
import { apiJson } from './queues.js';

interface WorkflowView {
  name: string;
  arn: string;
  type: string;
  service: string | null;
  revision: number;
  updatedAt: number;
}

interface ExecutionView {
  name: string;
  workflow: string;
  status: string;
  startedAt: number;
  stoppedAt: number | null;
  redriveCount: number;
  input?: unknown;
  output?: unknown;
  error?: string | null;
  cause?: string | null;
}

interface HistoryEvent {
  id: number;
  type: string;
  timestamp: number;
  [details: string]: unknown;
}

const workflowPath = (name: string) => `/workflows/${encodeURIComponent(name)}`;
const executionPath = (workflow: string, execution: string) =>
  `${workflowPath(workflow)}/executions/${encodeURIComponent(execution)}`;

/** JSON given inline, or `@FILE` to read it from a file. */
function jsonArgument(ctx: CliContext, what: string, text: string | undefined): unknown {
  if (text === undefined) return undefined;
  let source = text;
  if (text.startsWith('@')) {
    try {
      source = readFileSync(resolve(ctx.cwd, text.slice(1)), 'utf8');
    } catch (error) {
      throw usageError(
        `cannot read ${text.slice(1)} (${(error as NodeJS.ErrnoException).code ?? error}).`,
        error,
      );
    }
  }
  try {
    return JSON.parse(source) as unknown;
  } catch (error) {
    throw usageError(`${what} is not JSON: ${(error as Error).message}`, error);
  }
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

const elapsed = (e: ExecutionView) =>
  e.stoppedAt === null ? '-' : formatDuration(e.stoppedAt - e.startedAt);

export function executionsTable(executions: readonly ExecutionView[]): string {
  return formatTable(
    ['NAME', 'STATUS', 'STARTED', 'DURATION', 'REDRIVES'],
    executions.map((e) => [e.name, e.status, formatTime(e.startedAt), elapsed(e), String(e.redriveCount)]),
  );
}

/** One line per event: id, time, type and the state it concerns (when it names one). */
export function historyTable(events: readonly HistoryEvent[]): string {
  const detail = (e: HistoryEvent) => {
    for (const value of Object.values(e)) {
      if (typeof value === 'object' && value !== null) {
        const d = value as Record<string, unknown>;
        if (typeof d.name === 'string') return d.name;
        if (typeof d.error === 'string')
          return `${d.error}${typeof d.cause === 'string' ? `: ${d.cause}` : ''}`;
        if (typeof d.resource === 'string') return d.resource;
      }
    }
    return '';
  };
  return formatTable(
    ['ID', 'TIME', 'TYPE', 'DETAIL'],
    // A cause can be a whole error payload: the table keeps one short line (`--json` has it all).
    events.map((e) => [String(e.id), formatTime(e.timestamp), e.type, clip(detail(e), 100)]),
  );
}

function describeLines(e: ExecutionView): string {
  const lines = [
    `execution: ${e.workflow}/${e.name}`,
    `status:    ${e.status}`,
    `started:   ${formatTime(e.startedAt)}`,
    `stopped:   ${e.stoppedAt === null ? '-' : `${formatTime(e.stoppedAt)} (${elapsed(e)})`}`,
    `input:     ${JSON.stringify(e.input)}`,
  ];
  if (e.output !== null && e.output !== undefined) lines.push(`output:    ${JSON.stringify(e.output)}`);
  if (e.error) lines.push(`error:     ${e.error}${e.cause ? `: ${e.cause}` : ''}`);
  if (e.redriveCount > 0) lines.push(`redriven:  ${e.redriveCount} time(s)`);
  return lines.join('\n');
}

export function registerWorkflows(program: Command, ctx: CliContext): void {
  const workflows = program.command('workflows').description('run and watch workflows (state machines)');

  workflows
    .command('ls')
    .alias('list')
    .description('list workflows')
    .action(async () => {
      const list = await apiJson<{ workflows: WorkflowView[] }>(ctx, 'GET', '/workflows');
      if (ctx.globals().json) return ctx.json(list);
      if (list.workflows.length === 0) {
        return ctx.out('No workflows. Declare one under `workflows:` in gust.yaml (docs/workflows.md).');
      }
      ctx.out(
        formatTable(
          ['NAME', 'TYPE', 'SERVICE', 'REVISION', 'UPDATED'],
          list.workflows.map((w) => [
            w.name,
            w.type,
            w.service ?? '-',
            String(w.revision),
            formatTime(w.updatedAt),
          ]),
        ),
      );
    });

  workflows
    .command('executions')
    .description("list a workflow's executions, newest first")
    .argument('<workflow>', 'workflow name')
    .option('--status <status>', 'only RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED ones')
    .option('--limit <n>', 'at most this many (1-1000, default 100)', integerOption(1, 1000))
    .action(async (workflow: string, o: { status?: string; limit?: number }) => {
      const query = new URLSearchParams();
      if (o.status !== undefined) query.set('status', o.status.toUpperCase());
      if (o.limit !== undefined) query.set('limit', String(o.limit));
      const q = query.size > 0 ? `?${query}` : '';
      const list = await apiJson<{ executions: ExecutionView[] }>(
        ctx,
        'GET',
        `${workflowPath(workflow)}/executions${q}`,
      );
      if (ctx.globals().json) return ctx.json(list);
      if (list.executions.length === 0)
        return ctx.out(`No executions. Start one with: gust workflows start ${workflow}`);
      ctx.out(executionsTable(list.executions));
    });

  workflows
    .command('start')
    .description('start an execution')
    .argument('<workflow>', 'workflow name')
    .option('--input <json>', 'the input, as JSON or @FILE (default {})')
    .option('--name <name>', 'the execution name (default: a UUID; the same name and input start once)')
    .action(async (workflow: string, o: { input?: string; name?: string }) => {
      const input = jsonArgument(ctx, '--input', o.input);
      const e = await apiJson<ExecutionView>(ctx, 'POST', `${workflowPath(workflow)}/executions`, {
        ...(o.name !== undefined ? { name: o.name } : {}),
        ...(input !== undefined ? { input } : {}),
      });
      if (ctx.globals().json) return ctx.json(e);
      ctx.out(
        `Started ${workflow}/${e.name} (${e.status}). Watch it with: gust workflows describe ${workflow} ${e.name}`,
      );
    });

  workflows
    .command('describe')
    .description('show an execution: status, input, output or error')
    .argument('<workflow>', 'workflow name')
    .argument('<execution>', 'execution name')
    .action(async (workflow: string, execution: string) => {
      const e = await apiJson<ExecutionView>(ctx, 'GET', executionPath(workflow, execution));
      if (ctx.globals().json) return ctx.json(e);
      ctx.out(describeLines(e));
    });

  workflows
    .command('history')
    .description("show an execution's history of events")
    .argument('<workflow>', 'workflow name')
    .argument('<execution>', 'execution name')
    .action(async (workflow: string, execution: string) => {
      const h = await apiJson<{ events: HistoryEvent[] }>(
        ctx,
        'GET',
        `${executionPath(workflow, execution)}/history`,
      );
      if (ctx.globals().json) return ctx.json(h);
      ctx.out(historyTable(h.events));
    });

  workflows
    .command('stop')
    .description('stop a running execution')
    .argument('<workflow>', 'workflow name')
    .argument('<execution>', 'execution name')
    .option('--error <error>', 'error name to record')
    .option('--cause <cause>', 'why it was stopped')
    .action(async (workflow: string, execution: string, o: { error?: string; cause?: string }) => {
      const e = await apiJson<ExecutionView>(ctx, 'POST', `${executionPath(workflow, execution)}/stop`, o);
      if (ctx.globals().json) return ctx.json(e);
      ctx.out(`${workflow}/${e.name} is ${e.status}.`);
    });

  workflows
    .command('redrive')
    .description('run a failed execution again from the state that failed')
    .argument('<workflow>', 'workflow name')
    .argument('<execution>', 'execution name')
    .action(async (workflow: string, execution: string) => {
      const e = await apiJson<ExecutionView>(ctx, 'POST', `${executionPath(workflow, execution)}/redrive`);
      if (ctx.globals().json) return ctx.json(e);
      ctx.out(`Redrove ${workflow}/${e.name} (${e.status}, redrive ${e.redriveCount}).`);
    });

  const tasks = program
    .command('tasks')
    .description('complete tasks that wait for a callback (.waitForTaskToken)');
  tasks
    .command('success')
    .description('complete a task with its output')
    .argument('<token>', 'the task token')
    .option('--output <json>', 'the output, as JSON or @FILE (default {})')
    .action(async (token: string, o: { output?: string }) => {
      const output = jsonArgument(ctx, '--output', o.output) ?? {};
      await apiJson(ctx, 'POST', '/tasks/success', { taskToken: token, output });
      if (ctx.globals().json) return ctx.json({});
      ctx.out('Task completed.');
    });
  tasks
    .command('failure')
    .description('fail a task (Retry and Catch apply)')
    .argument('<token>', 'the task token')
    .option('--error <error>', 'error name')
    .option('--cause <cause>', 'what went wrong')
    .action(async (token: string, o: { error?: string; cause?: string }) => {
      await apiJson(ctx, 'POST', '/tasks/failure', { taskToken: token, ...o });
      if (ctx.globals().json) return ctx.json({});
      ctx.out('Task failed.');
    });
  tasks
    .command('heartbeat')
    .description('report that the worker of a task is still alive')
    .argument('<token>', 'the task token')
    .action(async (token: string) => {
      await apiJson(ctx, 'POST', '/tasks/heartbeat', { taskToken: token });
      if (ctx.globals().json) return ctx.json({});
      ctx.out('Heartbeat sent.');
    });
}
