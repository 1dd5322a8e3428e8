// IP addresses and CIDR blocks, IPv4 and IPv6, as 32/128-bit bigints. Parsing follows what the
// Kubernetes API server accepts for ipBlock fields under strict IP validation: no leading zeros
// in IPv4 octets or prefix lengths, no IPv4-mapped IPv6 CIDRs, no zones. Host bits set beyond the
// prefix (`10.0.0.1/8`) are accepted and masked away, as the API server does by default.

export type IpFamily = 4 | 6;

export interface IpAddress { family: IpFamily; value: bigint }

export interface Cidr {
  family: IpFamily;
  /** The network address (host bits cleared). */
  network: bigint;
  prefix: number;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };
const DECIMAL_OCTET = /^(0|[1-9][0-9]{0,2})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
const PREFIX = /^(0|[1-9][0-9]{0,2})$/;

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!DECIMAL_OCTET.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseGroups(text: string): bigint[] | undefined {
  if (text === '') return [];
  const groups: bigint[] = [];
  const parts = text.split(':');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    if (part.includes('.') && i === parts.length - 1) {
      const v4 = parseIpv4(part);
      if (v4 === undefined) return undefined;
      groups.push(v4 >> 16n, v4 & 0xffffn);
    } else if (HEX_GROUP.test(part)) {
      groups.push(BigInt(`0x${part}`));
    } else {
      return undefined;
    }
  }
  return groups;
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0] ?? '');
  const tail = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<bigint>(halves.length === 2 ? missing : 0).fill(0n), ...tail];
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** Parses an address. An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) is the IPv4 address. */
export function parseIp(text: string): IpAddress | undefined {
  if (text.includes(':')) {
    const value = parseIpv6(text);
    if (value === undefined) return undefined;
    if (value >> 32n === 0xffffn) return { family: 4, value: value & 0xffffffffn };
    return { family: 6, value };
  }
  const value = parseIpv4(text);
  return value === undefined ? undefined : { family: 4, value };
}

function mask(family: IpFamily, prefix: number): bigint {
  const bits = BITS[family];
  return ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - prefix)) - 1n);
}

/** Parses `address/prefix` for an ipBlock `cidr` or `except` entry. */
export function parseCidr(text: string): Parsed<Cidr> {
  const example = 'must be a valid CIDR such as 10.9.8.0/24 or 2001:db8::/64';
  const slash = text.indexOf('/');
  if (slash < 0) return { ok: false, reason: `${example} (no /prefix length)` };
  const addressText = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  if (!PREFIX.test(prefixText)) return { ok: false, reason: `${example} (bad prefix length "${prefixText}")` };
  const family: IpFamily = addressText.includes(':') ? 6 : 4;
  const value = family === 6 ? parseIpv6(addressText) : parseIpv4(addressText);
  if (value === undefined) return { ok: false, reason: `${example} (bad address "${addressText}")` };
  if (family === 6 && value >> 32n === 0xffffn) {
    return { ok: false, reason: 'must not be an IPv4-mapped IPv6 CIDR; write the IPv4 CIDR instead' };
  }
  const prefix = Number(prefixText);
  if (prefix > BITS[family]) return { ok: false, reason: `prefix length ${prefix} is longer than ${BITS[family]} bits` };
  return { ok: true, value: { family, network: value & mask(family, prefix), prefix } };
}

export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  return cidr.family === ip.family && (ip.value & mask(cidr.family, cidr.prefix)) === cidr.network;
}

/** True iff `inner` is a strict subset of `outer` (same family, longer prefix, inside). */
export function isStrictSubset(inner: Cidr, outer: Cidr): boolean {
  return (
    inner.family === outer.family &&
    inner.prefix > outer.prefix &&
    (inner.network & mask(outer.family, outer.prefix)) === outer.network
  );
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIp({ family: cidr.family, value: cidr.network })}/${cidr.prefix}`;
}

/** Dotted IPv4; IPv6 as RFC 5952 text: lowercase, the longest run (at least 2) of zero groups as `::`. */
export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) {
    return [24n, 16n, 8n, 0n].map((s) => String((ip.value >> s) & 0xffn)).join('.');
  }
  const groups: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(((ip.value >> s) & 0xffffn).toString(16));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < groups.length; ) {
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  return bestStart < 0 ? groups.join(':') : `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLength).join(':')}`;
}
