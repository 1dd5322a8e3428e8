// Peer classification by labels, and peer keys.
import { describe, expect, it } from 'vitest';
import type { Endpoint, Peer } from '../../../src/model.js';
import { DEFAULT_IDENTITY_OPTIONS } from '../../../src/identity/identity.js';
import { peerKey, peerOf } from '../../../src/identity/peer.js';

const ep = (labels: string[], extra: Partial<Endpoint> = {}): Endpoint => ({ labels, workloads: [], ...extra });
const peer = (e: Endpoint, names: string[] = []): Peer => peerOf(e, DEFAULT_IDENTITY_OPTIONS, names);

describe('peerOf', () => {
  it.each([
    [['reserved:host'], 'host'],
    [['reserved:host', 'reserved:kube-apiserver'], 'kube-apiserver'],
    [['reserved:kube-apiserver', 'reserved:remote-node'], 'kube-apiserver'],
    [['reserved:kube-apiserver', 'reserved:world'], 'kube-apiserver'],
    [['reserved:host', 'reserved:remote-node'], 'host'],
    [['reserved:remote-node'], 'remote-node'],
    [['reserved:health'], 'health'],
    [['reserved:ingress'], 'ingress'],
    [['reserved:unmanaged'], 'unmanaged'],
    [['reserved:init'], 'init'],
    [['reserved:world'], 'world'],
    [['reserved:world-ipv6'], 'world-ipv6'],
    [['reserved:world-ipv4', 'reserved:world'], 'world-ipv4'],
    [['reserved:world', 'reserved:world-ipv4'], 'world-ipv4'], // whatever the label order
    [[], 'unknown'],
  ])('%j without address → reserved %s', (labels, entity) => {
    expect(peer(ep(labels, { identity: 2 }))).toEqual({ kind: 'reserved', entity });
  });

  it('reserved entities keep their kind even with an address', () => {
    expect(peer(ep(['reserved:host'], { ip: '10.0.0.1' }))).toEqual({ kind: 'reserved', entity: 'host' });
  });

  it('world with an address is that address as a /32 or /128', () => {
    expect(peer(ep(['reserved:world'], { ip: '140.82.121.4' }), ['github.com'])).toEqual({ kind: 'cidr', cidr: '140.82.121.4/32' });
    expect(peer(ep(['reserved:world-ipv6'], { ip: '2001:db8::1' }))).toEqual({ kind: 'cidr', cidr: '2001:db8::1/128' });
    expect(peer(ep(['reserved:world-ipv6'], { ip: '2001:DB8:0:0::1' }))).toEqual({ kind: 'cidr', cidr: '2001:db8::1/128' });
  });

  it('a cidr identity is its longest cidr: prefix, IPv6 labels with - turned back into :', () => {
    expect(peer(ep(['cidr:104.20.0.0/16', 'cidr:104.20.23.154/32', 'reserved:world'], { ip: '104.20.23.154' })))
      .toEqual({ kind: 'cidr', cidr: '104.20.23.154/32' });
    expect(peer(ep(['cidr:2001-db8--/32', 'reserved:world-ipv6']))).toEqual({ kind: 'cidr', cidr: '2001:db8::/32' });
    expect(peer(ep(['cidr:0--1/128', 'reserved:world']))).toEqual({ kind: 'cidr', cidr: '::1/128' });
  });

  it('world without an address but with DNS names is an fqdn peer', () => {
    expect(peer(ep(['reserved:world']), ['GitHub.com.'])).toEqual({ kind: 'fqdn', name: 'github.com' });
    expect(peer(ep(['fqdn:api.example.com', 'reserved:world']))).toEqual({ kind: 'fqdn', name: 'api.example.com' });
  });

  it('the DNS name Hubble reported wins over an fqdn: label (which may be a toFQDNs pattern)', () => {
    expect(peer(ep(['fqdn:*.github.com', 'reserved:world']), ['api.github.com'])).toEqual({ kind: 'fqdn', name: 'api.github.com' });
  });

  it('a pod Hubble knew by namespace is a workload even when its identity resolved to world', () => {
    expect(peer(ep(['reserved:world'], { namespace: 'bookinfo', podName: 'ratings-1', ip: '10.0.0.9' })))
      .toEqual({ kind: 'workload', identity: { namespace: 'bookinfo', labels: {} } });
  });

  it('a host-network pod (the node\'s identity, with the pod\'s namespace and name) is its node\'s entity, not a workload', () => {
    expect(peer(ep(['reserved:host'], { namespace: 'kube-system', podName: 'kube-proxy-x', ip: '10.0.0.2' }))).toEqual({ kind: 'reserved', entity: 'host' });
    expect(peer(ep(['reserved:remote-node'], { namespace: 'monitoring', podName: 'node-exporter-y' }))).toEqual({ kind: 'reserved', entity: 'remote-node' });
    expect(peer(ep(['k8s:app=x', 'reserved:host'], { namespace: 'a' }))).toEqual({ kind: 'workload', identity: { namespace: 'a', labels: { app: 'x' } } });
  });

  it('a pod is a workload of its stable labels', () => {
    expect(peer(ep(['k8s:app=web', 'k8s:io.kubernetes.pod.namespace=shop', 'k8s:pod-template-hash=1'])))
      .toEqual({ kind: 'workload', identity: { namespace: 'shop', labels: { app: 'web' } } });
  });
});

describe('peerKey', () => {
  it('is distinct per peer and sorts by kind then value', () => {
    const peers: Peer[] = [
      { kind: 'workload', identity: { namespace: 'shop', labels: { tier: 'fe', app: 'web' } } },
      { kind: 'reserved', entity: 'world' },
      { kind: 'cidr', cidr: '1.2.3.4/32' },
      { kind: 'fqdn', name: 'github.com' },
      { kind: 'workload', identity: { namespace: 'shop', labels: {} } },
    ];
    const keys = peers.map(peerKey);
    expect(keys).toEqual(['workload:shop/app=web,tier=fe', 'reserved:world', 'cidr:1.2.3.4/32', 'fqdn:github.com', 'workload:shop/']);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
