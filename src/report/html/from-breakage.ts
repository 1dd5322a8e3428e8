// BreakageReport → the page's view model. Workloads are grouped by namespace, externals by DNS
// name when flows resolved one (else by address), reserved entities together. Sentences come
// from reasons.ts, so the page says what the text and JSON reports say.
import { peerKey } from '../../identity/peer.js';
import type { BreakageReport, Edge, NetworkPolicy, Peer, ReportEdge } from '../../model.js';
import { EDGE_STATUSES } from '../../model.js';
import { describePeer, describePort } from '../../policy/edge-notes.js';
import { compileSelector } from '../../policy/selectors.js';
import { coverageMessage, edgeReason, IPBLOCK_CHOICE, isoTime, policiesLine, STATUS_LABEL } from '../reasons.js';
import { clusterHtml } from '../silent-render.js';
import type { HtmlEdge, HtmlGroup, HtmlNode, HtmlReport, HtmlSummaryRow } from './view-model.js';
import { compareText } from '../../order.js';
import { portableYaml } from '../../policy/yaml-writer.js';

export interface HtmlReportInput {
  report: BreakageReport;
  /** Every policy the report evaluated, validated (the engine's `policies`). */
  policies: readonly NetworkPolicy[];
}

const WORLD: HtmlGroup = { id: 'world', kind: 'world', label: 'world (outside the cluster)' };
const RESERVED: HtmlGroup = { id: 'reserved', kind: 'reserved', label: 'cluster entities (not pods)' };

export function toHtmlReport({ report, policies }: HtmlReportInput): HtmlReport {
  const entries = report.namespaces.flatMap((ns) => ns.workloads.flatMap((w) => w.edges));
  const nodes = new Map<string, NodeDraft>();
  const edges: HtmlEdge[] = entries.map((e) => {
    const source = node(nodes, e.edge.source, e.edge, 'source');
    const target = node(nodes, e.edge.destination, e.edge, 'destination');
    return edgeView(e, source, target);
  });
  const drafts = [...nodes.values()].sort((a, b) => compareText(a.group, b.group) || compareText(a.label, b.label) || compareText(a.id, b.id));
  const namespaces = [...new Set(drafts.filter((n) => n.kind === 'workload').map((n) => n.group))].sort(compareText);
  const used = new Set(drafts.map((n) => n.group));
  const groups: HtmlGroup[] = [
    ...namespaces.map((id): HtmlGroup => ({ id, kind: 'namespace', label: id.slice('ns:'.length) })),
    ...[WORLD, RESERVED].filter((g) => used.has(g.id)),
  ];
  const cluster = clusterHtml(report);
  const out: HtmlReport = {
    title: 'flowpol dry-run breakage report',
    subtitle: [...cluster.subtitle, `policies: ${policiesLine(report)}`, ...(report.window === undefined ? [] : [`window: ${isoTime(report.window.first)} .. ${isoTime(report.window.last)}`])],
    summary: summary(report),
    warnings: [...report.coverage.map(coverageMessage), ...cluster.warnings],
    notes: [IPBLOCK_CHOICE],
    groups,
    nodes: drafts.map(finish),
    edges,
  };
  const proposed = proposedPolicies(report, policies);
  if (proposed.length > 0) out.policies = policiesByNode(drafts, proposed);
  return out;
}

interface NodeDraft extends Omit<HtmlNode, 'title'> {
  titles: Set<string>;
  peer: Peer;
}

/** The node a peer is drawn as; externals with a DNS name share one node per name. */
function node(nodes: Map<string, NodeDraft>, peer: Peer, edge: Edge, end: 'source' | 'destination'): string {
  const draft = draftFor(peer, end === 'destination' ? edge.destinationNames : []);
  const found = nodes.get(draft.id);
  if (found === undefined) nodes.set(draft.id, draft);
  else for (const t of draft.titles) found.titles.add(t);
  return draft.id;
}

function draftFor(peer: Peer, names: readonly string[]): NodeDraft {
  const title = new Set([describePeer(peer)]);
  switch (peer.kind) {
    case 'workload':
      return { id: peerKey(peer), kind: 'workload', group: `ns:${peer.identity.namespace}`, label: shortLabels(peer.identity.labels), titles: title, peer };
    case 'reserved':
      return { id: peerKey(peer), kind: 'reserved', group: RESERVED.id, label: peer.entity, titles: title, peer };
    case 'fqdn':
      return { id: `dns:${peer.name}`, kind: 'external', group: WORLD.id, label: peer.name, titles: new Set([`${peer.name} (no address observed)`]), peer };
    case 'cidr': {
      const name = [...names].sort(compareText)[0];
      if (name === undefined) return { id: peerKey(peer), kind: 'external', group: WORLD.id, label: peer.cidr, titles: title, peer };
      return { id: `dns:${name}`, kind: 'external', group: WORLD.id, label: name, titles: new Set([`${name} (${peer.cidr})`]), peer };
    }
  }
}

/** Label keys that name a workload, most telling first; the node shows two of them. */
const NAMING_KEYS = ['app.kubernetes.io/name', 'app', 'k8s-app', 'name', 'app.kubernetes.io/component', 'component', 'tier', 'version'];

/** `app=reviews version=v2 +1`: the naming labels, and how many others the full key has. */
export function shortLabels(labels: Readonly<Record<string, string>>): string {
  const keys = Object.keys(labels).sort(compareText);
  if (keys.length === 0) return '(no labels)';
  const naming = NAMING_KEYS.filter((k) => k in labels).slice(0, 2);
  const shown = naming.length > 0 ? naming : keys.slice(0, 1);
  const rest = keys.length - shown.length;
  return `${shown.map((k) => `${k}=${labels[k]}`).join(' ')}${rest > 0 ? ` +${rest}` : ''}`;
}

function finish(d: NodeDraft): HtmlNode {
  return { id: d.id, kind: d.kind, group: d.group, label: d.label, title: [...d.titles].sort(compareText).join('; ') };
}

function edgeView(e: ReportEdge, source: string, target: string): HtmlEdge {
  const { edge } = e;
  return {
    source, target, port: describePort(edge.protocol, edge.port), count: edge.count,
    firstSeen: edge.firstSeen, lastSeen: edge.lastSeen, verdict: e.status, reason: edgeReason(e),
  };
}

function summary(report: BreakageReport): HtmlSummaryRow[] {
  const rows: HtmlSummaryRow[] = EDGE_STATUSES.map((s) => ({ label: STATUS_LABEL[s], verdict: s, ...report.totals[s] }));
  const total = rows.reduce((t, r) => ({ edges: t.edges + r.edges, flows: t.flows + r.flows }), { edges: 0, flows: 0 });
  return [...rows, { label: 'all observed', ...total }];
}

function proposedPolicies(report: BreakageReport, policies: readonly NetworkPolicy[]): NetworkPolicy[] {
  const proposed = new Set(report.policies.filter((p) => p.provenance === 'proposed').map((p) => p.ref));
  return policies.filter((p) => proposed.has(`${p.metadata.namespace}/${p.metadata.name}`));
}

/** YAML of the proposed policies selecting each workload (a workload no policy selects has no entry). */
function policiesByNode(drafts: readonly NodeDraft[], proposed: readonly NetworkPolicy[]): Record<string, string> {
  const compiled = proposed.map((p) => ({ policy: p, selector: compileSelector(p.spec.podSelector) }));
  const out: Record<string, string> = {};
  for (const d of drafts) {
    if (d.peer.kind !== 'workload') continue;
    const { namespace, labels } = d.peer.identity;
    const selecting = compiled.filter((c) => c.policy.metadata.namespace === namespace && c.selector.matches(labels));
    if (selecting.length > 0) out[d.id] = selecting.map((c) => portableYaml(c.policy)).join('---\n'); // copied into clusters: kubectl-safe
  }
  return out;
}
