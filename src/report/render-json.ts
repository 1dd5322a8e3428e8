// `-o json`: the report for machines. Stable schema, versioned by `schemaVersion` (bump it on any
// change that is not a pure addition). Written one edge per line so a large report streams.
//
// {
//   "schemaVersion": 1,
//   "ipBlockSemantics": string,                 // flowpol's ipBlock choice (IPBLOCK_CHOICE)
//   "cluster"?: {"mode": "live" | "snapshot", "description": string, "policies": "existing" | "replaced-by-existing-flag"},
//                                                // connected reports only (absent offline), like "silent"
//   "silent"?: [{"namespace", "owner": {"kind", "name"}, "title": "ns/Kind/name", "pods": [string],
//               "isolation": [{"direction": "ingress" | "egress", "isolatedBy": [ref]}]}],
//                                                // inventory workloads with no observed traffic that the policies isolate
//   "window": {"first": RFC 3339, "last": RFC 3339} | null,
//   "policies": [{"ref": "ns/name", "provenance": "existing" | "proposed" | "default-deny"}],
//   "defaultDeny": {"namespaces": [string], "direction": "ingress" | "egress" | "both",
//                   "unknown"?: [string]},       // named namespaces no flow or cluster shows: they simulate nothing
//   "totals": {<status>: {"edges": n, "flows": n}},   // status: breaks | dropped | not-governed | allowed
//   "coverage": [{"kind": "short-window" | "lost-events" | "no-traffic", "message": string}],
//   "workloads": [{"namespace": string, "workload": "ns/k=v,..." | null, "totals": {...}}],  // report order
//   "edges": [{                                  // report order: grouped as "workloads", breaks first
//     "namespace", "workload",                   // the group the edge is listed under
//     "status", "title": "src -> dst PROTO/port", "reason": string,
//     "source": Peer, "destination": Peer,       // model.ts Peer: {"kind": "workload", "identity": {...}} | reserved | cidr | fqdn
//     "protocol", "port", "flows", "firstSeen", "lastSeen", "observed": {<Hubble verdict>: n}, "destinationNames": [string],
//     "decision": "allow" | "deny" | null,       // null: not governed
//     "verdict": Verdict | null,                 // model.ts Verdict: egress and ingress SideVerdicts (null: not governed)
//     "closest": {"egress"?: {"miss": NearMiss, "admits": string}, "ingress"?: ...},
//     "gaps": [WorldGap],                        // what the world built from flows did not know
//     "notGoverned": {"code": EdgeNoteCode, "isolation": [{"direction", "isolatedBy": [ref]}]} | null
//   }]
// }
import { type BreakageReport, EDGE_STATUSES, type EdgeStatus, type ReportEdge, type SideVerdict, type Verdict, type WorkloadReport } from '../model.js';
import { coverageMessage, edgeReason, edgeTitle, IPBLOCK_CHOICE, isoTime } from './reasons.js';
import { clusterJson } from './silent-render.js';

export const REPORT_SCHEMA_VERSION = 1;

/**
 * The JSON document in chunks (one per edge after the header); join them for the whole text.
 * `edgesOf` gives each workload's edges (default: its `edges`; a streaming report's `edgesOf`).
 */
export function* renderJsonChunks(r: BreakageReport, edgesOf: (w: WorkloadReport) => Iterable<ReportEdge> = (w) => w.edges): Generator<string> {
  const header = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    ipBlockSemantics: IPBLOCK_CHOICE,
    ...clusterJson(r),
    window: r.window === undefined ? null : { first: isoTime(r.window.first), last: isoTime(r.window.last) },
    policies: r.policies,
    defaultDeny: r.defaultDeny,
    totals: r.totals,
    coverage: r.coverage.map((w) => ({ kind: w.kind, message: coverageMessage(w) })),
    workloads: r.namespaces.flatMap((ns) => ns.workloads.map((w) => ({ namespace: w.namespace, workload: w.workload ?? null, totals: w.totals }))),
  };
  const head = JSON.stringify(header, null, 2);
  yield `${head.slice(0, -2)},\n  "edges": [`;
  let first = true;
  for (const ns of r.namespaces) {
    for (const w of ns.workloads) {
      const group = `{"namespace":${JSON.stringify(w.namespace)},"workload":${JSON.stringify(w.workload ?? null)},"status":`;
      for (const e of edgesOf(w)) {
        yield `${first ? '' : ','}\n    ${edgeLine(group, e)}`;
        first = false;
      }
    }
  }
  yield `${first ? '' : '\n  '}]\n}\n`;
}

export function renderJson(r: BreakageReport): string {
  return [...renderJsonChunks(r)].join('');
}

/**
 * One edge's object after its group's `{"namespace":…,"workload":…,"status":`, written field by
 * field in schema order (what JSON.stringify of the object would give, byte for byte): each peer's
 * and shared verdict side's JSON made once per object, numbers, times and fixed words without
 * JSON.stringify.
 */
function edgeLine(group: string, e: ReportEdge): string {
  const { edge } = e;
  const evaluated = e.status === 'not-governed' ? undefined : e;
  const detail = evaluated?.detail;
  return group + STATUS_JSON[e.status] + ',"title":' + JSON.stringify(edgeTitle(e)) + ',"reason":' + JSON.stringify(edgeReason(e)) +
    ',"source":' + jsonOnce(edge.source) + ',"destination":' + jsonOnce(edge.destination) +
    ',"protocol":' + JSON.stringify(edge.protocol) + ',"port":' + numberJson(edge.port) + ',"flows":' + numberJson(edge.count) +
    ',"firstSeen":"' + isoTime(edge.firstSeen) + '","lastSeen":"' + isoTime(edge.lastSeen) + '","observed":' + countsJson(edge.verdicts) +
    ',"destinationNames":' + (edge.destinationNames.length === 0 ? '[]' : JSON.stringify(edge.destinationNames)) +
    ',"decision":' + (evaluated === undefined ? 'null' : DECISION_JSON[evaluated.decision]) + ',"verdict":' + verdictJson(evaluated?.verdict) +
    ',"closest":' + (detail === undefined ? '{}' : JSON.stringify(detail.closest)) + ',"gaps":' + (detail === undefined ? '[]' : JSON.stringify(detail.gaps)) +
    ',"notGoverned":' + (e.status === 'not-governed' ? JSON.stringify({ code: e.code, isolation: e.isolation }) : 'null') + '}';
}

const STATUS_JSON = Object.fromEntries(EDGE_STATUSES.map((s) => [s, JSON.stringify(s)])) as Record<EdgeStatus, string>;
const DECISION_JSON: Readonly<Record<'allow' | 'deny', string>> = { allow: '"allow"', deny: '"deny"' };

/** JSON.stringify of a number: its shortest text, `null` when not finite. */
const numberJson = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');

/** JSON.stringify of the observed verdict counts (keys in the object's order), each key's text made once. */
function countsJson(counts: Readonly<Record<string, number | undefined>>): string {
  let out = '';
  for (const key in counts) {
    const n = counts[key];
    if (typeof n !== 'number') return JSON.stringify(counts);
    let k = keyTexts.get(key);
    if (k === undefined) keyTexts.set(key, (k = `${JSON.stringify(key)}:`));
    out += (out === '' ? '{' : ',') + k + numberJson(n);
  }
  return out === '' ? '{}' : `${out}}`;
}
const keyTexts = new Map<string, string>();

/** What JSON.stringify writes for a verdict, with each shared side's text made once (denied sides are not shared). */
function verdictJson(v: Verdict | undefined): string {
  if (v === undefined) return 'null';
  const side = (s: SideVerdict): string => (s.kind === 'denied' ? JSON.stringify(s) : jsonOnce(s));
  return `{"decision":${JSON.stringify(v.decision)},"egress":${side(v.egress)},"ingress":${side(v.ingress)}}`;
}

/** JSON.stringify of an object the report shares between edges (peers, verdict sides), made once per object. */
const texts = new WeakMap<object, string>();
function jsonOnce(value: object): string {
  let text = texts.get(value);
  if (text === undefined) texts.set(value, (text = JSON.stringify(value)));
  return text;
}
