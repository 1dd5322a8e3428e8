import { describe, expect, it } from 'vitest';
import type { Identity } from '../../../src/model.js';
import { isDns1123Subdomain } from '../../../src/policy/selectors.js';
import { describeTraffic } from '../../../src/policy/manifests.js';
import { baseName, policyNames } from '../../../src/policy/names.js';
import { PeerTranslator } from '../../../src/policy/peers-to-k8s.js';
import { PortCatalog, normalizeCodes, portCode, portsKey } from '../../../src/policy/port-sets.js';
import { NamespaceSelectors, PodSelectors } from '../../../src/policy/workload-selectors.js';

const id = (namespace: string, labels: Record<string, string>): Identity => ({ namespace, labels });

describe('policy names', () => {
  it('takes the most telling naming label, sanitised to DNS-1123', () => {
    expect(baseName(id('a', { 'app.kubernetes.io/name': 'Checkout_API', app: 'x' }))).toBe('checkout-api');
    expect(baseName(id('a', { 'k8s-app': 'kube-dns' }))).toBe('kube-dns');
    expect(baseName(id('a', { zone: '', tier: 'Front End!' }))).toBe('front-end');
    expect(baseName(id('a', { 'x.io/role': '' }))).toBe('x-io-role');
    expect(baseName(id('a', {}))).toBe('workload');
    expect(baseName(id('a', { app: 'a'.repeat(100) })).length).toBe(40);
  });

  it('keeps a name when unique and hashes every member of a colliding group, independent of order', () => {
    const ids = [id('shop', { app: 'web' }), id('shop', { app: 'web', track: 'canary' }), id('shop', { app: 'api' }), id('other', { app: 'web' })];
    const a = policyNames(ids);
    const b = policyNames([...ids].reverse());
    expect([...a.entries()].sort()).toEqual([...b.entries()].sort());
    expect(a.get('shop/app=api')).toBe('api-flowpol');
    expect(a.get('other/app=web')).toBe('web-flowpol');
    expect(a.get('shop/app=web')).toMatch(/^web-[0-9a-f]{8}-flowpol$/);
    expect(a.get('shop/app=web,track=canary')).toMatch(/^web-[0-9a-f]{8}-flowpol$/);
    expect(a.get('shop/app=web')).not.toBe(a.get('shop/app=web,track=canary'));
    for (const name of a.values()) expect(isDns1123Subdomain(name)).toBe(true);
  });

  it('names duplicates of one identity once', () => {
    const names = policyNames([id('shop', { app: 'web' }), id('shop', { app: 'web' })]);
    expect(names.get('shop/app=web')).toBe('web-flowpol');
  });
});

describe('port sets', () => {
  const ports = (ranges: boolean, list: readonly (readonly ['TCP' | 'UDP' | 'SCTP', number])[]) =>
    new PortCatalog(ranges).ports(normalizeCodes(list.map(([p, n]) => portCode(p, n))));

  it('sorts by protocol then port, one entry per port by default', () => {
    expect(ports(false, [['UDP', 53], ['TCP', 8081], ['SCTP', 9], ['TCP', 80], ['TCP', 8080], ['TCP', 80]])).toEqual([
      { protocol: 'TCP', port: 80 }, { protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 8081 },
      { protocol: 'UDP', port: 53 }, { protocol: 'SCTP', port: 9 },
    ]);
  });

  it('writes runs of consecutive ports as ranges only when asked, never bridging gaps or protocols', () => {
    expect(ports(true, [[ 'TCP', 8080], ['TCP', 8081], ['TCP', 8082], ['TCP', 8084], ['TCP', 65535], ['UDP', 1]])).toEqual([
      { protocol: 'TCP', port: 8080, endPort: 8082 }, { protocol: 'TCP', port: 8084 },
      { protocol: 'TCP', port: 65535 }, { protocol: 'UDP', port: 1 },
    ]);
  });

  it('normalizes short and long code lists alike: sorted, without duplicates', () => {
    for (const length of [0, 1, 5, 32, 33, 200]) {
      const codes = Array.from({ length }, (_, i) => portCode(i % 3 === 0 ? 'UDP' : 'TCP', 1 + ((i * 7919) % 97)));
      expect(normalizeCodes([...codes])).toEqual([...new Set(codes)].sort((a, b) => a - b));
    }
  });

  it('gives equal sets equal keys and shares one port list per set', () => {
    const a = normalizeCodes([portCode('TCP', 1), portCode('UDP', 2), portCode('TCP', 1)]);
    const b = normalizeCodes([portCode('UDP', 2), portCode('TCP', 1)]);
    expect(portsKey(a)).toBe(portsKey(b));
    const catalog = new PortCatalog(false);
    expect(catalog.ports(a)).toBe(catalog.ports(b));
  });
});

describe('selectors for known workloads and namespaces', () => {
  it('excludes the extra keys of label supersets, and only those', () => {
    const pods = new PodSelectors([
      id('a', { app: 'web' }), id('a', { app: 'web', track: 'canary' }), id('a', { app: 'web', zone: 'x', track: 'y' }),
      id('a', { app: 'other', track: 'z' }), id('b', { app: 'web', extra: '1' }),
    ]);
    expect(pods.selector(id('a', { app: 'web' }))).toEqual({
      matchLabels: { app: 'web' },
      matchExpressions: [{ key: 'track', operator: 'DoesNotExist' }, { key: 'zone', operator: 'DoesNotExist' }],
    });
    expect(pods.selector(id('a', { app: 'web', track: 'canary' }))).toEqual({ matchLabels: { app: 'web', track: 'canary' } });
    expect(pods.selector(id('a', { app: 'web' }), false)).toEqual({ matchLabels: { app: 'web' } });
    expect(pods.selector(id('a', {}))).toBeUndefined();
  });

  it('never excludes keys of an identity that is not a superset, even one sharing the label pair it was found by', () => {
    // app=web,tier=a shares app=web with app=web,tier=b,track=c (no superset: another tier) and tier=a with tier=a,zone=z.
    const pods = new PodSelectors([
      id('a', { app: 'web', tier: 'a' }), id('a', { app: 'web', tier: 'b', track: 'c' }), id('a', { tier: 'a', zone: 'z' }),
    ]);
    expect(pods.selector(id('a', { app: 'web', tier: 'a' }))).toEqual({ matchLabels: { app: 'web', tier: 'a' } });
    const withSuperset = new PodSelectors([
      id('a', { app: 'web', tier: 'a' }), id('a', { app: 'web', tier: 'b', track: 'c' }), id('a', { tier: 'a', zone: 'z' }), id('a', { app: 'web', tier: 'a', canary: 'yes' }),
    ]);
    expect(withSuperset.selector(id('a', { app: 'web', tier: 'a' }))).toEqual({
      matchLabels: { app: 'web', tier: 'a' }, matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }],
    });
  });

  it('selects namespaces by name label when seen or never seen, by own labels when unique, else not at all', () => {
    const ns = new NamespaceSelectors([
      { name: 'seen', labels: { 'kubernetes.io/metadata.name': 'seen' } },
      { name: 'old', labels: { team: 'x', env: 'prod' } },
      { name: 'a', labels: { team: 'y' } },
      { name: 'b', labels: { team: 'y', env: 'prod' } },
      { name: 'empty', labels: {} },
    ]);
    expect(ns.selection('seen')).toEqual({ namespace: 'seen', basis: 'name-label', selector: { matchLabels: { 'kubernetes.io/metadata.name': 'seen' } } });
    expect(ns.selection('never').basis).toBe('name-label-assumed');
    expect(ns.selection('empty').basis).toBe('name-label-assumed');
    expect(ns.selection('old')).toEqual({ namespace: 'old', basis: 'observed-labels', selector: { matchLabels: { env: 'prod', team: 'x' } } });
    expect(ns.selection('a')).toEqual({ namespace: 'a', basis: 'unselectable' }); // b carries team=y too
    expect(ns.selection('b').basis).toBe('observed-labels');
    expect(ns.used().map((s) => s.namespace)).toEqual(['a', 'b', 'empty', 'never', 'old', 'seen']);
  });

  it('selects by name a namespace recorded with another kubernetes.io/metadata.name (the API server sets it to the name)', () => {
    const ns = new NamespaceSelectors([{ name: 'monitoring', labels: { 'kubernetes.io/metadata.name': 'mon', purpose: 'monitoring' } }]);
    expect(ns.selection('monitoring')).toEqual({
      namespace: 'monitoring', basis: 'name-label', selector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
    });
  });
});

describe('peers to NetworkPolicy peers', () => {
  const translator = (v4 = 32, v6 = 128) => new PeerTranslator(new PodSelectors([]), new NamespaceSelectors([]), { v4, v6 });

  it('writes addresses canonically and aggregates to the asked prefix', () => {
    const t = translator();
    const cidr = (text: string, tr = t) => {
      const r = tr.translate({ kind: 'cidr', cidr: text }, 'ns');
      return r.ok ? r.peer.selector.ipBlock?.cidr : r.code;
    };
    expect(cidr('203.0.113.10/32')).toBe('203.0.113.10/32');
    expect(cidr('2001:DB8:0:0:0:0:0:1/128')).toBe('2001:db8::1/128');
    expect(cidr('2001:db8:0:0:1:0:0:1/128')).toBe('2001:db8::1:0:0:1/128');
    expect(cidr('fe80:0:0:1:0:0:0:0/128')).toBe('fe80:0:0:1::/128');
    expect(cidr('10.1.2.3/32', translator(16))).toBe('10.1.0.0/16');
    expect(cidr('10.1.2.3/32', translator(0))).toBe('0.0.0.0/0');
    expect(cidr('2001:db8:1:2:3:4:5:6/128', translator(32, 48))).toBe('2001:db8:1::/48');
    expect(cidr('10.0.0.0/8', translator(24))).toBe('10.0.0.0/8'); // never narrower than observed
    expect(cidr('not-an-ip/32')).toBe('not-expressible-world-without-ip');
  });

  it('gives reserved entities and DNS-only destinations a note code instead of a peer', () => {
    const t = translator();
    const code = (peer: Parameters<typeof t.translate>[0]) => {
      const r = t.translate(peer, 'ns');
      return r.ok ? 'peer' : r.code;
    };
    expect(code({ kind: 'reserved', entity: 'host' })).toBe('not-governed-host');
    expect(code({ kind: 'reserved', entity: 'kube-apiserver' })).toBe('not-governed-kube-apiserver');
    expect(code({ kind: 'reserved', entity: 'world-ipv6' })).toBe('not-expressible-world-without-ip');
    expect(code({ kind: 'reserved', entity: 'unknown' })).toBe('not-governed-reserved');
    expect(code({ kind: 'fqdn', name: 'example.com' })).toBe('not-expressible-fqdn');
    expect(code({ kind: 'workload', identity: id('ns', {}) })).toBe('not-expressible-unlabelled');
    expect(code({ kind: 'workload', identity: id('ns', { app: 'x' }) })).toBe('peer');
  });
});

describe('traffic times', () => {
  it('writes times exactly as Date.toISOString does', () => {
    for (const ms of [0, 1, 999, 59_999, 86_399_999, 86_400_000, Date.UTC(2026, 1, 28, 23, 59, 59, 999), Date.UTC(2024, 1, 29, 12, 0, 0, 7), 1_767_225_600_123.75]) {
      expect(describeTraffic({ edges: 1, flows: 1, firstSeen: ms, lastSeen: ms })).toBe(
        `1 edge, 1 flow, first seen ${new Date(ms).toISOString()}, last seen ${new Date(ms).toISOString()}`,
      );
    }
  });
});
