/**
 * Turns the caller's client context (base64-encoded JSON, as in the Invoke API's
 * X-Amz-Client-Context header) into compact JSON text, as the Runtime API's
 * Lambda-Runtime-Client-Context header carries it. Anything that does not decode to JSON is dropped.
 */
export function decodeClientContext(base64: string | undefined): string | undefined {
  if (base64 === undefined || base64 === '') return undefined;
  try {
    return JSON.stringify(JSON.parse(Buffer.from(base64, 'base64').toString('utf8')));
  } catch {
    return undefined;
  }
}
