import { ALGORITHM_IDENTIFIER, createScope, getCanonicalHeaders, SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from './node-sha256.js';

/** Exactly what the client signed, as the verifier reconstructs it from the request. */
export interface SignedRequestParts {
  method: string;
  /** The path as received, still percent-encoded. */
  path: string;
  /** Decoded query parameters (X-Amz-Signature, if present, is left out by the library). */
  query: Record<string, string | string[]>;
  /** Only the signed headers, lowercase names, duplicate values joined with ','. */
  headers: Record<string, string>;
  signedHeaders: readonly string[];
  /** The value the canonical request ends with: a hex SHA-256 or UNSIGNED-PAYLOAD. */
  payloadHash: string;
  /** The request's timestamp as YYYYMMDDTHHMMSSZ; its day is the scope's day. */
  longDate: string;
  region: string;
  service: string;
  /** False only for S3, which signs the path as sent instead of encoding it once more. */
  uriEscapePath: boolean;
}

export interface ComputedSignature {
  signature: string;
  canonicalRequest: string;
  stringToSign: string;
}

/**
 * Recomputes a SigV4 signature with @smithy/signature-v4, the signer the AWS SDK for JavaScript
 * uses, so canonicalisation (path normalisation and double-encoding, query sorting and encoding,
 * header trimming) and key derivation are the library's, not ours.
 *
 * The library's public `sign(request)` is made for clients: it replaces x-amz-date, drops `date`
 * and chooses which headers to sign itself. A verifier must instead reproduce the client's choices,
 * so this subclass calls the library's canonical-request and string-to-sign steps directly with
 * the signed headers the client named, then signs the string with the library's `sign(string)`.
 */
class VerifyingSigner extends SignatureV4 {
  async compute(parts: SignedRequestParts): Promise<ComputedSignature> {
    const request = {
      method: parts.method,
      protocol: 'http:',
      hostname: parts.headers.host ?? '',
      path: parts.path,
      query: parts.query,
      headers: parts.headers,
    };
    // Sign what the client signed even where a client library would not (user-agent, ...).
    const canonicalHeaders = getCanonicalHeaders(request, undefined, new Set(parts.signedHeaders));
    const canonicalRequest = this.createCanonicalRequest(request, canonicalHeaders, parts.payloadHash);
    const scope = createScope(parts.longDate.slice(0, 8), parts.region, parts.service);
    const stringToSign = await this.createStringToSign(
      parts.longDate,
      scope,
      canonicalRequest,
      ALGORITHM_IDENTIFIER,
    );
    const signature = await this.sign(stringToSign, {
      signingDate: amzDateToDate(parts.longDate),
      signingRegion: parts.region,
      signingService: parts.service,
    });
    return { signature, canonicalRequest, stringToSign };
  }
}

function amzDateToDate(longDate: string): Date {
  const iso = `${longDate.slice(0, 4)}-${longDate.slice(4, 6)}-${longDate.slice(6, 11)}:${longDate.slice(11, 13)}:${longDate.slice(13)}`;
  return new Date(iso);
}

/** The signature the client should have sent, given the secret of its access key. */
export function computeSignature(
  parts: SignedRequestParts,
  accessKeyId: string,
  secret: string,
): Promise<ComputedSignature> {
  const signer = new VerifyingSigner({
    credentials: { accessKeyId, secretAccessKey: secret },
    region: parts.region,
    service: parts.service,
    sha256: NodeSha256,
    uriEscapePath: parts.uriEscapePath,
    applyChecksum: false,
  });
  return signer.compute(parts);
}
