import { z } from 'zod';
import { integerParam, stringParam } from '../../gateway/query-params.js';
import { sendJson } from '../../gateway/send.js';
import type { ControlRoute } from '../../gateway/types.js';
import { readJsonBody } from '../../queue/api-body.js';
import type { ExecutionStatus } from '../../store/workflow-repository.js';
import { invalidField } from '../executor/errors.js';
import type { WorkflowExecutor } from '../executor/executor.js';
import { executionView, historyView, workflowView } from './views.js';

/**
 * Control API endpoints for workflows (`/_gust/v1/workflows...`, `/_gust/v1/tasks/...`), which the
 * `gust workflows` and `gust tasks` commands use. docs/api.md ("Workflows") is their specification.
 */

const putSchema = z.strictObject({
  definition: z.union([z.string(), z.record(z.string(), z.unknown())], {
    error: 'expected the ASL definition (an object, or JSON / YAML text)',
  }),
  type: z.enum(['STANDARD', 'EXPRESS'], { error: 'expected STANDARD or EXPRESS' }).optional(),
});
const startSchema = z.strictObject({
  name: z.string({ error: 'expected the execution name' }).optional(),
  input: z.unknown().optional(),
});
const stopSchema = z.strictObject({ error: z.string().optional(), cause: z.string().optional() });
const taskSchema = z.strictObject({
  taskToken: z.string({ error: 'expected the task token' }).min(1, { error: 'expected the task token' }),
  output: z.unknown().optional(),
  error: z.string().optional(),
  cause: z.string().optional(),
});

const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];

const workflow = (params: Record<string, string | undefined>) => params.name ?? '';
const on = (action: string) => ({
  action,
  resource: (p: Record<string, string | undefined>) => `gust:workflow:${workflow(p)}`,
});

export function workflowRoutes(executor: WorkflowExecutor): ControlRoute[] {
  const { arns, stateMachines } = executor;
  const query = (ctx: { query: string }) => new URLSearchParams(ctx.query);
  const task = (kind: 'success' | 'failure' | 'heartbeat'): ControlRoute => ({
    method: 'POST',
    path: `/tasks/${kind}`,
    authorize: { inHandler: "workflows:SendTaskResult on the token's workflow" },
    handler: async (req, res, ctx) => {
      const body = await readJsonBody(req, taskSchema);
      const owner = await executor.tokenWorkflow(body.taskToken);
      ctx.auth.require('workflows:SendTaskResult', `gust:workflow:${owner ?? '*'}`);
      if (kind === 'success')
        await executor.sendTaskSuccess(body.taskToken, JSON.stringify(body.output ?? null));
      else if (kind === 'failure') await executor.sendTaskFailure(body.taskToken, body.error, body.cause);
      else await executor.sendTaskHeartbeat(body.taskToken);
      sendJson(res, 200, {}, ctx.requestId);
    },
  });

  return [
    {
      method: 'GET',
      path: '/workflows',
      authorize: { action: 'workflows:List', resource: () => 'gust:workflow:*' },
      handler: async (_req, res, ctx) =>
        sendJson(
          res,
          200,
          { workflows: (await stateMachines.list()).map((m) => workflowView(arns, m)) },
          ctx.requestId,
        ),
    },
    {
      method: 'GET',
      path: '/workflows/:name',
      authorize: on('workflows:Describe'),
      handler: async (_req, res, ctx, params) => {
        const m = await stateMachines.get(workflow(params));
        sendJson(res, 200, { ...workflowView(arns, m), definition: JSON.parse(m.definition) }, ctx.requestId);
      },
    },
    {
      method: 'PUT',
      path: '/workflows/:name',
      authorize: on('workflows:Create'),
      handler: async (req, res, ctx, params) => {
        const body = await readJsonBody(req, putSchema);
        const existed = (await stateMachines.list()).some((m) => m.name === workflow(params));
        const m = await stateMachines.put(
          workflow(params),
          body.definition,
          body.type ? { type: body.type } : {},
        );
        sendJson(res, existed ? 200 : 201, workflowView(arns, m), ctx.requestId);
      },
    },
    {
      method: 'DELETE',
      path: '/workflows/:name',
      authorize: on('workflows:Delete'),
      handler: async (_req, res, ctx, params) => {
        await stateMachines.delete(workflow(params));
        sendJson(res, 200, { deleted: workflow(params) }, ctx.requestId);
      },
    },
    {
      method: 'POST',
      path: '/workflows/:name/executions',
      authorize: on('workflows:Start'),
      handler: async (req, res, ctx, params) => {
        const body = await readJsonBody(req, startSchema);
        const { execution, created } = await executor.startExecution({
          workflow: workflow(params),
          ...(body.name !== undefined ? { name: body.name } : {}),
          input: JSON.stringify(body.input ?? {}),
        });
        sendJson(res, created ? 201 : 200, executionView(arns, execution), ctx.requestId);
      },
    },
    {
      method: 'GET',
      path: '/workflows/:name/executions',
      authorize: on('workflows:ListExecutions'),
      handler: async (_req, res, ctx, params) => {
        const q = query(ctx);
        const status = stringParam(q, 'status');
        if (status !== undefined && !STATUSES.includes(status))
          throw invalidField('status', STATUSES.join(', '));
        const limit = integerParam(q, 'limit', { min: 1, max: 1000 });
        const before = integerParam(q, 'before', { min: 0, max: Number.MAX_SAFE_INTEGER });
        const executions = await executor.listExecutions({
          stateMachine: workflow(params),
          ...(status !== undefined ? { status: status as ExecutionStatus } : {}),
          ...(limit !== undefined ? { limit } : {}),
          ...(before !== undefined ? { before } : {}),
        });
        sendJson(
          res,
          200,
          { executions: executions.map((e) => executionView(arns, e, false)) },
          ctx.requestId,
        );
      },
    },
    {
      method: 'GET',
      path: '/workflows/:name/executions/:execution',
      authorize: on('workflows:Describe'),
      handler: async (_req, res, ctx, params) => {
        const e = await executor.describeExecution(workflow(params), params.execution ?? '');
        sendJson(res, 200, executionView(arns, e), ctx.requestId);
      },
    },
    {
      method: 'GET',
      path: '/workflows/:name/executions/:execution/history',
      authorize: on('workflows:ReadHistory'),
      handler: async (_req, res, ctx, params) => {
        const q = query(ctx);
        const afterId = integerParam(q, 'afterId', { min: 0, max: Number.MAX_SAFE_INTEGER });
        const limit = integerParam(q, 'limit', { min: 1, max: 10_000 });
        const events = await executor.history(workflow(params), params.execution ?? '', {
          ...(afterId !== undefined ? { afterId } : {}),
          ...(limit !== undefined ? { limit } : {}),
        });
        sendJson(res, 200, { events: events.map(historyView) }, ctx.requestId);
      },
    },
    {
      method: 'POST',
      path: '/workflows/:name/executions/:execution/stop',
      authorize: on('workflows:Stop'),
      handler: async (req, res, ctx, params) => {
        const body = await readJsonBody(req, stopSchema);
        const e = await executor.stopExecution(workflow(params), params.execution ?? '', body);
        sendJson(res, 200, executionView(arns, e), ctx.requestId);
      },
    },
    {
      method: 'POST',
      path: '/workflows/:name/executions/:execution/redrive',
      authorize: on('workflows:Redrive'),
      handler: async (_req, res, ctx, params) => {
        const e = await executor.redriveExecution(workflow(params), params.execution ?? '');
        sendJson(res, 200, executionView(arns, e), ctx.requestId);
      },
    },
    task('success'),
    task('failure'),
    task('heartbeat'),
  ];
}
