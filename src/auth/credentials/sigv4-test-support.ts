/**
 * Helpers for the SigV4 tests: a tiny HTTP server that verifies every request with verifySigV4 and
 * answers like Gust's gateway would, and a signer that signs requests the way the AWS SDK does
 * (same library) so tests can change them afterwards. Not used outside tests.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import { sendError } from '../../gateway/error-response.js';
import { readBody } from '../../gateway/read-body.js';
import { send } from '../../gateway/send.js';
import { generateKeyPair, type KeyPair } from './key-format.js';
import { NodeSha256 } from './node-sha256.js';
import { type SigV4Identity, type SigV4Options, verifySigV4 } from './sigv4.js';

/** The only key the test server knows. */
export const KNOWN_KEY: KeyPair = generateKeyPair();

export const lookupSecret = async (accessKeyId: string): Promise<string | undefined> =>
  accessKeyId === KNOWN_KEY.accessKeyId ? KNOWN_KEY.secret : undefined;

export interface VerifyingServer {
  url: string;
  port: number;
  /** Every identity verified, in order. */
  verified: SigV4Identity[];
  /** The server's clock offset from real time, in ms (to make the client's time look stale). */
  clockOffsetMs: number;
  close(): Promise<void>;
}

/**
 * Answers 200 when the signature verifies: an Invoke-shaped response for Lambda paths (the payload
 * names the key), `{"QueueUrls": [...]}` for SQS's JSON protocol. Otherwise the error, shaped by
 * the gateway's own sendError (x-amzn-ErrorType, __type for the JSON protocol).
 */
export async function startVerifyingServer(options: SigV4Options = {}): Promise<VerifyingServer> {
  let requests = 0;
  const state: { verified: SigV4Identity[]; clockOffsetMs: number } = { verified: [], clockOffsetMs: 0 };
  const server: Server = createServer((req, res) => {
    const requestId = `req-${++requests}`;
    const awsJson = req.headers['x-amz-target'] !== undefined;
    void (async () => {
      try {
        const body = await readBody(req, 1024 * 1024);
        const identity = await verifySigV4(
          { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headersDistinct, body },
          lookupSecret,
          Date.now() + state.clockOffsetMs,
          options,
        );
        state.verified.push(identity);
        if (awsJson) {
          const json = JSON.stringify({ QueueUrls: [`http://queues/${identity.accessKeyId}`] });
          send(res, 200, { 'content-type': 'application/x-amz-json-1.0' }, json, requestId);
        } else {
          const payload = JSON.stringify({ accessKeyId: identity.accessKeyId, service: identity.service });
          send(
            res,
            200,
            { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' },
            payload,
            requestId,
          );
        }
      } catch (error) {
        sendError(res, error, requestId, awsJson ? 'aws-json' : 'aws');
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get verified() {
      return state.verified;
    },
    get clockOffsetMs() {
      return state.clockOffsetMs;
    },
    set clockOffsetMs(value: number) {
      state.clockOffsetMs = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface RequestToSign {
  method: string;
  host: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
}

export interface SignOptions {
  key?: KeyPair;
  service?: string;
  region?: string;
  date?: Date;
  /** Adds x-amz-content-sha256, as the AWS SDK for JavaScript does (default true). */
  applyChecksum?: boolean;
}

function signer(options: SignOptions): SignatureV4 {
  const key = options.key ?? KNOWN_KEY;
  return new SignatureV4({
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secret },
    region: options.region ?? 'us-east-1',
    service: options.service ?? 'lambda',
    sha256: NodeSha256,
    applyChecksum: options.applyChecksum ?? true,
  });
}

function toSign(request: RequestToSign) {
  return {
    method: request.method,
    protocol: 'http:',
    hostname: request.host,
    path: request.path,
    query: request.query ?? {},
    headers: { host: request.host, ...request.headers },
    ...(request.body === undefined ? {} : { body: request.body }),
  };
}

/** Signs a request with the Authorization header; returns the headers to send. */
export async function signHeaders(
  request: RequestToSign,
  options: SignOptions = {},
): Promise<Record<string, string>> {
  const signed = await signer(options).sign(toSign(request), { signingDate: options.date ?? new Date() });
  return signed.headers;
}

/** Presigns a request; returns the path and query to send (the query percent-encoded as the SDK does). */
export async function presignUrl(
  request: RequestToSign,
  expiresIn: number,
  options: SignOptions = {},
): Promise<{ url: string; headers: Record<string, string> }> {
  const signed = await signer({ ...options, applyChecksum: false }).presign(toSign(request), {
    signingDate: options.date ?? new Date(),
    expiresIn,
  });
  const query = Object.entries(signed.query ?? {})
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
    .join('&');
  return { url: `${signed.path}?${query}`, headers: signed.headers };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: Record<string, unknown>;
}

/** Sends a request exactly as given (no signing), reading a JSON answer. */
export function sendRaw(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          json: text === '' ? {} : JSON.parse(text),
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
