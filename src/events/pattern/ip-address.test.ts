import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseIp } from './ip-address.js';
import { assertRejected, matches } from './test-support.js';

const cidr = (block: string) => ({ ip: [{ cidr: block }] });

describe('parseIp', () => {
  it('reads IPv4 into two 16-bit groups', () => {
    const out = new Uint16Array(8);
    assert.equal(parseIp('10.0.0.255', out), 4);
    assert.deepEqual([...out.slice(0, 2)], [0x0a00, 0x00ff]);
  });

  it('reads IPv6 with "::" compression and any hex case', () => {
    const out = new Uint16Array(8);
    assert.equal(parseIp('2001:DB8::1', out), 6);
    assert.deepEqual([...out], [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]);
    assert.equal(parseIp('::', out), 6);
    assert.equal(parseIp('1::', out), 6);
  });

  it('treats an IPv4-mapped IPv6 address as IPv4', () => {
    const out = new Uint16Array(8);
    assert.equal(parseIp('::ffff:a00:1', out), 4);
    assert.deepEqual([...out.slice(0, 2)], [0x0a00, 0x0001]);
  });

  it('rejects malformed addresses', () => {
    const out = new Uint16Array(8);
    for (const text of [
      '10.0.0.256',
      '10.0.0',
      '10..0.1',
      '1.2.3.4.5',
      'a.b.c.d',
      ':::',
      '1:2',
      '1::2::3',
      '12345::',
      '1:2:3:4:5:6:7:8:9',
      ':1::',
      '1:',
      '::ffff:1.2.3.4',
      '',
    ]) {
      assert.equal(parseIp(text, out), 0, text);
    }
  });
});

describe('cidr', () => {
  it('matches IPv4 addresses inside the block', () => {
    assert.equal(matches(cidr('10.0.0.0/24'), { ip: '10.0.0.255' }), true);
    assert.equal(matches(cidr('10.0.0.0/24'), { ip: '10.0.1.0' }), false);
    assert.equal(matches(cidr('10.0.0.0/24'), { ip: '10.0.0.256' }), false);
    assert.equal(matches(cidr('0.0.0.0/0'), { ip: '255.255.255.255' }), true);
  });

  it('matches IPv6 addresses however they are spelled', () => {
    const block = cidr('2001:db8:1234:1a00::/64');
    assert.equal(matches(block, { ip: '2001:0db8:1234:1a00:0000:0000:0000:0000' }), true);
    assert.equal(matches(block, { ip: '2001:db8:1234:1a00:ffff:ffff:ffff:ffff' }), true);
    assert.equal(matches(block, { ip: '2001:0db8:123f:1a01::' }), false);
  });

  it('does not match across address families or non-strings', () => {
    assert.equal(matches(cidr('10.0.0.0/8'), { ip: '::a00:1' }), false);
    assert.equal(matches(cidr('10.0.0.0/8'), { ip: 167772161 }), false);
  });

  it('starts the range at the address as written, as EventBridge does', () => {
    assert.equal(matches(cidr('10.0.0.5/24'), { ip: '10.0.0.4' }), false);
    assert.equal(matches(cidr('10.0.0.5/24'), { ip: '10.0.0.200' }), true);
  });

  it('rejects malformed blocks with the reason', () => {
    assertRejected(
      cidr('bad-filter'),
      'pattern.ip[0].cidr: "bad-filter" is not a CIDR block: expected an IP address, one "/" and a prefix length, like "10.0.0.0/24"',
    );
    assertRejected(
      cidr('xx.11.xx/8'),
      'pattern.ip[0].cidr: "xx.11.xx/8" is not a CIDR block: "xx.11.xx" is not an IPv4 or IPv6 address',
    );
    assertRejected(
      cidr('10.0.0.0/x'),
      'pattern.ip[0].cidr: "10.0.0.0/x" is not a CIDR block: the prefix length "x" is not a number',
    );
    assertRejected(
      cidr('10.0.0.1/32'),
      'pattern.ip[0].cidr: "10.0.0.1/32" is not a CIDR block: the IPv4 prefix length must be 0 to 31, got 32',
    );
    assertRejected(
      cidr('::1/128'),
      'pattern.ip[0].cidr: "::1/128" is not a CIDR block: the IPv6 prefix length must be 0 to 127, got 128',
    );
    assertRejected(
      { ip: [{ cidr: ['10.0.0.0/8'] }] },
      'pattern.ip[0].cidr: expects a string like "10.0.0.0/24", got array',
    );
  });
});

describe('exact IP address values', () => {
  it('match the same address in another spelling', () => {
    assert.equal(matches({ ip: ['2001:db8::1'] }, { ip: '2001:0DB8:0:0:0:0:0:1' }), true);
    assert.equal(matches({ ip: ['10.0.0.1'] }, { ip: '10.0.0.01' }), true);
    assert.equal(matches({ ip: ['10.0.0.1'] }, { ip: '10.0.0.2' }), false);
  });
});
