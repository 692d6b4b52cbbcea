import { createHash } from 'node:crypto';
import type { MessageAttribute } from '../store/queue-repository.js';

/**
 * The digests SQS returns with every sent and received message, computed exactly as SQS does, so
 * SDKs that verify them (@aws-sdk/client-sqs checks MD5OfMessageBody / MD5OfBody by default; the
 * Java SDK checks the attribute digest too) accept Gust's answers.
 */

/** MD5 of the body's UTF-8 bytes, as lowercase hex. */
export function md5OfBody(body: string): string {
  return createHash('md5').update(body, 'utf8').digest('hex');
}

/** Transport type bytes of the attribute digest: 1 for String and Number values, 2 for Binary. */
const STRING_TRANSPORT = 1;
const BINARY_TRANSPORT = 2;

function lengthPrefixed(bytes: Buffer): Buffer[] {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return [length, bytes];
}

/**
 * SQS's MD5 of message attributes: the attributes sorted by name (code unit order); for each, the
 * name, then the data type, each as a 4-byte big-endian length and UTF-8 bytes; one transport byte
 * (1 string, 2 binary); then the value as a 4-byte length and its bytes (UTF-8 for strings, the
 * decoded bytes for binary). The MD5 of the concatenation, as lowercase hex. Undefined when there
 * are no attributes (SQS then leaves MD5OfMessageAttributes out).
 */
export function md5OfMessageAttributes(attributes: Record<string, MessageAttribute>): string | undefined {
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return undefined;
  const hash = createHash('md5');
  for (const name of names) {
    const attribute = attributes[name] as MessageAttribute;
    for (const part of lengthPrefixed(Buffer.from(name, 'utf8'))) hash.update(part);
    for (const part of lengthPrefixed(Buffer.from(attribute.DataType, 'utf8'))) hash.update(part);
    if (attribute.BinaryValue !== undefined && attribute.StringValue === undefined) {
      hash.update(Buffer.of(BINARY_TRANSPORT));
      for (const part of lengthPrefixed(Buffer.from(attribute.BinaryValue, 'base64'))) hash.update(part);
    } else {
      hash.update(Buffer.of(STRING_TRANSPORT));
      for (const part of lengthPrefixed(Buffer.from(attribute.StringValue ?? '', 'utf8'))) hash.update(part);
    }
  }
  return hash.digest('hex');
}
