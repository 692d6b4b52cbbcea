import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

/**
 * Writes a whole response in one go. Every response of the gateway goes through here, so every one
 * carries the request id (x-request-id and x-amzn-RequestId) and an exact Content-Length (no chunked
 * encoding). `headers` is taken over and may be modified.
 */
export function send(
  res: ServerResponse,
  status: number,
  headers: OutgoingHttpHeaders,
  body: string | Buffer | null,
  requestId: string,
): void {
  headers['x-request-id'] = requestId;
  headers['x-amzn-RequestId'] = requestId;
  // 1xx, 204 and 304 never have a body (RFC 9110), and 204 no Content-Length either.
  if (status === 204 || status === 304 || status < 200) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  if (body === null || body.length === 0) {
    headers['content-length'] = 0;
    res.writeHead(status, headers);
    res.end();
    return;
  }
  headers['content-length'] = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  res.writeHead(status, headers);
  res.end(body);
}

/** Sends `value` as JSON. */
export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  requestId: string,
  headers: OutgoingHttpHeaders = {},
): void {
  headers['content-type'] = 'application/json';
  send(res, status, headers, JSON.stringify(value), requestId);
}
