import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LambdaErrorPayload } from '../../core/types.js';
import { MAX_RESPONSE_BYTES, responseTooLarge } from '../lambda-errors.js';

/**
 * The Lambda Runtime API (version 2018-06-01) for one instance of a `provided` function. Each
 * instance gets its own server on its own port: the API's paths carry no function or instance, so
 * the port is what identifies the instance.
 *
 *   GET  /2018-06-01/runtime/invocation/next            long-polls for the next event
 *   POST /2018-06-01/runtime/invocation/{id}/response   the result (202; over 6 MB → 413)
 *   POST /2018-06-01/runtime/invocation/{id}/error      a function error (202)
 *   POST /2018-06-01/runtime/init/error                 init failed (202; only before the first /next)
 *
 * Unknown request id → 400 InvalidRequestID; out-of-order calls → 403 InvalidStateTransition;
 * unknown path → 404.
 */

const PREFIX = '/2018-06-01/runtime';
const NEXT_PATH = `${PREFIX}/invocation/next`;
const INIT_ERROR_PATH = `${PREFIX}/init/error`;
const INVOCATION_PATH = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/;
const ERROR_TYPE_HEADER = 'lambda-runtime-function-error-type';
/** Error bodies larger than this are cut (they are only messages and stack traces). */
const MAX_ERROR_BODY_BYTES = 1024 * 1024;

/** An event handed to the runtime. `clientContext` is JSON text (already decoded from base64). */
export interface RuntimeInvocation {
  requestId: string;
  payload: string;
  deadline: number;
  invokedFunctionArn: string;
  traceId: string;
  clientContext?: string;
}

/** What the runtime answered for an invocation. */
export type RuntimeReply = { ok: true; payload: string } | { ok: false; error: LambdaErrorPayload };

export interface RuntimeApiHooks {
  /** The runtime asked for its first event: initialization is complete. */
  onFirstNext(): void;
  /** The runtime reported that initialization failed. */
  onInitError(error: LambdaErrorPayload): void;
}

interface Slot {
  invocation: RuntimeInvocation;
  resolve: (reply: RuntimeReply) => void;
}

interface Body {
  text: string;
  tooLarge: boolean;
}

function readBody(req: IncomingMessage, limit: number): Promise<Body> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge }));
    req.on('error', () => resolve({ text: '', tooLarge }));
  });
}

function stringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
}

/**
 * Lambda's error from a runtime's error body. The body should be `{errorMessage, errorType,
 * stackTrace}`; when it cannot be read, the Lambda-Runtime-Function-Error-Type header names the type.
 */
export function parseRuntimeError(body: string, headerType: string | undefined): LambdaErrorPayload {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const fields = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : null;
  const errorType =
    typeof fields?.errorType === 'string' && fields.errorType !== ''
      ? fields.errorType
      : headerType || 'Unhandled';
  const errorMessage = typeof fields?.errorMessage === 'string' ? fields.errorMessage : fields ? '' : body;
  const trace = stringArray(fields?.stackTrace) ?? stringArray(fields?.trace);
  return trace ? { errorType, errorMessage, trace } : { errorType, errorMessage };
}

export class RuntimeApiServer {
  readonly #hooks: RuntimeApiHooks;
  readonly #server: Server;
  #initialized = false;
  #closed = false;
  /** Submitted, not yet handed to the runtime. */
  #queued: Slot | null = null;
  /** Handed to the runtime, no answer yet. */
  #inFlight: Slot | null = null;
  /** A /next request waiting for an event. */
  #waiting: ServerResponse | null = null;

  constructor(hooks: RuntimeApiHooks) {
    this.#hooks = hooks;
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    // /next is long-polled and runtimes keep connections open between events.
    this.#server.keepAliveTimeout = 0;
    this.#server.requestTimeout = 0;
    this.#server.on('clientError', (_error, socket) => socket.destroy());
  }

  /**
   * Starts listening on a free loopback port and returns `host:port` for AWS_LAMBDA_RUNTIME_API; or,
   * given `socketPath`, on that Unix socket (for a sandbox without network, reached through a
   * relay), returning the path.
   */
  listen(socketPath?: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      const done = (): void => {
        this.#server.off('error', reject);
        if (socketPath !== undefined) {
          resolve(socketPath);
          return;
        }
        const { port } = this.#server.address() as AddressInfo;
        resolve(`127.0.0.1:${port}`);
      };
      if (socketPath !== undefined) this.#server.listen(socketPath, done);
      else this.#server.listen(0, '127.0.0.1', done);
    });
  }

  /** Queues `invocation` for the runtime; resolves with its answer. One invocation at a time. */
  submit(invocation: RuntimeInvocation): Promise<RuntimeReply> {
    return new Promise((resolve) => {
      this.#queued = { invocation, resolve };
      const waiting = this.#waiting;
      if (waiting) {
        this.#waiting = null;
        this.#deliver(waiting);
      }
    });
  }

  /** Forgets the current invocation (the instance settled it another way, e.g. the process died). */
  abandon(): void {
    this.#queued = null;
    this.#inFlight = null;
  }

  /** Stops the server and drops every connection (including a waiting /next). */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    this.abandon();
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (path === NEXT_PATH) {
      if (req.method !== 'GET') return send(res, 405, error('MethodNotAllowed', 'Use GET'));
      req.resume();
      return this.#next(res);
    }
    if (path === INIT_ERROR_PATH) {
      if (req.method !== 'POST') return send(res, 405, error('MethodNotAllowed', 'Use POST'));
      return this.#initError(req, res);
    }
    const match = INVOCATION_PATH.exec(path);
    if (match?.[1] !== undefined && match[2] !== undefined) {
      if (req.method !== 'POST') return send(res, 405, error('MethodNotAllowed', 'Use POST'));
      let requestId: string;
      try {
        requestId = decodeURIComponent(match[1]);
      } catch {
        requestId = match[1];
      }
      return match[2] === 'response' ? this.#response(req, res, requestId) : this.#error(req, res, requestId);
    }
    req.resume();
    send(res, 404, error('NotFound', `No such Runtime API path: ${req.method} ${path}`));
  }

  #next(res: ServerResponse): void {
    if (!this.#initialized) {
      this.#initialized = true;
      this.#hooks.onFirstNext();
    }
    if (this.#inFlight || this.#waiting) {
      send(res, 403, error('InvalidStateTransition', 'An invocation is already in progress'));
    } else if (this.#queued) {
      this.#deliver(res);
    } else {
      this.#waiting = res;
      res.on('close', () => {
        if (this.#waiting === res) this.#waiting = null;
      });
    }
  }

  #deliver(res: ServerResponse): void {
    const slot = this.#queued;
    if (!slot) return;
    this.#queued = null;
    this.#inFlight = slot;
    const inv = slot.invocation;
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'Lambda-Runtime-Aws-Request-Id': inv.requestId,
      'Lambda-Runtime-Deadline-Ms': String(inv.deadline),
      'Lambda-Runtime-Invoked-Function-Arn': inv.invokedFunctionArn,
      'Lambda-Runtime-Trace-Id': inv.traceId,
    };
    // Header values are bytes: send the UTF-8 of the JSON text as latin1 so non-ASCII survives.
    if (inv.clientContext !== undefined) {
      headers['Lambda-Runtime-Client-Context'] = Buffer.from(inv.clientContext, 'utf8').toString('latin1');
    }
    res.writeHead(200, headers).end(inv.payload);
  }

  async #response(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const body = await readBody(req, MAX_RESPONSE_BYTES);
    const slot = this.#take(res, requestId);
    if (!slot) return;
    if (body.tooLarge) {
      send(
        res,
        413,
        error(
          'RequestEntityTooLarge',
          `Exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
        ),
      );
      return slot.resolve({ ok: false, error: responseTooLarge() });
    }
    send(res, 202, { status: 'OK' });
    slot.resolve({ ok: true, payload: body.text });
  }

  async #error(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const body = await readBody(req, MAX_ERROR_BODY_BYTES);
    const slot = this.#take(res, requestId);
    if (!slot) return;
    send(res, 202, { status: 'OK' });
    slot.resolve({ ok: false, error: parseRuntimeError(body.text, headerValue(req, ERROR_TYPE_HEADER)) });
  }

  async #initError(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, MAX_ERROR_BODY_BYTES);
    if (this.#initialized) {
      return send(res, 403, error('InvalidStateTransition', 'Initialization already completed'));
    }
    send(res, 202, { status: 'OK' });
    this.#hooks.onInitError(parseRuntimeError(body.text, headerValue(req, ERROR_TYPE_HEADER)));
  }

  /** The in-flight invocation if `requestId` names it; otherwise answers 400 and returns null. */
  #take(res: ServerResponse, requestId: string): Slot | null {
    const slot = this.#inFlight;
    if (!slot || slot.invocation.requestId !== requestId) {
      send(res, 400, error('InvalidRequestID', `Invalid request ID: ${requestId}`));
      return null;
    }
    this.#inFlight = null;
    return slot;
  }
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function error(errorType: string, errorMessage: string): { errorMessage: string; errorType: string } {
  return { errorMessage, errorType };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res
    .writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) })
    .end(text);
}
