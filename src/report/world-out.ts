// `--world-out`: the world a report evaluated, in probe format (docs/world-format.md), so
// `flowpol check` can re-decide every edge independently of the report: namespaces, one pod per
// workload identity (two when its pods talk to each other: see addSiblings; one per variant when
// an inventory shows its pods differ in what the policies select on), one external per address,
// every policy (synthesized default-deny included) and one probe per evaluated edge (per pair of
// variants) whose `expected` is the report's verdict (the pair's). Connected, the
// silent workloads' pods too (their own names, labels and ports; no traffic, so no probes).
import type { Peer, Pod, PolicyProtocol, Subject } from '../model.js';
import type { BreakageResult } from './breakage.js';
import { isOnePod } from './pod-variants.js';
import { compareText } from '../order.js';
import { refusedByKubernetes } from '../policy/workload-selectors.js';

export interface WorldProbe { from: string; to: string; port: number; protocol: PolicyProtocol; expected: 'allow' | 'deny' }

/**
 * The probe-format document (serialize with JSON.stringify). `silentPods`: the silent workloads'
 * pods (`ReportOutcome.silentPods`), added under their own names (`-2`, `-3` … where a workload
 * pod of the world took the name). Probes are made from the report's listed edges: build the
 * report with `allowedEdges: 'keep'` (as `--world-out` does) for a probe of every edge, else
 * edges that keep working have none.
 */
export function reportWorld(result: BreakageResult, name: string, silentPods: readonly Pod[] = []): Record<string, unknown> {
  const world = result.world.pods();
  const { nameOf } = world;
  // Only a recording can hold a namespace name or pod label Kubernetes refuses, and `check` (like
  // the API server) refuses a world with one: such pods are left out, with their probes.
  const writable = (p: { namespace: string; labels: Readonly<Record<string, string>> }): boolean => refusedByKubernetes(p) === undefined;
  const pods = withSilentPods(world.pods.filter(writable), silentPods);
  const left = new Set(world.pods.filter((p) => !writable(p)).map((p) => p.namespace));
  // The world's subjects for an edge end, each with its probe name (a workload whose pods differ: one per variant).
  const ends = (peer: Peer): { subject: Subject; name: string; pods: readonly string[] }[] => {
    const found = result.world.of(peer);
    if (found.kind !== 'subject') return [];
    if (found.subject.kind === 'external') return [{ subject: found.subject, name: `ext:${found.subject.name ?? found.subject.ip}`, pods: [] }];
    if (peer.kind !== 'workload') return [];
    return (found.variants ?? [{ subject: found.subject, pods: [] }]).filter((g) => g.subject.kind === 'pod' && writable(g.subject))
      .map((g) => ({ subject: g.subject, name: `${peer.identity.namespace}/${nameOf.get(g.subject) ?? ''}`, pods: g.pods }));
  };
  const probes: WorldProbe[] = [];
  let unaddressed = 0;
  for (const ns of result.report.namespaces) {
    for (const w of ns.workloads) {
      for (const e of w.edges) {
        if (e.status === 'not-governed') continue;
        const from = ends(e.edge.source);
        const to = ends(e.edge.destination);
        if (e.detail?.gaps.some((g) => g.kind === 'peer-unaddressed') === true) unaddressed++;
        const protocol = e.edge.protocol as PolicyProtocol;
        const port = e.edge.port;
        for (const a of from) {
          for (const b of to) {
            if (isOnePod(a, b)) continue; // a pod's traffic to itself: not judged
            // One pair: the report's verdict. Several (pods that differ): each pair's own, which the report's verdict is the worst of.
            const expected = from.length * to.length === 1 ? e.decision
              : result.engine.allows({ source: a.subject, destination: b.subject, protocol, port }) ? 'allow' : 'deny';
            probes.push({ from: a.name, to: b.name, port, protocol, expected });
          }
        }
      }
    }
  }
  const siblings = addSiblings(pods, probes);
  return {
    name,
    source: 'flowpol report --world-out: the world built from observed flows, with the policies evaluated',
    note: worldNote(result, { silentPods: silentPods.length, unaddressed, siblings, left: [...left].sort(compareText) }),
    namespaces: result.world.namespaces().filter((n) => writable({ namespace: n.name, labels: n.labels })),
    pods,
    externals: result.world.externalList(),
    policies: result.engine.policies,
    probes,
  };
}

/** What the world file holds and leaves out, in words (its `note`). */
function worldNote(result: BreakageResult, n: { silentPods: number; unaddressed: number; siblings: number; left: readonly string[] }): string {
  const them = (count: number): string => (count === 1 ? 'it' : 'them');
  const notes = [
    `One pod per workload identity (identity labels; ${result.report.cluster === undefined ? 'flows carry no container ports' : 'container ports and namespace labels from the cluster inventory'}), one external per observed address${n.silentPods === 0 ? '' : ', the silent workloads\' pods (no traffic, no probes)'}; expected = the report's verdict.`,
    result.world.splitWorkloads() === 0 ? '' : 'A workload whose pods differ in labels or container ports the policies select on has a pod per such group (-2, -3 …), and a probe per pair of pods; the report\'s verdict is the worst of them.',
    n.unaddressed === 0 ? '' : `${n.unaddressed} evaluated edge${n.unaddressed === 1 ? ' has' : 's have'} no probe: the other end has no pod and no address (a remote node, the kube-apiserver, an external known only by name), so the world cannot hold it; the report judged ${them(n.unaddressed)} by the pod end's isolation.`,
    n.siblings === 0 ? '' : 'A workload whose pods talk to each other has a second pod (-peer) to be their destination: a pod\'s traffic to itself is never policed.',
    n.left.length === 0 ? '' : `Left out: the workloads whose namespace name or labels Kubernetes refuses (in ${n.left.join(', ')}), and their probes.`,
  ];
  return notes.filter((t) => t !== '').join(' ');
}

/**
 * The world's pods plus the silent ones, sorted by namespace and name. A silent pod keeps its own
 * name unless a workload pod of the world holds it; then it gets the first free `-2`, `-3` …
 */
function withSilentPods(pods: readonly Pod[], silent: readonly Pod[]): Pod[] {
  if (silent.length === 0) return [...pods];
  const key = (p: Pod, name = p.name): string => `${p.namespace}/${name}`;
  const held = new Set(pods.map((p) => key(p)));
  const taken = new Set([...held, ...silent.map((p) => key(p))]);
  const out = [...pods];
  for (const pod of silent) {
    let name = pod.name;
    if (held.has(key(pod))) {
      for (let n = 2; taken.has(key(pod, name)); n++) name = `${pod.name}-${n}`;
      taken.add(key(pod, name));
    }
    out.push({ ...pod, name });
  }
  return out.sort((a, b) => compareText(a.namespace, b.namespace) || compareText(a.name, b.name));
}

/**
 * An edge between two pods of one workload is a probe from its world pod to itself, which `check`
 * allows whatever the policies (loopback), while the report judged it as the policed traffic
 * between two of its pods. Each such workload gets a sibling (its labels and ports, named
 * `<name>-peer`, or `-peer-2` … when taken) as those probes' destination. Returns how many.
 */
function addSiblings(pods: Pod[], probes: WorldProbe[]): number {
  const byName = new Map(pods.map((p) => [`${p.namespace}/${p.name}`, p]));
  const siblingOf = new Map<string, string>();
  for (const probe of probes) {
    if (probe.from !== probe.to) continue;
    let sibling = siblingOf.get(probe.from);
    const pod = byName.get(probe.from);
    if (sibling === undefined && pod !== undefined) {
      let name = `${pod.name}-peer`;
      for (let n = 2; byName.has(`${pod.namespace}/${name}`); n++) name = `${pod.name}-peer-${n}`;
      const twin: Pod = { ...pod, name, labels: { ...pod.labels }, ports: [...pod.ports] };
      sibling = `${pod.namespace}/${name}`;
      byName.set(sibling, twin);
      siblingOf.set(probe.from, sibling);
      pods.push(twin);
    }
    if (sibling !== undefined) probe.to = sibling;
  }
  pods.sort((a, b) => compareText(a.namespace, b.namespace) || compareText(a.name, b.name));
  return siblingOf.size;
}
