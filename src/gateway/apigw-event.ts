import type { RouteMatch } from './route-table.js';

/**
 * The event an HTTP route delivers: API Gateway HTTP API payload format 2.0, field for field.
 * docs/http-events.md is the user-facing description; keep the two in step.
 */
export interface HttpApiEvent {
  version: '2.0';
  routeKey: string;
  rawPath: string;
  rawQueryString: string;
  cookies?: string[];
  headers: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  requestContext: {
    accountId: string;
    apiId: string;
    domainName: string;
    domainPrefix: string;
    http: { method: string; path: string; protocol: string; sourceIp: string; userAgent: string };
    requestId: string;
    routeKey: string;
    stage: string;
    time: string;
    timeEpoch: number;
    /** What the route's authorizer found: a JWT's claims and scopes, or a Lambda authorizer's context. */
    authorizer?: HttpEventAuthorizer;
  };
  body?: string;
  pathParameters?: Record<string, string>;
  isBase64Encoded: boolean;
}

/** requestContext.authorizer, as API Gateway fills it for JWT and Lambda authorizers. */
export interface HttpEventAuthorizer {
  jwt?: { claims: Record<string, string>; scopes: string[] | null };
  lambda?: Record<string, unknown>;
}

/** What the gateway knows about one request, as plain data (so the mapping is testable without sockets). */
export interface HttpEventInput {
  method: string;
  /** The path as received, still percent-encoded. */
  rawPath: string;
  /** The query string as received, without '?'. */
  rawQueryString: string;
  /** Node's `req.rawHeaders`: names and values alternating, in arrival order. */
  rawHeaders: readonly string[];
  body: Buffer;
  route: Pick<RouteMatch, 'routeKey' | 'pathParameters'> & Partial<RouteMatch>;
  requestId: string;
  /** The TCP peer address (IPv4-mapped IPv6 addresses already unwrapped). */
  sourceIp: string;
  /** The server port the request arrived on (for x-forwarded-port). */
  localPort: number;
  /** Milliseconds since the epoch when the request arrived. */
  timeEpoch: number;
  accountId: string;
}

/** The API id reported in requestContext.apiId: one Gust server is one "API". */
export const API_ID = 'gust';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

let cachedSecond = Number.NaN;
let cachedTime = '';

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** API Gateway's requestContext.time: "26/Nov/2026:22:01:19 +0000" (UTC). Cached per second. */
export function formatRequestTime(epochMs: number): string {
  const second = Math.floor(epochMs / 1000);
  if (second === cachedSecond) return cachedTime;
  const d = new Date(second * 1000);
  cachedTime =
    `${pad2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} +0000`;
  cachedSecond = second;
  return cachedTime;
}

/**
 * True for media types API Gateway passes as text; any other body (or one without a Content-Type)
 * is base64-encoded with isBase64Encoded: true.
 */
export function isTextContentType(contentType: string | undefined): boolean {
  if (contentType === undefined || contentType === '') return false;
  const semi = contentType.indexOf(';');
  const type = (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    type === 'application/json' ||
    type === 'application/xml' ||
    type === 'application/x-www-form-urlencoded' ||
    type === 'application/javascript' ||
    type.endsWith('+json') ||
    type.endsWith('+xml')
  );
}

function decodeComponent(text: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // Malformed escapes are passed through as received rather than rejected.
  }
}

/**
 * queryStringParameters: names and values percent-decoded ('+' is left as is), repeated names joined
 * with ",". Undefined when the query string has no parameters.
 */
export function parseQueryString(query: string): Record<string, string> | undefined {
  if (query === '') return undefined;
  let out: Record<string, string> | undefined;
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decodeComponent(eq === -1 ? part : part.slice(0, eq));
    const value = eq === -1 ? '' : decodeComponent(part.slice(eq + 1));
    // Null prototype: a parameter named "__proto__" or "constructor" is just a parameter.
    out ??= Object.create(null) as Record<string, string>;
    const previous = out[name];
    out[name] = previous === undefined ? value : `${previous},${value}`;
  }
  return out;
}

function hostToDomain(host: string | undefined): { domainName: string; domainPrefix: string } {
  if (host === undefined || host === '') return { domainName: 'localhost', domainPrefix: 'localhost' };
  let domainName = host;
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    domainName = end === -1 ? host : host.slice(0, end + 1);
  } else {
    const colon = host.indexOf(':');
    if (colon !== -1) domainName = host.slice(0, colon);
  }
  const dot = domainName.indexOf('.');
  const isIp = domainName.startsWith('[') || /^\d+\.\d+\.\d+\.\d+$/.test(domainName);
  return { domainName, domainPrefix: dot === -1 || isIp ? domainName : domainName.slice(0, dot) };
}

/** Builds the payload format 2.0 event for one request. */
export function buildHttpEvent(input: HttpEventInput): HttpApiEvent {
  const raw = input.rawHeaders;
  const headers = Object.create(null) as Record<string, string>;
  let cookies: string[] | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    if (name === 'cookie') {
      // As API Gateway: cookies move to their own field, and the cookie header is left out.
      for (const cookie of value.split(';')) {
        const trimmed = cookie.trim();
        if (trimmed === '') continue;
        cookies ??= [];
        cookies.push(trimmed);
      }
      continue;
    }
    const previous = headers[name];
    headers[name] = previous === undefined ? value : `${previous},${value}`;
  }
  const forwardedFor = headers['x-forwarded-for'];
  headers['x-forwarded-for'] =
    forwardedFor === undefined ? input.sourceIp : `${forwardedFor}, ${input.sourceIp}`;
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-forwarded-port'] ??= String(input.localPort);

  const { domainName, domainPrefix } = hostToDomain(headers.host);
  const event: HttpApiEvent = {
    version: '2.0',
    routeKey: input.route.routeKey,
    rawPath: input.rawPath,
    rawQueryString: input.rawQueryString,
    headers,
    requestContext: {
      accountId: input.accountId,
      apiId: API_ID,
      domainName,
      domainPrefix,
      http: {
        method: input.method,
        path: input.rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: input.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: input.requestId,
      routeKey: input.route.routeKey,
      stage: '$default',
      time: formatRequestTime(input.timeEpoch),
      timeEpoch: input.timeEpoch,
    },
    isBase64Encoded: false,
  };
  if (cookies !== undefined) event.cookies = cookies;
  const query = parseQueryString(input.rawQueryString);
  if (query !== undefined) event.queryStringParameters = query;
  if (input.route.pathParameters !== undefined) event.pathParameters = input.route.pathParameters;
  if (input.body.length > 0) {
    if (isTextContentType(headers['content-type'])) {
      event.body = input.body.toString('utf8');
    } else {
      event.body = input.body.toString('base64');
      event.isBase64Encoded = true;
    }
  }
  return event;
}
