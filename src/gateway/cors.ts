import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { CorsConfig } from '../core/types.js';

/**
 * A route's CORS configuration, compiled once per route table: the header values are joined ahead
 * of time, so answering a preflight or decorating a response only looks things up.
 *
 * As API Gateway HTTP APIs do, the gateway answers preflights itself (the function is not invoked
 * and no credentials are asked for: browsers never send them on a preflight) and adds the
 * Access-Control-* headers to actual responses. An origin that is not allowed gets no CORS
 * headers at all, so the browser blocks the response.
 */
export class CompiledCors {
  readonly #anyOrigin: boolean;
  readonly #origins: ReadonlySet<string>;
  readonly #anyMethod: boolean;
  readonly #methods: ReadonlySet<string>;
  readonly #methodList: string;
  readonly #anyHeader: boolean;
  readonly #headerList: string;
  readonly #expose: string | undefined;
  readonly #maxAge: string | undefined;
  readonly #credentials: boolean;

  constructor(config: CorsConfig) {
    this.#anyOrigin = config.allowOrigins.includes('*');
    this.#origins = new Set(config.allowOrigins.map((o) => o.toLowerCase()));
    this.#anyMethod = config.allowMethods.includes('*');
    this.#methods = new Set(config.allowMethods);
    this.#methodList = config.allowMethods.join(',');
    this.#anyHeader = config.allowHeaders.includes('*');
    this.#headerList = config.allowHeaders.join(',');
    this.#expose = config.exposeHeaders.length > 0 ? config.exposeHeaders.join(',') : undefined;
    this.#maxAge = config.maxAgeSec === undefined ? undefined : String(config.maxAgeSec);
    this.#credentials = config.allowCredentials;
  }

  /** The value of Access-Control-Allow-Origin for `origin`, or undefined when it is not allowed. */
  allowOrigin(origin: string | undefined): string | undefined {
    if (origin === undefined) return undefined;
    if (this.#anyOrigin) return '*';
    return this.#origins.has(origin.toLowerCase()) ? origin : undefined;
  }

  /**
   * The headers answering a preflight, or undefined when the origin or the requested method is not
   * allowed. `*` for methods or headers is answered with what was asked for, because browsers take
   * `*` literally on credentialed requests.
   */
  preflight(
    origin: string | undefined,
    method: string,
    requestHeaders: string | undefined,
  ): OutgoingHttpHeaders | undefined {
    const allowOrigin = this.allowOrigin(origin);
    if (allowOrigin === undefined) return undefined;
    if (!this.#anyMethod && !this.#methods.has(method)) return undefined;
    const headers: OutgoingHttpHeaders = {
      'access-control-allow-origin': allowOrigin,
      'access-control-allow-methods': this.#anyMethod ? method : this.#methodList,
      vary: 'origin, access-control-request-method, access-control-request-headers',
    };
    const allowHeaders = this.#anyHeader ? requestHeaders : this.#headerList;
    if (allowHeaders !== undefined && allowHeaders !== '')
      headers['access-control-allow-headers'] = allowHeaders;
    if (this.#maxAge !== undefined) headers['access-control-max-age'] = this.#maxAge;
    if (this.#credentials) headers['access-control-allow-credentials'] = 'true';
    return headers;
  }

  /**
   * Adds the headers of an actual (non-preflight) response for `origin`, before anything is sent,
   * so error responses carry them too (a browser hides a response it may not read, errors included).
   */
  decorate(res: ServerResponse, origin: string | undefined): void {
    const allowOrigin = this.allowOrigin(origin);
    if (allowOrigin === undefined) return;
    res.setHeader('access-control-allow-origin', allowOrigin);
    if (allowOrigin !== '*') res.setHeader('vary', 'origin');
    if (this.#expose !== undefined) res.setHeader('access-control-expose-headers', this.#expose);
    if (this.#credentials) res.setHeader('access-control-allow-credentials', 'true');
  }
}

/** True for a CORS preflight: OPTIONS with Origin and Access-Control-Request-Method. */
export function isPreflight(
  method: string,
  headers: { origin?: string | undefined; [name: string]: unknown },
): boolean {
  return (
    method === 'OPTIONS' &&
    headers.origin !== undefined &&
    headers['access-control-request-method'] !== undefined
  );
}

/** Response headers a function may not set on a CORS route: the gateway's CORS answer wins. */
export function dropFunctionCorsHeaders(headers: OutgoingHttpHeaders): void {
  for (const name of Object.keys(headers)) if (name.startsWith('access-control-')) delete headers[name];
}
