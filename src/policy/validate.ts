// Validation of NetworkPolicy objects as users write them, following the API server
// (pkg/apis/networking/validation and apimachinery's selector and name rules). Every problem is
// an InputError naming the policy `namespace/name` and the field path; nothing is guessed.
// Unknown fields are rejected as `kubectl apply` does with strict field validation, because a
// misspelt `from` would otherwise silently mean "from everywhere".
import { InputError, type InputLocation } from '../errors.js';
import {
  POLICY_PROTOCOLS, SELECTOR_OPERATORS,
  type LabelSelector, type NetworkPolicy, type NetworkPolicyPeer, type NetworkPolicyPort, type PolicyType,
} from '../model.js';
import { type Cidr, formatCidr, formatIp, isStrictSubset, parseCidr, parseIp } from './ip.js';
import { portNameProblem, portNumberProblem } from './ports.js';
import { isDns1123Subdomain, labelKeyProblem, labelValueProblem, namespaceNameProblem } from './selectors.js';

/**
 * Where a policy came from; `field` is the JSON path of the policy object in that file, `line`
 * where it starts. `lineOf`, when the text is at hand, gives the line of a field inside it, so an
 * error points at the bad field itself.
 */
export type PolicyOrigin = InputLocation & { lineOf?: (field: string) => number | undefined };

/** The location of `path` (a JSON path inside the policy; '' = the policy) for an error or warning. */
export function locate(origin: PolicyOrigin, path = ''): InputLocation {
  const field = [origin.field, path].filter((p) => p !== undefined && p !== '').join('.');
  const line = (field === '' ? undefined : origin.lineOf?.(field)) ?? origin.line;
  return { file: origin.file, ...(line === undefined ? {} : { line }), ...(field === '' ? {} : { field }) };
}

/** Namespace of a policy written without `metadata.namespace`, or with `""` (as `kubectl apply` without -n). */
export const DEFAULT_NAMESPACE = 'default';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What the API server accepts but a reader should look at twice, with where it is. */
export interface PolicyWarning { location: InputLocation; message: string }

class Checker {
  ref = '<unnamed>';
  /** What is checked, for messages: `policy ns/name: ...`; `warnings` collects warn(). */
  constructor(private readonly origin: PolicyOrigin, private readonly what = 'policy', private readonly warnings?: PolicyWarning[]) {}

  fail(path: string, reason: string): never {
    throw new InputError(this.at(path), `${this.what} ${this.ref}: ${reason}`, 'E_POLICY');
  }
  warn(path: string, message: string): void {
    this.warnings?.push({ location: this.at(path), message: `${this.what} ${this.ref}: ${message}` });
  }
  private at(path: string): InputLocation {
    return locate(this.origin, path);
  }
  object(v: unknown, path: string, allowed: readonly string[]): Json {
    if (!isObject(v)) this.fail(path, 'must be an object');
    for (const key of Object.keys(v)) {
      if (!allowed.includes(key)) this.fail(`${path}.${key}`, `unknown field "${key}" (expected one of: ${allowed.join(', ')})`);
    }
    return v;
  }
  /** null and absent are the same to the API server. */
  list(v: unknown, path: string): unknown[] | undefined {
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) this.fail(path, 'must be a list');
    return v;
  }
  string(v: unknown, path: string): string {
    if (typeof v !== 'string') this.fail(path, 'must be a string');
    return v;
  }
}

/** The policy as the API server would accept it, or an InputError; what it accepts but is ambiguous goes to `warnings`. */
export function validateNetworkPolicy(raw: unknown, origin: PolicyOrigin, warnings?: PolicyWarning[]): NetworkPolicy {
  const c: Checker = new Checker(origin, 'policy', warnings);
  const obj = c.object(raw, '', ['apiVersion', 'kind', 'metadata', 'spec', 'status']);
  const meta = isObject(obj.metadata) ? obj.metadata : c.fail('metadata', 'must be an object with a name');
  const name = meta.name;
  const namespace = meta.namespace === undefined || meta.namespace === '' ? DEFAULT_NAMESPACE : meta.namespace;
  if (typeof name === 'string') c.ref = `${typeof namespace === 'string' ? namespace : '?'}/${name}`;
  if (obj.apiVersion !== 'networking.k8s.io/v1') c.fail('apiVersion', `must be "networking.k8s.io/v1", not ${JSON.stringify(obj.apiVersion)}`);
  if (obj.kind !== 'NetworkPolicy') c.fail('kind', `must be "NetworkPolicy", not ${JSON.stringify(obj.kind)}`);
  if (typeof name !== 'string' || !isDns1123Subdomain(name)) c.fail('metadata.name', 'must be a lowercase DNS subdomain (e.g. allow-web)');
  if (typeof namespace !== 'string') c.fail('metadata.namespace', 'must be a string');
  const badNamespace = namespaceNameProblem(namespace);
  if (badNamespace !== undefined) c.fail('metadata.namespace', badNamespace);
  const spec = c.object(obj.spec ?? {}, 'spec', ['podSelector', 'policyTypes', 'ingress', 'egress']);
  const out: NetworkPolicy = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { ...(meta as NetworkPolicy['metadata']), name, namespace },
    spec: { podSelector: selector(c, spec.podSelector ?? {}, 'spec.podSelector') },
  };
  const types = c.list(spec.policyTypes, 'spec.policyTypes');
  if (types !== undefined) {
    if (types.length > 2) c.fail('spec.policyTypes', 'may not specify more than two policyTypes');
    out.spec.policyTypes = types.map((t, i): PolicyType => {
      if (t !== 'Ingress' && t !== 'Egress') c.fail(`spec.policyTypes[${i}]`, `unsupported value ${JSON.stringify(t)} (expected Ingress or Egress)`);
      return t;
    });
  }
  const ingress = c.list(spec.ingress, 'spec.ingress');
  if (ingress !== undefined) {
    out.spec.ingress = ingress.map((r, i) => {
      const rule = c.object(r, `spec.ingress[${i}]`, ['from', 'ports']);
      return { from: peers(c, rule.from, `spec.ingress[${i}].from`), ports: ports(c, rule.ports, `spec.ingress[${i}].ports`) };
    });
  }
  const egress = c.list(spec.egress, 'spec.egress');
  if (egress !== undefined) {
    out.spec.egress = egress.map((r, i) => {
      const rule = c.object(r, `spec.egress[${i}]`, ['to', 'ports']);
      return { to: peers(c, rule.to, `spec.egress[${i}].to`), ports: ports(c, rule.ports, `spec.egress[${i}].ports`) };
    });
  }
  return out;
}

/**
 * The `selector` field of an object other than a policy (a workload in a cluster snapshot, at
 * `origin.field`), with the API server's rules; errors read `<what> <ref>: ...`.
 */
export function validateSelectorField(raw: unknown, origin: PolicyOrigin, what: string, ref: string): LabelSelector {
  const c = new Checker(origin, what);
  c.ref = ref;
  return selector(c, raw, 'selector');
}

function selector(c: Checker, raw: unknown, path: string): LabelSelector {
  const s = c.object(raw, path, ['matchLabels', 'matchExpressions']);
  const out: LabelSelector = {};
  if (s.matchLabels !== undefined && s.matchLabels !== null) {
    const labels = c.object(s.matchLabels, `${path}.matchLabels`, Object.keys(s.matchLabels as Json));
    for (const [key, value] of Object.entries(labels)) {
      const problem = labelKeyProblem(key) ?? labelValueProblem(c.string(value, `${path}.matchLabels.${key}`));
      if (problem !== undefined) c.fail(`${path}.matchLabels.${key}`, problem);
    }
    out.matchLabels = labels as Record<string, string>;
  }
  const exprs = c.list(s.matchExpressions, `${path}.matchExpressions`);
  if (exprs !== undefined) {
    out.matchExpressions = exprs.map((raw, i) => {
      const p = `${path}.matchExpressions[${i}]`;
      const e = c.object(raw, p, ['key', 'operator', 'values']);
      const key = c.string(e.key, `${p}.key`);
      const op = e.operator;
      const values = (c.list(e.values, `${p}.values`) ?? []).map((v, j) => c.string(v, `${p}.values[${j}]`));
      const keyProblem = labelKeyProblem(key);
      if (keyProblem !== undefined) c.fail(`${p}.key`, keyProblem);
      if (!SELECTOR_OPERATORS.some((o) => o === op)) {
        c.fail(`${p}.operator`, `${JSON.stringify(op)} is not a valid selector operator (expected ${SELECTOR_OPERATORS.join(', ')})`);
      }
      if ((op === 'In' || op === 'NotIn') && values.length === 0) c.fail(`${p}.values`, `must be non-empty when operator is ${op}`);
      if ((op === 'Exists' || op === 'DoesNotExist') && values.length > 0) c.fail(`${p}.values`, `must be empty when operator is ${op}`);
      values.forEach((v, j) => {
        const problem = labelValueProblem(v);
        if (problem !== undefined) c.fail(`${p}.values[${j}]`, problem);
      });
      return values.length > 0 ? { key, operator: op as (typeof SELECTOR_OPERATORS)[number], values } : { key, operator: op as (typeof SELECTOR_OPERATORS)[number] };
    });
  }
  return out;
}

function peers(c: Checker, raw: unknown, path: string): NetworkPolicyPeer[] | undefined {
  return c.list(raw, path)?.map((r, i) => {
    const p = `${path}[${i}]`;
    const peer = c.object(r, p, ['podSelector', 'namespaceSelector', 'ipBlock']);
    const present = (['podSelector', 'namespaceSelector', 'ipBlock'] as const).filter((k) => peer[k] !== undefined && peer[k] !== null);
    if (present.length === 0) c.fail(p, 'must specify a peer (podSelector, namespaceSelector or ipBlock)');
    if (present.includes('ipBlock') && present.length > 1) c.fail(p, 'may not specify both ipBlock and another peer (podSelector/namespaceSelector)');
    const out: NetworkPolicyPeer = {};
    if (present.includes('podSelector')) out.podSelector = selector(c, peer.podSelector, `${p}.podSelector`);
    if (present.includes('namespaceSelector')) out.namespaceSelector = selector(c, peer.namespaceSelector, `${p}.namespaceSelector`);
    if (present.includes('ipBlock')) {
      const b = c.object(peer.ipBlock, `${p}.ipBlock`, ['cidr', 'except']);
      const cidrText = c.string(b.cidr, `${p}.ipBlock.cidr`);
      const cidr = parseCidr(cidrText);
      if (!cidr.ok) c.fail(`${p}.ipBlock.cidr`, `"${cidrText}" ${cidr.reason}`);
      warnHostBits(c, cidrText, cidr.value, `${p}.ipBlock.cidr`);
      const except = (c.list(b.except, `${p}.ipBlock.except`) ?? []).map((e, j) => {
        const ep = `${p}.ipBlock.except[${j}]`;
        const text = c.string(e, ep);
        const parsed = parseCidr(text);
        if (!parsed.ok) c.fail(ep, `"${text}" ${parsed.reason}`);
        if (!isStrictSubset(parsed.value, cidr.value)) c.fail(ep, `"${text}" must be a strict subset of cidr "${cidrText}"`);
        warnHostBits(c, text, parsed.value, ep);
        return text;
      });
      out.ipBlock = except.length > 0 ? { cidr: cidrText, except } : { cidr: cidrText };
    }
    return out;
  });
}

/**
 * `10.0.0.1/24`: the API server accepts it, but it is ambiguous (the /24 around the address, or
 * meant as the one address?) and CNIs read it differently (kubernetes/kubernetes#94484). flowpol
 * reads the network, as Cilium does; the warning says so and shows both unambiguous spellings.
 */
function warnHostBits(c: Checker, text: string, cidr: Cidr, path: string): void {
  const address = parseIp(text.slice(0, text.indexOf('/')));
  if (address === undefined || address.value === cidr.network) return;
  const one = `${formatIp(address)}/${address.family === 4 ? 32 : 128}`;
  c.warn(path, `"${text}" has host bits set: flowpol reads it as ${formatCidr(cidr)} (as Cilium does), other CNIs may not; write ${formatCidr(cidr)}, or ${one} for the one address`);
}

function ports(c: Checker, raw: unknown, path: string): NetworkPolicyPort[] | undefined {
  return c.list(raw, path)?.map((r, i) => {
    const p = `${path}[${i}]`;
    const port = c.object(r, p, ['protocol', 'port', 'endPort']);
    const out: NetworkPolicyPort = {};
    if (port.protocol !== undefined && port.protocol !== null) {
      if (!POLICY_PROTOCOLS.some((x) => x === port.protocol)) {
        c.fail(`${p}.protocol`, `unsupported protocol ${JSON.stringify(port.protocol)} (expected ${POLICY_PROTOCOLS.join(', ')})`);
      }
      out.protocol = port.protocol as NetworkPolicyPort['protocol'];
    }
    const value = port.port ?? undefined;
    const end = port.endPort ?? undefined;
    if (typeof value === 'number') {
      const problem = portNumberProblem(value);
      if (problem !== undefined) c.fail(`${p}.port`, problem);
      out.port = value;
    } else if (typeof value === 'string') {
      const problem = portNameProblem(value);
      if (problem !== undefined) c.fail(`${p}.port`, problem);
      if (end !== undefined) c.fail(`${p}.endPort`, 'may not be specified when port is a named port');
      out.port = value;
    } else if (value !== undefined) {
      c.fail(`${p}.port`, 'must be a port number or a port name');
    } else if (end !== undefined) {
      c.fail(`${p}.endPort`, 'may not be specified when port is not specified');
    }
    if (end !== undefined) {
      if (typeof end !== 'number') c.fail(`${p}.endPort`, 'must be a number');
      const problem = portNumberProblem(end);
      if (problem !== undefined) c.fail(`${p}.endPort`, problem);
      if (end < (out.port as number)) c.fail(`${p}.endPort`, `endPort ${end} must be greater than or equal to port ${String(out.port)}`);
      out.endPort = end;
    }
    return out;
  });
}
