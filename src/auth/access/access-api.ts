import { z } from 'zod';
import { GustError } from '../../core/errors.js';
import { integerParam, stringParam } from '../../gateway/query-params.js';
import { send, sendJson } from '../../gateway/send.js';
import type { ControlRoute, GatewayExtension } from '../../gateway/types.js';
import { readJsonBody } from '../../queue/api-body.js';
import type { AuditOutcome, AuditRepository } from '../../store/security-repositories.js';
import type { AuditLog } from './audit-log.js';
import type { KeyAdmin } from './key-admin.js';
import type { PolicyAdmin } from './policy-admin.js';

const createKeyBody = z.strictObject({
  name: z.string(),
  policies: z.array(z.string()).min(1, 'give at least one policy (for example ["read-only"])'),
});
const attachBody = z.strictObject({ policies: z.array(z.string()).min(1) });
const putPolicyBody = z.strictObject({
  document: z.unknown(),
  description: z.string().max(500).optional(),
});

const OUTCOMES: readonly AuditOutcome[] = ['allowed', 'denied', 'failed'];
const MAX_TIME = Number.MAX_SAFE_INTEGER;

/**
 * The control API of keys, policies and the audit log (docs/api.md, "Keys, policies and audit").
 * There is no route that changes or deletes audit entries.
 */
export function accessApi(deps: {
  keys: KeyAdmin;
  policies: PolicyAdmin;
  audit: AuditLog;
  auditEntries: AuditRepository;
}): GatewayExtension {
  const id = (params: Record<string, string | undefined>) => params.id ?? '';
  const name = (params: Record<string, string | undefined>) => params.name ?? '';
  const routes: ControlRoute[] = [
    {
      method: 'GET',
      path: '/keys',
      authorize: { action: 'keys:List', resource: () => 'gust:key:*' },
      handler: async (_req, res, ctx) => sendJson(res, 200, { keys: await deps.keys.list() }, ctx.requestId),
    },
    {
      method: 'POST',
      path: '/keys',
      authorize: { inHandler: 'keys:Create, and policies:Attach on each policy the key carries' },
      handler: async (req, res, ctx) => {
        ctx.auth.require('keys:Create', 'gust:key:*');
        const body = await readJsonBody(req, createKeyBody);
        for (const policy of body.policies) ctx.auth.require('policies:Attach', `gust:policy:${policy}`);
        const created = await deps.keys.create(body, ctx.auth.caller.id);
        sendJson(res, 201, created, ctx.requestId);
      },
    },
    {
      method: 'GET',
      path: '/keys/:id',
      authorize: { action: 'keys:List', resource: () => 'gust:key:*' },
      handler: async (_req, res, ctx, params) =>
        sendJson(res, 200, await deps.keys.get(id(params)), ctx.requestId),
    },
    {
      method: 'POST',
      path: '/keys/:id/disable',
      authorize: { action: 'keys:Disable', resource: (p) => `gust:key:${id(p)}` },
      handler: async (_req, res, ctx, params) =>
        sendJson(res, 200, await deps.keys.setStatus(id(params), 'disabled'), ctx.requestId),
    },
    {
      method: 'POST',
      path: '/keys/:id/enable',
      authorize: { action: 'keys:Disable', resource: (p) => `gust:key:${id(p)}` },
      handler: async (_req, res, ctx, params) =>
        sendJson(res, 200, await deps.keys.setStatus(id(params), 'active'), ctx.requestId),
    },
    {
      method: 'DELETE',
      path: '/keys/:id',
      authorize: { action: 'keys:Delete', resource: (p) => `gust:key:${id(p)}` },
      handler: async (_req, res, ctx, params) => {
        await deps.keys.delete(id(params));
        send(res, 204, {}, null, ctx.requestId);
      },
    },
    {
      method: 'POST',
      path: '/keys/:id/policies',
      authorize: { inHandler: 'policies:Attach on each policy attached' },
      handler: async (req, res, ctx, params) => {
        const body = await readJsonBody(req, attachBody);
        sendJson(res, 200, await deps.keys.attach(id(params), body.policies, ctx.auth), ctx.requestId);
      },
    },
    {
      method: 'DELETE',
      path: '/keys/:id/policies/:name',
      authorize: { action: 'policies:Detach', resource: (p) => `gust:policy:${name(p)}` },
      handler: async (_req, res, ctx, params) =>
        sendJson(res, 200, await deps.keys.detach(id(params), name(params)), ctx.requestId),
    },
    {
      method: 'GET',
      path: '/policies',
      authorize: { action: 'policies:List', resource: () => 'gust:policy:*' },
      handler: async (_req, res, ctx) =>
        sendJson(res, 200, { policies: await deps.policies.list() }, ctx.requestId),
    },
    {
      method: 'GET',
      path: '/policies/:name',
      authorize: { action: 'policies:Get', resource: (p) => `gust:policy:${name(p)}` },
      handler: async (_req, res, ctx, params) =>
        sendJson(res, 200, await deps.policies.get(name(params)), ctx.requestId),
    },
    {
      method: 'PUT',
      path: '/policies/:name',
      authorize: { action: 'policies:Put', resource: (p) => `gust:policy:${name(p)}` },
      handler: async (req, res, ctx, params) => {
        const body = await readJsonBody(req, putPolicyBody);
        if (body.document === undefined) {
          throw new GustError(
            'ERR_INVALID_PARAMETER',
            'document: give the policy document ({ Version, Statement }).',
            {
              details: { parameter: 'document' },
            },
          );
        }
        const { view, created } = await deps.policies.put(
          name(params),
          body.document,
          body.description ?? '',
        );
        sendJson(res, created ? 201 : 200, view, ctx.requestId);
      },
    },
    {
      method: 'DELETE',
      path: '/policies/:name',
      authorize: { action: 'policies:Delete', resource: (p) => `gust:policy:${name(p)}` },
      handler: async (_req, res, ctx, params) => {
        await deps.policies.delete(name(params));
        send(res, 204, {}, null, ctx.requestId);
      },
    },
    {
      method: 'GET',
      path: '/audit',
      authorize: { action: 'audit:Read', resource: () => 'gust:audit:*' },
      handler: async (_req, res, ctx) => {
        const query = new URLSearchParams(ctx.query);
        const outcome = stringParam(query, 'outcome');
        if (outcome !== undefined && !OUTCOMES.includes(outcome as AuditOutcome)) {
          throw new GustError(
            'ERR_INVALID_PARAMETER',
            `Query parameter 'outcome' must be one of ${OUTCOMES.join(', ')}, got ${JSON.stringify(outcome)}.`,
            { details: { parameter: 'outcome' } },
          );
        }
        await deps.audit.flush();
        const filters = {
          principal: stringParam(query, 'principal'),
          action: stringParam(query, 'action'),
          resource: stringParam(query, 'resource'),
          outcome: outcome as AuditOutcome | undefined,
          since: integerParam(query, 'since', { min: 0, max: MAX_TIME }),
          beforeId: integerParam(query, 'before', { min: 1, max: MAX_TIME }),
          limit: integerParam(query, 'limit', { min: 1, max: 1000 }),
        };
        const entries = await deps.auditEntries.query(
          Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)),
        );
        sendJson(res, 200, { entries }, ctx.requestId);
      },
    },
  ];
  return { controlRoutes: routes };
}
