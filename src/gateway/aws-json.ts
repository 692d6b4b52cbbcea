import type { IncomingMessage, ServerResponse } from 'node:http';
import { GustError } from '../core/errors.js';
import { sendError } from './error-response.js';
import { checkDeclaredLength, readBody } from './read-body.js';
import { send } from './send.js';
import type { AwsJsonService, RequestContext } from './types.js';

export interface AwsJsonDeps {
  services: readonly AwsJsonService[];
  maxBodyBytes: number;
  /** Base URL for a request, from its Host header. */
  baseUrl(req: IncomingMessage): string;
}

/** True for requests in an AWS JSON protocol: POST / with an X-Amz-Target header. */
export function isAwsJsonRequest(req: IncomingMessage, path: string): boolean {
  return req.method === 'POST' && path === '/' && typeof req.headers['x-amz-target'] === 'string';
}

/**
 * Dispatches AWS JSON protocol requests to the service named by X-Amz-Target's prefix. Answers and
 * errors are written here, in the protocol's shape, so services only implement operations.
 */
export function createAwsJsonHandler(deps: AwsJsonDeps) {
  const byPrefix = new Map(deps.services.map((s) => [s.targetPrefix, s]));
  return async (req: IncomingMessage, res: ServerResponse, ctx: RequestContext): Promise<void> => {
    const target = String(req.headers['x-amz-target']);
    const dot = target.lastIndexOf('.');
    const service = byPrefix.get(dot === -1 ? target : target.slice(0, dot));
    const operation = dot === -1 ? '' : target.slice(dot + 1);
    const abort = new AbortController();
    res.once('close', () => abort.abort());
    try {
      if (!service) {
        throw new GustError(
          'ERR_NOT_FOUND',
          `Gust does not implement the AWS service of X-Amz-Target '${target}'.`,
          {
            awsType: 'UnknownOperationException',
          },
        );
      }
      checkDeclaredLength(req, deps.maxBodyBytes);
      const raw = await readBody(req, deps.maxBodyBytes);
      let input: unknown = {};
      if (raw.length > 0) {
        try {
          input = JSON.parse(raw.toString('utf8'));
        } catch (error) {
          throw new GustError(
            'ERR_INVALID_JSON',
            `The request body is not JSON: ${(error as Error).message}`,
            {
              awsType: 'SerializationException',
            },
          );
        }
      }
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        throw new GustError('ERR_INVALID_JSON', 'The request body must be a JSON object.', {
          awsType: 'SerializationException',
        });
      }
      const operationCtx = { ...ctx, baseUrl: deps.baseUrl(req), signal: abort.signal };
      const body = input as Record<string, unknown>;
      service.authorize(operation, body, operationCtx);
      const output = await service.handle(operation, body, operationCtx);
      send(
        res,
        200,
        { 'content-type': 'application/x-amz-json-1.0' },
        JSON.stringify(output ?? {}),
        ctx.requestId,
      );
    } catch (error) {
      sendError(res, error, ctx.requestId, 'aws-json', service?.errorHeaders?.bind(service));
    }
  };
}
