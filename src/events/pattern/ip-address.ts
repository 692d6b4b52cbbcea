/**
 * IP addresses for the `cidr` operator and for plain string values that are addresses (EventBridge
 * compares those as addresses, so "2001:db8::1" matches "2001:0db8:0:0:0:0:0:1").
 *
 * An address is parsed into 16-bit groups without allocating: IPv4 fills 2 groups, IPv6 fills 8.
 * Accepted text follows EventBridge's matching library: IPv4 is four decimal parts of 0-255; IPv6 is
 * hex groups with at most one "::" and no embedded IPv4 or zone; an IPv4-mapped IPv6 address
 * (::ffff:a00:1) counts as the IPv4 address it maps.
 */
import type { LeafValue, ValueTest } from './types.js';

export type IpFamily = 0 | 4 | 6;

// Scratch space for event values. Matching is synchronous, so one buffer per module is safe.
const valueGroups = new Uint16Array(8);
const tailGroups = new Uint16Array(8);

/** Parses `text` into `out` and returns 4 or 6, or 0 when it is not an address. */
export function parseIp(text: string, out: Uint16Array): IpFamily {
  if (text.indexOf(':') >= 0) return parseIpv6(text, out);
  return parseIpv4(text, out) ? 4 : 0;
}

function parseIpv4(text: string, out: Uint16Array): boolean {
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46; // a virtual "." ends the last part
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      digits++;
      if (value > 255) return false;
    } else if (c === 46 && digits > 0 && part < 4) {
      if (part % 2 === 0) out[part / 2] = value << 8;
      else out[(part - 1) / 2] = (out[(part - 1) / 2] ?? 0) | value;
      part++;
      value = 0;
      digits = 0;
    } else {
      return false;
    }
  }
  return part === 4;
}

function parseIpv6(text: string, out: Uint16Array): IpFamily {
  let head = 0; // groups before "::"
  let tail = 0; // groups after "::"
  let compressed = false;
  let i = 0;
  if (text.startsWith('::')) {
    compressed = true;
    i = 2;
  }
  while (i < text.length) {
    let value = 0;
    let digits = 0;
    while (i < text.length && digits <= 4) {
      const h = hexValue(text.charCodeAt(i));
      if (h < 0) break;
      value = value * 16 + h;
      digits++;
      i++;
    }
    if (digits === 0 || digits > 4) return 0;
    if (head + tail === 8) return 0;
    if (compressed) tailGroups[tail++] = value;
    else out[head++] = value;
    if (i === text.length) break;
    if (text.charCodeAt(i) !== 58) return 0; // only ":" may follow a group
    i++;
    if (i < text.length && text.charCodeAt(i) === 58) {
      if (compressed) return 0; // a second "::"
      compressed = true;
      i++;
    } else if (i === text.length) {
      return 0; // a single trailing ":"
    }
  }
  if (compressed ? head + tail > 7 : head !== 8) return 0;
  out.fill(0, head);
  for (let t = 0; t < tail; t++) out[8 - tail + t] = tailGroups[t] ?? 0;
  const mapped = out[0] === 0 && out[1] === 0 && out[2] === 0 && out[3] === 0 && out[4] === 0;
  if (mapped && out[5] === 0xffff) {
    out[0] = out[6] ?? 0;
    out[1] = out[7] ?? 0;
    return 4;
  }
  return 6;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Matches string values that parse as addresses of `family` within [low, high], group by group. */
export class IpRangeTest implements ValueTest {
  readonly #family: IpFamily;
  readonly #low: Uint16Array;
  readonly #high: Uint16Array;

  constructor(family: IpFamily, low: Uint16Array, high: Uint16Array) {
    this.#family = family;
    this.#low = low;
    this.#high = high;
  }

  test(value: LeafValue): boolean {
    if (typeof value !== 'string' || parseIp(value, valueGroups) !== this.#family) return false;
    const groups = this.#family === 4 ? 2 : 8;
    return compare(valueGroups, this.#low, groups) >= 0 && compare(valueGroups, this.#high, groups) <= 0;
  }
}

function compare(a: Uint16Array, b: Uint16Array, groups: number): number {
  for (let i = 0; i < groups; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** A test that matches exactly the address `text`, however the event spells it; null if not an address. */
export function ipEqualsTest(text: string): IpRangeTest | null {
  const groups = new Uint16Array(8);
  const family = parseIp(text, groups);
  return family === 0 ? null : new IpRangeTest(family, groups, groups);
}

/**
 * Builds the range for "address/bits". As in EventBridge's matching library the range starts at the
 * address as written and ends with every host bit set, and the prefix length must be below the
 * address width (0-31 for IPv4, 0-127 for IPv6). Returns a reason string when the text is invalid.
 */
export function cidrTest(text: string): IpRangeTest | string {
  const slash = text.indexOf('/');
  if (slash < 0 || slash !== text.lastIndexOf('/')) {
    return 'expected an IP address, one "/" and a prefix length, like "10.0.0.0/24"';
  }
  const address = text.slice(0, slash);
  const bitsText = text.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(bitsText)) return `the prefix length ${JSON.stringify(bitsText)} is not a number`;
  const low = new Uint16Array(8);
  const family = parseIp(address, low);
  if (family === 0) return `${JSON.stringify(address)} is not an IPv4 or IPv6 address`;
  const width = family === 4 ? 32 : 128;
  const bits = Number(bitsText);
  if (bits >= width) return `the IPv${family} prefix length must be 0 to ${width - 1}, got ${bits}`;
  const high = new Uint16Array(low);
  for (let g = 0; g < width / 16; g++) {
    const fixed = Math.min(16, Math.max(0, bits - g * 16)); // network bits inside this group
    high[g] = (high[g] ?? 0) | (0xffff >>> fixed);
  }
  return new IpRangeTest(family, low, high);
}
