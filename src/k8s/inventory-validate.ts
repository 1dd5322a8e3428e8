// Checks a parsed snapshot field by field and builds the Inventory; the first bad value is an
// InputError naming file, line and JSON path (e.g. `snapshot.yaml:12 (pods[3].ports[0].port)`).
// Unknown fields are errors, as in world files: a hand-edited `lables` or `policy` must not
// quietly read as a pod without labels or a cluster without policies.
// Policies and workload selectors are checked as the API server would (policy/validate.ts), pod
// addresses as IP addresses.
import { InputError } from '../errors.js';
import { parseIp } from '../policy/ip.js';
import { pathSegments } from '../policy/yaml-lines.js';
import { validateNetworkPolicy, validateSelectorField } from '../policy/validate.js';
import { POLICY_PROTOCOLS, WORKLOAD_KINDS } from '../model.js';
import type {
  ContainerPort, Inventory, InventoryPod, InventorySource, InventoryWorkload, NetworkPolicy,
  ObjectRef, PolicyProtocol, SelectorSource, WorkloadKind,
} from '../model.js';

export type FieldPath = (string | number)[];

/** The snapshot versions this reader understands. */
const API_VERSION = 'flowpol.io/v1alpha1';
const KIND = 'FlowpolInventory';

class Reader {
  constructor(private readonly file: string, private readonly lineOf: (p: FieldPath) => number | undefined) {}

  /** The line of a field given as text (`policies[0].spec.podSelector`). */
  lineOfField(field: string): number | undefined {
    return this.lineOf(pathSegments(field));
  }

  fail(path: FieldPath, reason: string): never {
    throw new InputError(this.at(path), reason);
  }

  /** Where `path` is: file, line and the field as text (`pods[3].ports[0]`). */
  at(path: FieldPath): { file: string; line?: number; field?: string } {
    const field = path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s === '' ? p : `${s}.${p}`), '');
    return { file: this.file, line: this.lineOf(path), field: field === '' ? undefined : field };
  }

  ip(v: unknown, path: FieldPath): string {
    const text = this.str(v, path);
    if (parseIp(text) === undefined) this.fail(path, `expected an IP address, found ${JSON.stringify(text)}`);
    return text;
  }

  /** An object; with `allowed`, a key outside it is an error (a misspelt `lables` must not read as no labels). */
  obj(v: unknown, path: FieldPath, allowed?: readonly string[]): Record<string, unknown> {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail(path, 'expected an object');
    if (allowed !== undefined) {
      for (const key of Object.keys(v)) {
        if (!allowed.includes(key)) this.fail([...path, key], `unknown field "${key}" (expected one of: ${allowed.join(', ')})`);
      }
    }
    return v as Record<string, unknown>;
  }

  arr(v: unknown, path: FieldPath): unknown[] {
    if (v === undefined) return [];
    if (!Array.isArray(v)) this.fail(path, 'expected a list');
    return v;
  }

  str(v: unknown, path: FieldPath): string {
    if (typeof v !== 'string' || v === '') this.fail(path, 'expected a non-empty string');
    return v;
  }

  optStr(v: unknown, path: FieldPath): string | undefined {
    return v === undefined ? undefined : this.str(v, path);
  }

  oneOf<T extends string>(v: unknown, allowed: readonly T[], path: FieldPath): T {
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) this.fail(path, `expected one of ${allowed.join(', ')}`);
    return v as T;
  }

  labels(v: unknown, path: FieldPath): Record<string, string> {
    if (v === undefined) return {};
    const o = this.obj(v, path);
    for (const [k, val] of Object.entries(o)) if (typeof val !== 'string') this.fail([...path, k], 'label values must be strings');
    return o as Record<string, string>;
  }

  ref(v: unknown, path: FieldPath): ObjectRef {
    const o = this.obj(v, path, ['kind', 'name']);
    return { kind: this.str(o.kind, [...path, 'kind']), name: this.str(o.name, [...path, 'name']) };
  }
}

function port(r: Reader, v: unknown, path: FieldPath): ContainerPort {
  const o = r.obj(v, path, ['name', 'port', 'protocol']);
  const n = o.port;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) r.fail([...path, 'port'], 'expected a port number 1-65535');
  const protocol = o.protocol === undefined ? 'TCP' : r.oneOf<PolicyProtocol>(o.protocol, POLICY_PROTOCOLS, [...path, 'protocol']);
  const name = r.optStr(o.name, [...path, 'name']);
  return name === undefined ? { port: n, protocol } : { name, port: n, protocol };
}

const POD_FIELDS = ['namespace', 'name', 'labels', 'ip', 'ips', 'ports', 'hostNetwork', 'owner', 'ownerChain', 'nodeName', 'phase'] as const;

function pod(r: Reader, v: unknown, path: FieldPath): InventoryPod {
  const o = r.obj(v, path, POD_FIELDS);
  const ips = r.arr(o.ips, [...path, 'ips']).map((ip, i) => r.ip(ip, [...path, 'ips', i]));
  const ip = o.ip === undefined ? undefined : r.ip(o.ip, [...path, 'ip']);
  if (ip !== undefined && ips.length === 0) ips.push(ip);
  if (o.hostNetwork !== undefined && typeof o.hostNetwork !== 'boolean') r.fail([...path, 'hostNetwork'], 'expected true or false');
  const out: InventoryPod = {
    namespace: r.str(o.namespace, [...path, 'namespace']),
    name: r.str(o.name, [...path, 'name']),
    labels: r.labels(o.labels, [...path, 'labels']),
    ips,
    ports: r.arr(o.ports, [...path, 'ports']).map((p, i) => port(r, p, [...path, 'ports', i])),
    hostNetwork: o.hostNetwork === true,
  };
  if (ip !== undefined) out.ip = ip;
  if (o.owner !== undefined) out.owner = r.ref(o.owner, [...path, 'owner']);
  if (o.ownerChain !== undefined) out.ownerChain = r.arr(o.ownerChain, [...path, 'ownerChain']).map((c, i) => r.ref(c, [...path, 'ownerChain', i]));
  const nodeName = r.optStr(o.nodeName, [...path, 'nodeName']);
  if (nodeName !== undefined) out.nodeName = nodeName;
  const phase = r.optStr(o.phase, [...path, 'phase']);
  if (phase !== undefined) out.phase = phase;
  return out;
}

function workload(r: Reader, v: unknown, path: FieldPath): InventoryWorkload {
  const o = r.obj(v, path, ['namespace', 'kind', 'name', 'selector', 'selectorSource']);
  const namespace = r.str(o.namespace, [...path, 'namespace']);
  const kind = r.oneOf<WorkloadKind>(o.kind, WORKLOAD_KINDS, [...path, 'kind']);
  const name = r.str(o.name, [...path, 'name']);
  return {
    namespace, kind, name,
    selector: validateSelectorField(r.obj(o.selector, [...path, 'selector']), r.at(path), 'workload', `${kind} ${namespace}/${name}`),
    selectorSource: r.oneOf<SelectorSource>(o.selectorSource, ['spec.selector', 'template-labels'], [...path, 'selectorSource']),
  };
}

function policy(r: Reader, v: unknown, path: FieldPath): NetworkPolicy {
  const o = r.obj(v, path);
  r.str(r.obj(o.metadata, [...path, 'metadata']).namespace, [...path, 'metadata', 'namespace']); // a snapshot's policies all have one
  validateNetworkPolicy(o, { ...r.at(path), lineOf: (field) => r.lineOfField(field) }); // errors at the bad field's line
  return o as unknown as NetworkPolicy; // as written: a snapshot read back renders byte for byte as it was
}

function source(r: Reader, v: unknown): InventorySource {
  const o = r.obj(v, ['source'], ['kind', 'context', 'cluster']);
  const kind = r.oneOf(o.kind, ['cluster', 'in-cluster'] as const, ['source', 'kind']);
  if (kind === 'in-cluster') return { kind };
  return { kind, context: r.str(o.context, ['source', 'context']), cluster: typeof o.cluster === 'string' ? o.cluster : '' };
}

/** Validate a parsed snapshot document and build the Inventory. */
export function inventoryFromDocument(value: unknown, file: string, lineOf: (p: FieldPath) => number | undefined): Inventory {
  const r = new Reader(file, lineOf);
  const o = r.obj(value, [], ['apiVersion', 'kind', 'source', 'namespaces', 'pods', 'workloads', 'externals', 'policies']);
  if (o.kind !== KIND) r.fail(['kind'], `expected kind ${KIND} (a snapshot written by \`flowpol inventory\`)`);
  if (o.apiVersion !== API_VERSION) r.fail(['apiVersion'], `unsupported snapshot version ${JSON.stringify(o.apiVersion)}; this flowpol reads ${API_VERSION}`);
  return {
    source: source(r, o.source),
    namespaces: r.arr(o.namespaces, ['namespaces']).map((n, i) => {
      const ns = r.obj(n, ['namespaces', i], ['name', 'labels']);
      return { name: r.str(ns.name, ['namespaces', i, 'name']), labels: r.labels(ns.labels, ['namespaces', i, 'labels']) };
    }),
    pods: r.arr(o.pods, ['pods']).map((p, i) => pod(r, p, ['pods', i])),
    workloads: r.arr(o.workloads, ['workloads']).map((w, i) => workload(r, w, ['workloads', i])),
    externals: r.arr(o.externals, ['externals']).map((e, i) => {
      const x = r.obj(e, ['externals', i], ['name', 'ip']);
      return { name: r.str(x.name, ['externals', i, 'name']), ip: r.str(x.ip, ['externals', i, 'ip']) };
    }),
    policies: r.arr(o.policies, ['policies']).map((p, i) => policy(r, p, ['policies', i])),
  };
}
