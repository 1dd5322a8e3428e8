import { describe, expect, it } from 'vitest';
import { cidrContains, formatIp, isStrictSubset, parseCidr, parseIp, type Cidr } from '../../../src/policy/ip.js';

const cidr = (text: string): Cidr => {
  const r = parseCidr(text);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
};
const ip = (text: string) => {
  const r = parseIp(text);
  if (r === undefined) throw new Error(text);
  return r;
};

describe('ip', () => {
  it('parses IPv4 and IPv6 forms, and rejects malformed ones', () => {
    expect(parseIp('10.1.2.3')).toEqual({ family: 4, value: 0x0a010203n });
    expect(parseIp('::1')).toEqual({ family: 6, value: 1n });
    expect(parseIp('2001:db8::')).toEqual({ family: 6, value: 0x20010db8n << 96n });
    expect(parseIp('::ffff:10.1.2.3')).toEqual({ family: 4, value: 0x0a010203n });
    expect(parseIp('64:ff9b::10.1.2.3')).toEqual({ family: 6, value: (0x64n << 112n) | (0xff9bn << 96n) | 0x0a010203n });
    for (const bad of ['10.1.2', '10.1.2.256', '010.1.2.3', '1::2::3', '12345::', 'fe80::1%eth0', '1:2:3:4:5:6:7:8:9', '']) expect(parseIp(bad), bad).toBeUndefined();
  });

  it('rejects a :: that stands for no zero group (eight groups already written), as Go\'s netip does', () => {
    expect(parseIp('1:2:3:4:5:6:7::')).toEqual({ family: 6, value: 0x0001000200030004000500060007n << 16n });
    for (const bad of ['1:2:3:4:5:6:7::8', '::1:2:3:4:5:6:7:8', '1:2:3:4::5:6:7:8', '1:2:3:4:5:6::1.2.3.4']) expect(parseIp(bad), bad).toBeUndefined();
    expect(parseCidr('1:2:3:4::5:6:7:8/128').ok).toBe(false);
  });

  it('writes IPv6 as RFC 5952 text: lowercase, the longest run of two or more zero groups as ::, the first of equal runs', () => {
    const cases: [string, string][] = [
      ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'], ['::', '::'], ['::1', '::1'], ['1::', '1::'], ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'],
      ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], ['10.1.2.3', '10.1.2.3'],
    ];
    for (const [text, canonical] of cases) expect(formatIp(ip(text)), text).toBe(canonical);
  });

  it('matches CIDRs by family and prefix, masking host bits', () => {
    expect(cidrContains(cidr('10.0.0.0/8'), ip('10.255.0.1'))).toBe(true);
    expect(cidrContains(cidr('10.0.0.1/8'), ip('10.9.9.9'))).toBe(true);
    expect(cidrContains(cidr('10.0.0.0/8'), ip('11.0.0.0'))).toBe(false);
    expect(cidrContains(cidr('0.0.0.0/0'), ip('2001:db8::1'))).toBe(false);
    expect(cidrContains(cidr('::/0'), ip('2001:db8::1'))).toBe(true);
    expect(cidrContains(cidr('2001:db8::/127'), ip('2001:db8::1'))).toBe(true);
    expect(cidrContains(cidr('2001:db8::/128'), ip('2001:db8::1'))).toBe(false);
  });

  it('knows strict subsets', () => {
    expect(isStrictSubset(cidr('10.1.0.0/16'), cidr('10.0.0.0/8'))).toBe(true);
    expect(isStrictSubset(cidr('10.0.0.0/8'), cidr('10.0.0.0/8'))).toBe(false);
    expect(isStrictSubset(cidr('11.0.0.0/16'), cidr('10.0.0.0/8'))).toBe(false);
    expect(isStrictSubset(cidr('2001:db8:1::/48'), cidr('2001:db8::/32'))).toBe(true);
  });

  it('rejects CIDRs the API server rejects', () => {
    for (const bad of ['10.0.0.0', '10.0.0.0/33', '10.0.0.0/08', '010.0.0.0/8', '::ffff:10.0.0.0/104', '2001:db8::/129', '10.0.0.0/-1', 'x/8']) {
      expect(parseCidr(bad).ok, bad).toBe(false);
    }
  });
});
