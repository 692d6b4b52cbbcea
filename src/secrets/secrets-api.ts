import { z } from 'zod';
import { GustError } from '../core/errors.js';
import { integerParam, stringParam } from '../gateway/query-params.js';
import { sendJson } from '../gateway/send.js';
import type { ControlRoute } from '../gateway/types.js';
import { readJsonBody } from '../queue/api-body.js';
import { checkSecretName } from './secret-names.js';
import type { SecretValue } from './secret-values.js';
import type { SecretsService } from './secrets-service.js';

/**
 * Control API endpoints for secrets (`/_gust/v1/secrets...`), which the `gust secrets` commands
 * use; docs/api.md ("Secrets") is their specification. Only `GET .../value` ever answers with a
 * value; everything else shows metadata.
 */

const valueSchema = z.strictObject({
  value: z.string({ error: 'expected the value (a string)' }),
  binary: z.boolean({ error: 'expected true when value is base64-encoded bytes' }).optional(),
  description: z.string({ error: 'expected a string' }).optional(),
});

const rotateSchema = z.strictObject({
  value: z.string({ error: 'expected the new value (a string), or no value to generate one' }).optional(),
  binary: z.boolean({ error: 'expected true when value is base64-encoded bytes' }).optional(),
});

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function toValue(value: string, binary: boolean | undefined): SecretValue {
  if (binary !== true) return { kind: 'string', text: value };
  if (!BASE64.test(value)) {
    throw new GustError('ERR_INVALID_PARAMETER', 'value: expected base64-encoded bytes, as binary is true.', {
      details: { parameter: 'value' },
    });
  }
  return { kind: 'binary', bytes: Buffer.from(value, 'base64') };
}

const nameOf = (params: Record<string, string | undefined>) => params.name ?? '';
const one = (action: string) => ({
  action,
  resource: (p: Record<string, string | undefined>) => `gust:secret:${nameOf(p)}`,
});
const queryOf = (query: string) => new URLSearchParams(query);

export function secretRoutes(secrets: SecretsService): ControlRoute[] {
  return [
    {
      method: 'GET',
      path: '/secrets',
      authorize: { action: 'secrets:List', resource: () => 'gust:secret:*' },
      handler: async (_req, res, ctx) => {
        const flag = stringParam(queryOf(ctx.query), 'includeDeleted');
        if (flag !== undefined && flag !== 'true' && flag !== 'false') {
          throw new GustError(
            'ERR_INVALID_PARAMETER',
            `Query parameter 'includeDeleted' must be true or false, got "${flag}".`,
            {
              details: { parameter: 'includeDeleted' },
            },
          );
        }
        sendJson(
          res,
          200,
          { secrets: await secrets.list({ includeDeleted: flag === 'true' }) },
          ctx.requestId,
        );
      },
    },
    {
      method: 'GET',
      path: '/secrets/:name',
      authorize: one('secrets:List'),
      handler: async (_req, res, ctx, params) =>
        sendJson(res, 200, await secrets.describe(nameOf(params)), ctx.requestId),
    },
    {
      method: 'GET',
      path: '/secrets/:name/value',
      authorize: one('secrets:Get'),
      handler: async (_req, res, ctx, params) => {
        const query = queryOf(ctx.query);
        const versionId = stringParam(query, 'versionId');
        const stage = stringParam(query, 'stage');
        const v = await secrets.getValue(nameOf(params), {
          ...(versionId !== undefined ? { versionId } : {}),
          ...(stage !== undefined ? { stage } : {}),
        });
        const { value, ...rest } = v;
        const body =
          value.kind === 'string'
            ? { ...rest, value: value.text, binary: false }
            : { ...rest, value: value.bytes.toString('base64'), binary: true };
        sendJson(res, 200, body, ctx.requestId, { 'cache-control': 'no-store' });
      },
    },
    {
      method: 'PUT',
      path: '/secrets/:name/value',
      authorize: one('secrets:Put'),
      handler: async (req, res, ctx, params) => {
        const name = checkSecretName(nameOf(params), 'name');
        const body = await readJsonBody(req, valueSchema);
        const value = toValue(body.value, body.binary);
        const existing = (await secrets.list({ includeDeleted: true })).find((s) => s.name === name);
        if (existing === undefined) {
          const created = await secrets.create({
            name,
            value,
            ...(body.description !== undefined ? { description: body.description } : {}),
          });
          return sendJson(res, 201, created, ctx.requestId);
        }
        const change = {
          value,
          ...(body.description !== undefined ? { description: body.description } : {}),
        };
        sendJson(res, 200, await secrets.update(name, change), ctx.requestId);
      },
    },
    {
      method: 'DELETE',
      path: '/secrets/:name',
      authorize: one('secrets:Delete'),
      handler: async (_req, res, ctx, params) => {
        const query = queryOf(ctx.query);
        const days = integerParam(query, 'recoveryWindowDays', { min: 7, max: 30 });
        const force = stringParam(query, 'force');
        if (force !== undefined && force !== 'true' && force !== 'false') {
          throw new GustError(
            'ERR_INVALID_PARAMETER',
            `Query parameter 'force' must be true or false, got "${force}".`,
            {
              details: { parameter: 'force' },
            },
          );
        }
        const result = await secrets.delete(nameOf(params), {
          ...(days !== undefined ? { recoveryWindowDays: days } : {}),
          force: force === 'true',
        });
        sendJson(res, 200, result, ctx.requestId);
      },
    },
    {
      method: 'POST',
      path: '/secrets/:name/restore',
      authorize: one('secrets:Delete'),
      handler: async (_req, res, ctx, params) =>
        sendJson(res, 200, await secrets.restore(nameOf(params)), ctx.requestId),
    },
    {
      method: 'POST',
      path: '/secrets/:name/rotate',
      authorize: one('secrets:Rotate'),
      handler: async (req, res, ctx, params) => {
        const body = await readJsonBody(req, rotateSchema);
        const options = body.value === undefined ? {} : { value: toValue(body.value, body.binary) };
        sendJson(res, 200, await secrets.rotate(nameOf(params), options), ctx.requestId);
      },
    },
  ];
}
