/**
 * The CLI's only way to talk to Gust: HTTP against the control API and the Invoke API. Every
 * non-2xx answer and every transport failure becomes a CliError here, so commands only handle
 * success.
 */
import type {
  ApiFunctionDetail,
  AsyncInvocationList,
  DeployReport,
  FunctionList,
  InvocationList,
  InvocationView,
  InvokeRequest,
  InvokeResponse,
  LogPage,
  LogQuery,
  PublishResult,
  RouteList,
} from './api-types.js';
import { CliError } from './cli-error.js';

export type FetchFn = typeof fetch;

export interface ClientOptions {
  /** Base URL of the server, e.g. http://127.0.0.1:7800 (a trailing slash is ignored). */
  endpoint: string;
  /** Replaces global fetch (tests). */
  fetch?: FetchFn;
  /** The key sent as `Authorization: Bearer gust_<id>_<secret>` with every request. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Added to a 401 answer when no credentials were sent: where to get some. */
  noCredentialsHint?: string;
}

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
}

export interface GustClient {
  readonly endpoint: string;
  /** Sends one request; resolves for 2xx, throws CliError otherwise. */
  request(method: string, path: string, options?: RequestOptions): Promise<ApiResponse>;
  deploy(archive: Uint8Array): Promise<DeployReport>;
  listFunctions(): Promise<FunctionList>;
  getFunction(name: string): Promise<ApiFunctionDetail>;
  deleteFunction(name: string): Promise<void>;
  publish(name: string): Promise<PublishResult>;
  listInvocations(name: string, limit?: number): Promise<InvocationList>;
  getInvocation(requestId: string): Promise<InvocationView>;
  listAsyncInvocations(name: string, limit?: number): Promise<AsyncInvocationList>;
  logs(name: string, query: LogQuery): Promise<LogPage>;
  routes(): Promise<RouteList>;
  invoke(name: string, request: InvokeRequest): Promise<InvokeResponse>;
}

const CONTROL = '/_gust/v1';

export function createClient(options: ClientOptions): GustClient {
  const endpoint = options.endpoint.replace(/\/+$/, '');
  const fetchFn = options.fetch ?? fetch;
  const authorization =
    options.credentials === undefined
      ? undefined
      : `Bearer gust_${options.credentials.accessKeyId}_${options.credentials.secretAccessKey}`;

  async function request(method: string, path: string, opts: RequestOptions = {}): Promise<ApiResponse> {
    const url = new URL(endpoint + path);
    for (const [key, value] of Object.entries(opts.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    let response: Response;
    let text: string;
    try {
      const init: RequestInit = { method };
      const headers: Record<string, string> = { ...opts.headers };
      if (authorization !== undefined) headers.authorization = authorization;
      init.headers = headers;
      if (opts.body !== undefined) init.body = opts.body;
      response = await fetchFn(url, init);
      text = await response.text();
    } catch (error) {
      throw errorFromFetchFailure(error, endpoint);
    }
    if (response.status < 200 || response.status > 299) {
      const error = errorFromResponse(response.status, response.statusText, response.headers, text);
      if (response.status === 401 && authorization === undefined && options.noCredentialsHint !== undefined) {
        throw new CliError(`${error.message} ${options.noCredentialsHint}`, {
          status: 401,
          ...(error.code !== undefined ? { code: error.code } : {}),
        });
      }
      throw error;
    }
    return { status: response.status, headers: response.headers, text };
  }

  async function json<T>(method: string, path: string, opts?: RequestOptions): Promise<T> {
    const response = await request(method, path, opts);
    return parseJson<T>(response.text, `${method} ${path}`);
  }

  const fn = (name: string) => `${CONTROL}/functions/${encodeURIComponent(name)}`;

  return {
    endpoint,
    request,
    deploy: (archive) =>
      json('POST', `${CONTROL}/deploy`, { body: archive, headers: { 'content-type': 'application/gzip' } }),
    listFunctions: () => json('GET', `${CONTROL}/functions`),
    getFunction: (name) => json('GET', fn(name)),
    deleteFunction: async (name) => {
      await request('DELETE', fn(name));
    },
    publish: async (name) => {
      const response = await request('POST', `${fn(name)}/versions`);
      const body = parseJson<Omit<PublishResult, 'created'>>(response.text, 'publish');
      return { ...body, created: response.status === 201 };
    },
    listInvocations: (name, limit) => json('GET', `${fn(name)}/invocations`, { query: { limit } }),
    getInvocation: (requestId) => json('GET', `${CONTROL}/invocations/${encodeURIComponent(requestId)}`),
    listAsyncInvocations: (name, limit) => json('GET', `${fn(name)}/async`, { query: { limit } }),
    logs: (name, query) => json('GET', `${fn(name)}/logs`, { query: { ...query } }),
    routes: () => json('GET', `${CONTROL}/routes`),
    invoke: async (name, req) => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (req.async === true) headers['x-amz-invocation-type'] = 'Event';
      if (req.logTail === true) headers['x-amz-log-type'] = 'Tail';
      const response = await request(
        'POST',
        `/2015-03-31/functions/${encodeURIComponent(name)}/invocations`,
        {
          query: { Qualifier: req.qualifier },
          headers,
          body: req.payload,
        },
      );
      const log = response.headers.get('x-amz-log-result');
      return {
        status: response.status,
        requestId: response.headers.get('x-request-id') ?? response.headers.get('x-amzn-requestid'),
        executedVersion: response.headers.get('x-amz-executed-version'),
        functionError: response.headers.get('x-amz-function-error'),
        logTail: log === null ? null : Buffer.from(log, 'base64').toString('utf8'),
        body: response.text,
      };
    },
  };
}

function parseJson<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new CliError(`Gust answered ${what} with a body that is not JSON.`, { cause: error });
  }
}

/**
 * Turns an error response into a CliError carrying the server's code and message. Understands the
 * control API's `{"error":{code,message,details}}` and the Invoke API's AWS shape (`Type`/`message`
 * body fields, `x-amzn-ErrorType` header); anything else is reported by its HTTP status.
 */
export function errorFromResponse(
  status: number,
  statusText: string,
  headers: Headers,
  text: string,
): CliError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const record = isRecord(body) ? body : {};
  const nested = isRecord(record.error) ? record.error : undefined;
  const awsType = headers.get('x-amzn-errortype')?.split(':')[0] ?? stringField(record, 'Type');
  const code = (nested && stringField(nested, 'code')) ?? awsType;
  const message =
    (nested && stringField(nested, 'message')) ??
    stringField(record, 'message') ??
    stringField(record, 'Message') ??
    `Gust answered ${status}${statusText ? ` ${statusText}` : ''}.`;
  const details = nested && isRecord(nested.details) ? nested.details : undefined;
  const options: ConstructorParameters<typeof CliError>[1] = { status };
  if (code !== undefined) options.code = code;
  if (details !== undefined) options.details = details;
  return new CliError(message, options);
}

/** Codes (on the error or its causes) that mean nothing answered at the endpoint. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Turns a rejected fetch (connection refused, reset, DNS failure) into a CliError a user can act on. */
export function errorFromFetchFailure(error: unknown, endpoint: string): CliError {
  if (error instanceof CliError) return error;
  const codes = collectCodes(error);
  if (codes.some((code) => UNREACHABLE.has(code))) {
    return new CliError(`cannot reach Gust at ${endpoint} — is it running? (start it with: gust up)`, {
      cause: error,
    });
  }
  const reason = innermostMessage(error);
  if (reason === 'bad port') {
    // fetch refuses ports on the WHATWG "bad ports" list (9, 25, 6000, ...) without connecting.
    const port = new URL(endpoint).port;
    return new CliError(
      `cannot reach Gust at ${endpoint} — fetch refuses to connect to port ${port}; run Gust on another port (gust up --port 7800)`,
      { cause: error },
    );
  }
  const code = codes[0];
  return new CliError(
    `request to Gust at ${endpoint} failed: ${reason}${code !== undefined && !reason.includes(code) ? ` (${code})` : ''}`,
    { cause: error },
  );
}

/** Walks `cause` chains and AggregateError members collecting `code` properties, outermost first. */
function collectCodes(error: unknown, seen = new Set<unknown>()): string[] {
  if (!isRecord(error) || seen.has(error)) return [];
  seen.add(error);
  const codes: string[] = [];
  const code = stringField(error, 'code');
  if (code !== undefined) codes.push(code);
  codes.push(...collectCodes(error.cause, seen));
  if (Array.isArray(error.errors)) for (const inner of error.errors) codes.push(...collectCodes(inner, seen));
  return codes;
}

function innermostMessage(error: unknown): string {
  let current: unknown = error;
  let message = error instanceof Error ? error.message : String(error);
  for (let depth = 0; depth < 5 && isRecord(current); depth++) {
    const text = stringField(current, 'message');
    if (text) message = text;
    current = current.cause;
  }
  return message;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
