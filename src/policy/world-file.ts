// The probe-format world file (docs/world-format.md): namespaces, pods, externals, policies as
// written, and probes `from → to : port/protocol` with optional expectations. Every problem is an
// InputError naming the file and the JSON path (e.g. `world.json (probes[3].from)`).
import { InputError } from '../errors.js';
import { POLICY_PROTOCOLS, type ContainerPort, type External, type Namespace, type Pod, type PolicyProtocol, type Subject, type Verdict } from '../model.js';
import { LOOPBACK, PolicyEngine, type SourcedPolicy } from './evaluate.js';
import type { PolicyWarning } from './validate.js';
import { parseIp } from './ip.js';
import { portNameProblem, portNumberProblem } from './ports.js';
import { isDns1123Subdomain, labelKeyProblem, labelValueProblem, namespaceNameProblem } from './selectors.js';

export type Expectation = 'allow' | 'deny';

export interface Probe {
  /** As written: `namespace/name` or `ext:<name>`. */
  from: string;
  to: string;
  source: Subject;
  destination: Subject;
  port: number;
  protocol: PolicyProtocol;
  expected?: Expectation;
}

export interface WorldFile {
  file: string;
  name: string;
  source?: string;
  note?: string;
  namespaces: Namespace[];
  pods: Pod[];
  externals: External[];
  policies: SourcedPolicy[];
  probes: Probe[];
}

export interface ProbeResult {
  case: string;
  from: string;
  to: string;
  port: number;
  protocol: PolicyProtocol;
  expected?: Expectation;
  verdict: Verdict;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

class Reader {
  constructor(readonly file: string) {}
  fail(field: string, reason: string): never {
    throw new InputError({ file: this.file, field }, reason, 'E_WORLD');
  }
  object(v: unknown, field: string, allowed: readonly string[], required: readonly string[] = []): Json {
    if (!isObject(v)) this.fail(field, 'must be an object');
    for (const key of Object.keys(v)) if (!allowed.includes(key)) this.fail(join(field, key), `unknown field (expected one of: ${allowed.join(', ')})`);
    for (const key of required) if (v[key] === undefined) this.fail(join(field, key), 'is required');
    return v;
  }
  list(v: unknown, field: string): unknown[] {
    if (v === undefined) return [];
    if (!Array.isArray(v)) this.fail(field, 'must be a list');
    return v;
  }
  string(v: unknown, field: string): string {
    if (typeof v !== 'string' || v === '') this.fail(field, 'must be a non-empty string');
    return v;
  }
  /** A namespace name (`namespace`) or pod name, as the API server would accept it. */
  name(v: unknown, field: string, kind: 'namespace' | 'pod'): string {
    const name = this.string(v, field);
    const problem = kind === 'namespace' ? namespaceNameProblem(name) : isDns1123Subdomain(name) ? undefined : 'must be a lowercase DNS subdomain (e.g. web-0)';
    if (problem !== undefined) this.fail(field, `"${name}" ${problem}`);
    return name;
  }
  labels(v: unknown, field: string): Record<string, string> {
    if (v === undefined) return {};
    if (!isObject(v)) this.fail(field, 'must be an object of label key: value');
    for (const [key, value] of Object.entries(v)) {
      if (typeof value !== 'string') this.fail(join(field, key), 'label value must be a string');
      const problem = labelKeyProblem(key) ?? labelValueProblem(value);
      if (problem !== undefined) this.fail(join(field, key), problem);
    }
    return v as Record<string, string>;
  }
  protocol(v: unknown, field: string): PolicyProtocol {
    if (v === undefined) return 'TCP';
    if (!POLICY_PROTOCOLS.some((p) => p === v)) this.fail(field, `must be one of ${POLICY_PROTOCOLS.join(', ')}`);
    return v as PolicyProtocol;
  }
  port(v: unknown, field: string): number {
    const problem = typeof v === 'number' ? portNumberProblem(v) : 'must be a port number';
    if (problem !== undefined) this.fail(field, problem);
    return v as number;
  }
}

const join = (field: string, key: string): string => (field === '' ? key : `${field}.${key}`);

/** Parses one world file's text. */
export function parseWorld(text: string, file: string): WorldFile {
  const r = new Reader(file);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const position = /position (\d+)/.exec(message)?.[1];
    const line = position === undefined ? undefined : text.slice(0, Number(position)).split('\n').length;
    throw new InputError({ file, ...(line === undefined ? {} : { line }) }, `not valid JSON: ${message}`, 'E_WORLD');
  }
  const top = r.object(raw, '', ['name', 'source', 'note', 'namespaces', 'pods', 'externals', 'policies', 'probes'], ['name']);
  const name = r.string(top.name, 'name');
  const namespaces = r.list(top.namespaces, 'namespaces').map((v, i): Namespace => {
    const o = r.object(v, `namespaces[${i}]`, ['name', 'labels'], ['name']);
    return { name: r.name(o.name, `namespaces[${i}].name`, 'namespace'), labels: r.labels(o.labels, `namespaces[${i}].labels`) };
  });
  unique(r, namespaces.map((n) => n.name), 'namespaces', 'name', 'namespace');
  const pods = r.list(top.pods, 'pods').map((v, i) => readPod(r, v, `pods[${i}]`));
  unique(r, pods.map((p) => `${p.namespace}/${p.name}`), 'pods', 'name', 'pod');
  const externals = r.list(top.externals, 'externals').map((v, i): External => {
    const f = `externals[${i}]`;
    const o = r.object(v, f, ['name', 'ip'], ['name', 'ip']);
    const ip = r.string(o.ip, `${f}.ip`);
    if (parseIp(ip) === undefined) r.fail(`${f}.ip`, `"${ip}" is not an IPv4 or IPv6 address`);
    return { name: r.string(o.name, `${f}.name`), ip };
  });
  unique(r, externals.map((e) => e.name), 'externals', 'name', 'external');
  const policies = r.list(top.policies, 'policies').map((policy, i): SourcedPolicy => ({ policy, origin: { file, field: `policies[${i}]` } }));
  const subjects = new Map<string, Subject>();
  for (const p of pods) subjects.set(`${p.namespace}/${p.name}`, { kind: 'pod', namespace: p.namespace, name: p.name, labels: p.labels, ports: p.ports });
  for (const e of externals) subjects.set(`ext:${e.name}`, { kind: 'external', ip: e.ip, name: e.name });
  const probes = r.list(top.probes, 'probes').map((v, i) => readProbe(r, v, `probes[${i}]`, subjects));
  return {
    file, name, namespaces, pods, externals, policies, probes,
    ...(typeof top.source === 'string' ? { source: top.source } : {}),
    ...(typeof top.note === 'string' ? { note: top.note } : {}),
  };
}

function readPod(r: Reader, v: unknown, f: string): Pod {
  const o = r.object(v, f, ['namespace', 'name', 'labels', 'ip', 'ports'], ['namespace', 'name']);
  const ports = r.list(o.ports, `${f}.ports`).map((pv, j): ContainerPort => {
    const pf = `${f}.ports[${j}]`;
    const po = r.object(pv, pf, ['name', 'port', 'protocol'], ['port']);
    const port: ContainerPort = { port: r.port(po.port, `${pf}.port`), protocol: r.protocol(po.protocol, `${pf}.protocol`) };
    if (po.name !== undefined) {
      const portName = r.string(po.name, `${pf}.name`);
      const problem = portNameProblem(portName);
      if (problem !== undefined) r.fail(`${pf}.name`, problem);
      port.name = portName;
    }
    return port;
  });
  const pod: Pod = { namespace: r.name(o.namespace, `${f}.namespace`, 'namespace'), name: r.name(o.name, `${f}.name`, 'pod'), labels: r.labels(o.labels, `${f}.labels`), ports };
  if (o.ip !== undefined) {
    pod.ip = r.string(o.ip, `${f}.ip`);
    if (parseIp(pod.ip) === undefined) r.fail(`${f}.ip`, `"${pod.ip}" is not an IPv4 or IPv6 address`);
  }
  return pod;
}

function readProbe(r: Reader, v: unknown, f: string, subjects: ReadonlyMap<string, Subject>): Probe {
  const o = r.object(v, f, ['from', 'to', 'port', 'protocol', 'expected'], ['from', 'to', 'port']);
  const end = (key: 'from' | 'to'): [string, Subject] => {
    const name = r.string(o[key], `${f}.${key}`);
    const subject = subjects.get(name);
    if (subject === undefined) {
      r.fail(`${f}.${key}`, `"${name}" is not a pod (namespace/name) or external (ext:<name>) of this world`);
    }
    return [name, subject];
  };
  const [from, source] = end('from');
  const [to, destination] = end('to');
  const probe: Probe = { from, to, source, destination, port: r.port(o.port, `${f}.port`), protocol: r.protocol(o.protocol, `${f}.protocol`) };
  if (o.expected !== undefined) {
    if (o.expected !== 'allow' && o.expected !== 'deny') r.fail(`${f}.expected`, 'must be "allow" or "deny"');
    probe.expected = o.expected;
  }
  return probe;
}

function unique(r: Reader, keys: string[], list: string, field: string, what: string): void {
  const seen = new Set<string>();
  keys.forEach((key, i) => {
    if (seen.has(key)) r.fail(`${list}[${i}].${field}`, `${what} "${key}" is defined twice`);
    seen.add(key);
  });
}

/** Evaluates every probe of a world (its own policies plus `extra`) with one engine; validation warnings go to `warnings`. */
export function runProbes(world: WorldFile, extra: readonly SourcedPolicy[] = [], warnings?: PolicyWarning[]): ProbeResult[] {
  const engine = new PolicyEngine([...world.policies, ...extra], world.namespaces);
  warnings?.push(...engine.warnings);
  return world.probes.map((p) => ({
    case: world.name, from: p.from, to: p.to, port: p.port, protocol: p.protocol,
    ...(p.expected === undefined ? {} : { expected: p.expected }),
    // One pod of the world to itself (its own subject object: pods never share one here).
    verdict: p.source === p.destination && p.source.kind === 'pod' ? LOOPBACK
      : engine.evaluate({ source: p.source, destination: p.destination, protocol: p.protocol, port: p.port }),
  }));
}
