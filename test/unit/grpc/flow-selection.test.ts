// hubble observe's selection flags: label selectors, the whitelist they become, how it matches a
// flow, and the FlowFilter messages sent to (and read back by) a Hubble server.
import { describe, expect, it } from 'vitest';
import { matchesFilter } from '../../../src/collect/filter.js';
import { compileSelectors, selectorsOf, type FlowSelector, type SelectionView } from '../../../src/collect/flow-selection.js';
import { parseLabelSelector } from '../../../src/collect/label-selector.js';
import { GetFlowsRequest } from '../../../src/collect/from-proto.js';
import { emptyFilter, selectorFromProto, selectorToProto } from '../../../src/collect/proto-filter.js';
import { flowsRequest } from '../../../src/collect/hubble-client.js';
import { flowFilterFrom, type FlowSelectionFlags } from '../../../src/cli/flow-selection-options.js';
import type { Flow, FlowFilter } from '../../../src/model.js';

const WEB = ['k8s:app=web', 'k8s:tier=front', 'k8s:io.kubernetes.pod.namespace=shop', 'reserved:managed'];
const DB = ['k8s:app=db', 'container:app=sidecar'];

describe('label selectors (Kubernetes syntax over Cilium labels)', () => {
  const m = (s: string, labels: string[]) => parseLabelSelector(s, '--label')(labels);

  it('the source any: is the same as none; a cidr: key selects the cidr: labels inside it', () => {
    expect(m('any:app=web', WEB)).toBe(true);
    const world = ['cidr:8.8.8.8/32', 'reserved:world'];
    expect(m('cidr:8.0.0.0/8', world)).toBe(true);
    expect(m('cidr:8.8.8.8/32', world)).toBe(true);
    expect(m('cidr:9.0.0.0/8', world)).toBe(false);
    expect(m('!cidr:8.0.0.0/8', world)).toBe(false);
    expect(m('cidr:8.8.8.0/24', ['cidr:8.8.0.0/16'])).toBe(false); // a wider label is not inside
    expect(m('cidr:2001-db8--/32', ['cidr:2001-db8--1/128'])).toBe(true);
    expect(m('cidr:8.0.0.0/8', ['k8s:app=x'])).toBe(false);
  });

  it('equality, with or without a label source', () => {
    expect(m('app=web', WEB)).toBe(true);
    expect(m('app==web', WEB)).toBe(true);
    expect(m('k8s:app=web', WEB)).toBe(true);
    expect(m('container:app=web', WEB)).toBe(false); // the source limits which label counts
    expect(m('app=db', WEB)).toBe(false);
    expect(m('container:app=sidecar', DB)).toBe(true);
    expect(m('io.kubernetes.pod.namespace=shop', WEB)).toBe(true);
  });

  it('!= and notin hold when the key is absent; existence and !key', () => {
    expect(m('app!=db', WEB)).toBe(true);
    expect(m('app!=web', WEB)).toBe(false);
    expect(m('version!=v1', WEB)).toBe(true);
    expect(m('tier', WEB)).toBe(true);
    expect(m('tier', DB)).toBe(false);
    expect(m('!tier', DB)).toBe(true);
    expect(m('!tier', WEB)).toBe(false);
    expect(m('reserved:managed', WEB)).toBe(true); // a value-less label exists
  });

  it('set-based requirements and comma-separated ANDs', () => {
    expect(m('app in (api, web)', WEB)).toBe(true);
    expect(m('app in (api,db)', WEB)).toBe(false);
    expect(m('app notin (api,db)', WEB)).toBe(true);
    expect(m('tier notin (front)', WEB)).toBe(false);
    expect(m('app in (web),tier=front', WEB)).toBe(true);
    expect(m('app=web, tier=back', WEB)).toBe(false);
    expect(m('app=web,!canary', WEB)).toBe(true);
  });

  it('refuses what it does not understand, naming the flag and the text', () => {
    for (const bad of ['', 'app=(web)', 'app in web', 'app=web,', '=web', 'app in (a b)', 'app>1']) {
      expect(() => parseLabelSelector(bad, '--to-label'), bad).toThrow(`--to-label "${bad}": not a label selector`);
    }
  });
});

const filter = (f: Partial<FlowFilter>): FlowFilter => ({ namespaces: [], ...f });
const sel = (s: Partial<FlowSelector>): FlowSelector => ({ sourcePod: [], destinationPod: [], sourceLabel: [], destinationLabel: [], verdict: [], ...s });

describe('selectorsOf: the whitelist hubble observe sends for the flags', () => {
  it('--pod and --label become a source-side and a destination-side filter; --from/--to and --verdict go to both', () => {
    expect(selectorsOf(filter({ pods: ['shop/web'], verdicts: ['DROPPED'] }))).toEqual([
      sel({ sourcePod: ['shop/web'], verdict: ['DROPPED'] }),
      sel({ destinationPod: ['shop/web'], verdict: ['DROPPED'] }),
    ]);
    expect(selectorsOf(filter({ fromPods: ['a/'], toLabels: ['app=db'] }))).toEqual([sel({ sourcePod: ['a/'], destinationLabel: ['app=db'] })]);
    expect(selectorsOf(filter({ labels: ['app=web'], toPods: ['b/x'] }))).toEqual([
      sel({ sourceLabel: ['app=web'], destinationPod: ['b/x'] }),
      sel({ destinationLabel: ['app=web'], destinationPod: ['b/x'] }),
    ]);
    expect(selectorsOf(filter({ since: 1, until: 2 }))).toEqual([]);
  });

  it('-n qualifies bare pod names and alone is the ns/ pair', () => {
    expect(selectorsOf(filter({ namespaces: ['a', 'b'] }))).toEqual([sel({ sourcePod: ['a/', 'b/'] }), sel({ destinationPod: ['a/', 'b/'] })]);
    expect(selectorsOf(filter({ namespaces: ['shop', 'pay'], pods: ['web', 'pay/api', '/db'] }))).toEqual([
      sel({ sourcePod: ['shop/web', 'pay/web', 'pay/api', '/db'] }),
      sel({ destinationPod: ['shop/web', 'pay/web', 'pay/api', '/db'] }),
    ]);
  });

  it('refuses a --pod of a namespace -n does not list, as hubble does (it would widen -n)', () => {
    expect(() => selectorsOf(filter({ namespaces: ['shop'], pods: ['payments/web'] })))
      .toThrow('namespace conflict: --namespace shop does not contain --pod payments/web (as in hubble observe)');
    expect(() => selectorsOf(filter({ namespaces: ['shop'], pods: ['payments/'] }))).toThrow('namespace conflict');
  });

  it('refuses the combinations hubble refuses, and an empty pod', () => {
    expect(() => selectorsOf(filter({ pods: ['a/'], fromPods: ['b/'] }))).toThrow('--pod and --from-pod cannot be combined');
    expect(() => selectorsOf(filter({ pods: ['a/'], toPods: ['b/'] }))).toThrow('--pod and --to-pod cannot be combined');
    expect(() => selectorsOf(filter({ namespaces: ['a'], toPods: ['b/'] }))).toThrow('--namespace and --to-pod cannot be combined');
    expect(() => selectorsOf(filter({ labels: ['x'], fromLabels: ['y'] }))).toThrow('--label and --from-label cannot be combined');
    expect(() => selectorsOf(filter({ fromPods: [''] }))).toThrow('pod filter ""');
  });
});

const end = (namespace: string | undefined, podName: string | undefined, labels: string[] = []) => ({ namespace, podName, labels });
const view = (src: ReturnType<typeof end>, dst: ReturnType<typeof end>, verdict: Flow['observedVerdict'] = 'FORWARDED'): SelectionView =>
  ({ observedVerdict: verdict, source: src, destination: dst });

describe('matching (Hubble server semantics)', () => {
  const webToDb = view(end('shop', 'web-7d9f-x1', WEB), end('data', 'db-0', DB));
  const worldToWeb = view(end(undefined, undefined, ['reserved:world']), end('shop', 'web-7d9f-x1', WEB), 'DROPPED');

  it('pod patterns: ns/prefix, ns/, /prefix in any namespace, bare names in namespace default; endpoints without pod never match', () => {
    const match = (s: Partial<FlowSelector>, v: SelectionView) => compileSelectors([sel(s)])(v);
    expect(match({ sourcePod: ['shop/web'] }, webToDb)).toBe(true);
    expect(match({ sourcePod: ['shop/db'] }, webToDb)).toBe(false);
    expect(match({ sourcePod: ['shop/'] }, webToDb)).toBe(true);
    expect(match({ sourcePod: ['web'] }, webToDb)).toBe(false); // default/web
    expect(match({ sourcePod: ['web'] }, view(end('default', 'web-1'), end('x', 'y')))).toBe(true);
    expect(match({ destinationPod: ['data/db-0'] }, webToDb)).toBe(true);
    expect(match({ sourcePod: ['/'] }, worldToWeb)).toBe(false);
    expect(match({ sourcePod: ['/web-7'] }, webToDb)).toBe(true); // any namespace
    expect(match({ destinationPod: ['/web'] }, webToDb)).toBe(false);
    expect(match({ sourceLabel: ['reserved:world'] }, worldToWeb)).toBe(true);
  });

  it('AND across fields, OR within one field and across whitelist entries; blacklist removes', () => {
    const both = compileSelectors([sel({ sourcePod: ['shop/'], verdict: ['DROPPED', 'AUDIT'] })]);
    expect(both(webToDb)).toBe(false);
    expect(both(view(end('shop', 'web-1'), end('x', 'y'), 'AUDIT'))).toBe(true);
    const either = compileSelectors([sel({ verdict: ['DROPPED'] }), sel({ destinationLabel: ['app=db'] })]);
    expect([either(webToDb), either(worldToWeb)]).toEqual([true, true]);
    const minusDrops = compileSelectors([], [sel({ verdict: ['DROPPED'] })]);
    expect([minusDrops(webToDb), minusDrops(worldToWeb)]).toEqual([true, false]);
  });

  it('matchesFilter: --pod selects either end, --from-label only the source, with the time window', () => {
    const flow = (v: SelectionView, time = 10) => ({ ...v, time }) as unknown as Flow;
    const f = filter({ pods: ['shop/web'], since: 5, until: 20 });
    expect([matchesFilter(flow(webToDb), f), matchesFilter(flow(worldToWeb), f), matchesFilter(flow(webToDb, 30), f)]).toEqual([true, true, false]);
    const g = filter({ fromLabels: ['k8s:app=web'] });
    expect([matchesFilter(flow(webToDb), g), matchesFilter(flow(worldToWeb), g)]).toEqual([true, false]);
  });
});

describe('FlowFilter messages (proto fields 2, 4, 10, 11, 5)', () => {
  it('survive the wire both ways, verdicts as Hubble enum numbers', () => {
    const s = sel({ sourcePod: ['shop/'], destinationLabel: ['k8s:app in (a,b)'], verdict: ['DROPPED', 'AUDIT'] });
    const proto = selectorToProto(s);
    expect(proto.verdict).toEqual([2, 4]);
    const request = GetFlowsRequest.decode(GetFlowsRequest.encode({ ...flowsRequest({ number: 5, follow: false, namespaces: [] }), whitelist: [proto] }).finish());
    expect(request.whitelist).toHaveLength(1);
    expect(selectorFromProto(request.whitelist[0] as typeof proto)).toEqual(s);
  });

  it('flowsRequest sends the whitelist of the filter', () => {
    const req = flowsRequest({ number: 0, follow: false, namespaces: [], fromPods: ['a/web'], verdicts: ['FORWARDED'] });
    expect(req.whitelist.map(selectorFromProto)).toEqual([sel({ sourcePod: ['a/web'], verdict: ['FORWARDED'] })]);
  });

  it('a field flowpol cannot honour is named, not ignored', () => {
    expect(selectorFromProto(emptyFilter({ sourceIp: ['10.0.0.1'] }))).toEqual({ unsupported: 'sourceIp' });
    expect(selectorFromProto(emptyFilter({ protocol: ['tcp'], sourcePod: ['a/'] }))).toEqual({ unsupported: 'protocol' });
  });
});

describe('collect flags → FlowFilter', () => {
  const flags = (f: Partial<FlowSelectionFlags>): FlowSelectionFlags =>
    ({ pod: [], fromPod: [], toPod: [], verdict: [], label: [], fromLabel: [], toLabel: [], ...f });

  it('keeps only the flags given, and checks them before any source is read', () => {
    expect(flowFilterFrom({ since: 1 }, ['shop'], flags({ verdict: ['DROPPED'], toLabel: ['app=db'] }))).toEqual({
      since: 1, namespaces: ['shop'], verdicts: ['DROPPED'], toLabels: ['app=db'],
    });
    expect(() => flowFilterFrom({}, [], flags({ fromLabel: ['app in web'] }))).toThrow('--from-label "app in web": not a label selector');
    expect(() => flowFilterFrom({}, ['a'], flags({ fromPod: ['b/'] }))).toThrow('--namespace and --from-pod cannot be combined');
  });

  it('with --all-namespaces a pod name without a namespace is that pod in any namespace (hubble observe -A)', () => {
    expect(flowFilterFrom({}, [], { ...flags({ pod: ['web', 'shop/api'], toPod: [] }), allNamespaces: true }).pods).toEqual(['/web', 'shop/api']);
    expect(flowFilterFrom({}, [], flags({ pod: ['web'] })).pods).toEqual(['web']);
  });
});
