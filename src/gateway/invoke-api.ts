import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { GustError } from '../core/errors.js';
import type { FunctionRegistry } from '../functions/control-plane.js';
import type { InvocationType, InvokeOptions, InvokeResult, Invoker } from '../invoker/types.js';
import type { Idempotency } from './idempotency.js';
import { idempotencyKey, requestFingerprint } from './idempotency-key.js';
import { sendReplay } from './idempotent-outcome.js';
import { functionArn, parseFunctionRef } from './lambda-names.js';
import { readBody } from './read-body.js';
import { send, sendJson } from './send.js';
import type { RequestContext } from './types.js';

export interface InvokeApiDeps {
  invoker: Invoker;
  registry: FunctionRegistry;
  idempotency: Idempotency;
  region: string;
  accountId: string;
  maxBodyBytes: number;
}

const PREFIX = '/2015-03-31/functions/';
const INVOCATIONS = '/invocations';
const INVOCATION_TYPES: ReadonlySet<string> = new Set<InvocationType>(['RequestResponse', 'Event', 'DryRun']);

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new GustError('ERR_INVALID_PARAMETER', `'${raw}' is not a valid function name.`, {
      details: { parameter: 'FunctionName' },
    });
  }
}

/** The function and qualifier of a request: the FunctionName may carry a qualifier, so may ?Qualifier=. */
function target(rawName: string, query: string): { name: string; qualifier: string | undefined } {
  const ref = parseFunctionRef(decodeName(rawName));
  const fromQuery = query === '' ? null : new URLSearchParams(query).get('Qualifier');
  if (fromQuery === null) return ref;
  if (fromQuery === '') {
    throw new GustError('ERR_INVALID_QUALIFIER', 'Qualifier must not be empty.', {
      details: { parameter: 'Qualifier' },
    });
  }
  if (ref.qualifier !== undefined && ref.qualifier !== fromQuery) {
    throw new GustError(
      'ERR_INVALID_PARAMETER',
      `The qualifier in the function name (${ref.qualifier}) and the Qualifier parameter (${fromQuery}) differ.`,
      { details: { parameter: 'Qualifier' } },
    );
  }
  return { name: ref.name, qualifier: fromQuery };
}

function parsePayload(body: Buffer): string {
  // Lambda runs a function invoked without a payload with the event {}.
  if (body.length === 0) return '{}';
  const text = body.toString('utf8');
  try {
    JSON.parse(text);
  } catch (error) {
    throw new GustError(
      'ERR_INVALID_JSON',
      `Could not parse request body into json: ${(error as Error).message}`,
    );
  }
  return text;
}

/**
 * The AWS Lambda Invoke API (`POST /2015-03-31/functions/{name}/invocations`), wire-compatible with
 * @aws-sdk/client-lambda, plus a minimal GetFunction (`GET /2015-03-31/functions/{name}`).
 */
export function createInvokeApi(
  deps: InvokeApiDeps,
): (req: IncomingMessage, res: ServerResponse, ctx: RequestContext) => Promise<void> {
  async function invoke(
    req: IncomingMessage,
    res: ServerResponse,
    ctx: RequestContext,
    rawName: string,
  ): Promise<void> {
    const { name, qualifier } = target(rawName, ctx.query);
    ctx.auth.require('function:Invoke', `gust:function:${name}`);
    const headers = req.headers;
    const invocationType = single(headers['x-amz-invocation-type']) ?? 'RequestResponse';
    if (!INVOCATION_TYPES.has(invocationType)) {
      throw new GustError(
        'ERR_INVALID_INVOCATION_TYPE',
        `X-Amz-Invocation-Type must be RequestResponse, Event or DryRun, got '${invocationType}'.`,
        { details: { parameter: 'X-Amz-Invocation-Type' } },
      );
    }
    const logType = single(headers['x-amz-log-type']);
    if (logType !== undefined && logType !== 'None' && logType !== 'Tail') {
      throw new GustError('ERR_INVALID_PARAMETER', `X-Amz-Log-Type must be None or Tail, got '${logType}'.`, {
        details: { parameter: 'X-Amz-Log-Type' },
      });
    }
    // Functions opt in to Idempotency-Key (idempotency in gust.yaml); elsewhere it is ignored.
    let key: string | undefined;
    let policy: { ttlSec: number; timeoutSec: number } | undefined;
    if (headers['idempotency-key'] !== undefined) {
      const { config } = deps.registry.resolve(name, qualifier).version;
      if (config.idempotencyTtlSec !== undefined) {
        key = idempotencyKey(req);
        policy = { ttlSec: config.idempotencyTtlSec, timeoutSec: config.timeoutSec };
      }
    }
    const payload = parsePayload(await readBody(req, deps.maxBodyBytes));

    const options: InvokeOptions = {
      trigger: 'invoke',
      invocationType: invocationType as InvocationType,
      requestId: ctx.requestId,
    };
    if (qualifier !== undefined) options.qualifier = qualifier;
    if (logType === 'Tail') options.logTail = true;
    const clientContext = single(headers['x-amz-client-context']);
    if (clientContext !== undefined) options.clientContext = clientContext;
    const traceId = single(headers['x-amzn-trace-id']);
    if (traceId !== undefined) options.traceId = traceId;

    if (key === undefined || policy === undefined) {
      const reply = toReply(await deps.invoker.invoke(name, payload, options));
      send(res, reply.status, reply.headers, reply.body, ctx.requestId);
      return;
    }
    const result = await deps.idempotency.run(
      {
        scope: `function:${name}`,
        key,
        fingerprint: requestFingerprint([qualifier ?? '$LATEST', invocationType], payload),
        requestId: ctx.requestId,
        ttlMs: policy.ttlSec * 1000,
        timeoutMs: policy.timeoutSec * 1000,
      },
      // A function error is a 200 here, so it is stored like any result; a throttle throws and is not.
      async () => ({ kind: 'response', ...toReply(await deps.invoker.invoke(name, payload, options)) }),
    );
    if (result.replayed) return sendReplay(res, result.stored, 'aws');
    if (result.outcome.kind === 'error') throw result.outcome.error;
    const { status, headers: out, body } = result.outcome;
    send(res, status, out, body, ctx.requestId);
  }

  /** The HTTP answer to an invoker's result; throttling throws 429. */
  function toReply(result: InvokeResult): {
    status: number;
    headers: OutgoingHttpHeaders;
    body: string | null;
  } {
    switch (result.status) {
      case 'accepted':
        return { status: 202, headers: {}, body: null };
      case 'dry-run':
        return { status: 204, headers: {}, body: null };
      case 'throttled':
        throw new GustError(
          'ERR_TOO_MANY_REQUESTS',
          `Rate exceeded: function '${result.functionName}' is at its concurrency limit.`,
        );
      case 'success':
      case 'error':
      case 'timeout': {
        const out: OutgoingHttpHeaders = {
          'content-type': 'application/json',
          'X-Amz-Executed-Version': result.executedVersion,
        };
        if (result.logTail !== null)
          out['X-Amz-Log-Result'] = Buffer.from(result.logTail, 'utf8').toString('base64');
        if (result.status === 'success') return { status: 200, headers: out, body: result.payload ?? 'null' };
        // A function error is still a 200: the SDK reads X-Amz-Function-Error and the error payload.
        out['X-Amz-Function-Error'] = 'Unhandled';
        const error = result.error ?? {
          errorType: result.status === 'timeout' ? 'Sandbox.Timedout' : 'Runtime.Unknown',
          errorMessage: result.status === 'timeout' ? 'Task timed out' : 'The function failed',
        };
        return { status: 200, headers: out, body: JSON.stringify(error) };
      }
      default:
        throw new Error(`invoker answered with unknown status '${(result as InvokeResult).status}'`);
    }
  }

  function getFunction(res: ServerResponse, ctx: RequestContext, rawName: string): void {
    const { name, qualifier } = target(rawName, ctx.query);
    ctx.auth.require('function:Get', `gust:function:${name}`);
    const resolved = deps.registry.resolve(name, qualifier);
    const record = deps.registry.list().find((f) => f.name === name);
    const { version } = resolved;
    const { config } = version;
    const arnQualifier = resolved.executedVersion === '$LATEST' ? undefined : resolved.executedVersion;
    sendJson(
      res,
      200,
      {
        Configuration: {
          FunctionName: name,
          FunctionArn: functionArn(deps.region, deps.accountId, name, arnQualifier),
          Runtime: config.runtime,
          Handler: config.handler,
          CodeSize: version.codeSizeBytes,
          CodeSha256: version.codeHash,
          Description: config.description ?? '',
          Timeout: config.timeoutSec,
          MemorySize: config.memoryMB,
          LastModified: new Date(record?.updatedAt ?? version.createdAt).toISOString().replace('Z', '+0000'),
          Version: resolved.executedVersion,
          Environment: { Variables: config.environment },
          State: 'Active',
          LastUpdateStatus: 'Successful',
          PackageType: 'Zip',
        },
        Concurrency:
          config.reservedConcurrency === undefined
            ? undefined
            : { ReservedConcurrentExecutions: config.reservedConcurrency },
      },
      ctx.requestId,
    );
  }

  return async (req, res, ctx) => {
    const rest = ctx.path.startsWith(PREFIX) ? ctx.path.slice(PREFIX.length) : '';
    const method = req.method ?? 'GET';
    if (rest.endsWith(INVOCATIONS) && !rest.slice(0, -INVOCATIONS.length).includes('/')) {
      if (method !== 'POST') throw methodNotAllowed(method, 'POST');
      await invoke(req, res, ctx, rest.slice(0, -INVOCATIONS.length));
      return;
    }
    if (rest !== '' && !rest.includes('/')) {
      if (method !== 'GET') throw methodNotAllowed(method, 'GET');
      getFunction(res, ctx, rest);
      return;
    }
    throw new GustError(
      'ERR_NOT_FOUND',
      `Gust implements no Lambda API operation at ${method} ${ctx.path}.`,
      {
        awsType: 'UnknownOperationException',
      },
    );
  };
}

function methodNotAllowed(method: string, allow: string): GustError {
  return new GustError('ERR_METHOD_NOT_ALLOWED', `${method} is not allowed here; use ${allow}.`, {
    headers: { allow },
  });
}
