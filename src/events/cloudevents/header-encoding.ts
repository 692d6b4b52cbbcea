/**
 * Percent-encoding of `ce-` header values (HTTP protocol binding 3.1.3.2). Encoding escapes space,
 * double quote, percent and everything outside printable ASCII, as UTF-8 bytes with upper-case hex.
 * Decoding first unwraps an RFC 7230 quoted-string (older senders used them), then performs one round
 * of percent-decoding and refuses byte sequences that are not valid UTF-8 (such as the overlong
 * `%C0%A0`).
 */
import { invalidCloudEvent } from './cloud-event.js';

/** Encodes an attribute's canonical string for an HTTP header. Code points, not UTF-16 units. */
export function encodeHeaderValue(value: string): string {
  let encoded = '';
  for (const character of value) {
    const codePoint = character.codePointAt(0) ?? 0;
    if (codePoint >= 0x21 && codePoint <= 0x7e && codePoint !== 0x22 && codePoint !== 0x25) {
      encoded += character;
      continue;
    }
    for (const byte of Buffer.from(character, 'utf8')) {
      encoded += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return encoded;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes a header value as received (node:http gives header bytes as latin1 characters).
 * `header` names the header for error messages.
 */
export function decodeHeaderValue(raw: string, header: string): string {
  let value = raw.replace(/^[ \t]+|[ \t]+$/g, '');
  if (value.startsWith('"')) value = unquote(value, header);
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x25) {
      const pair = value.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(pair)) {
        throw invalidCloudEvent(
          `header ${header}`,
          `has a "%" at position ${i} not followed by two hex digits; encode "%" as %25`,
        );
      }
      bytes.push(Number.parseInt(pair, 16));
      i += 2;
    } else if ((code >= 0x20 && code <= 0x7e) || code === 0x09) {
      bytes.push(code);
    } else {
      throw invalidCloudEvent(
        `header ${header}`,
        `contains a character outside printable ASCII (position ${i}); percent-encode its UTF-8 bytes, as in %E2%82%AC`,
      );
    }
  }
  try {
    return utf8.decode(Uint8Array.from(bytes));
  } catch (error) {
    throw invalidCloudEvent(`header ${header}`, 'percent-decodes to bytes that are not valid UTF-8', error);
  }
}

/** RFC 7230 section 3.2.6: `"..."` with `\x` escapes; the whole value must be one quoted-string. */
function unquote(value: string, header: string): string {
  let result = '';
  for (let i = 1; i < value.length; i++) {
    const character = value[i];
    if (character === '\\') {
      const escaped = value[i + 1];
      if (escaped === undefined) break;
      result += escaped;
      i++;
    } else if (character === '"') {
      if (i !== value.length - 1) {
        throw invalidCloudEvent(`header ${header}`, 'has text after its closing double quote');
      }
      return result;
    } else {
      result += character;
    }
  }
  throw invalidCloudEvent(`header ${header}`, 'starts with a double quote that is never closed');
}
