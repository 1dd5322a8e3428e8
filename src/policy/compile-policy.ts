// NetworkPolicies compiled for the engine (evaluate.ts): selectors interned in the engine's
// SelectorTable (their results are cached per namespace and pod), ipBlock peers numbered for the
// per-external cache, ports compiled, and policyTypes defaulted as the API server does (Ingress,
// plus Egress when the policy has egress rules).
import { InternalError } from '../errors.js';
import type { NetworkPolicy, NetworkPolicyPeer, PolicyRef } from '../model.js';
import { parseCidr, type Cidr } from './ip.js';
import { compilePorts, type CompiledPorts } from './ports.js';
import type { SelectorTable } from './selectors.js';

export type CompiledPeer =
  /** `namespace` is the policy's own when the peer has no namespaceSelector. */
  | { kind: 'pods'; namespace: string; nsSel: number | undefined; podSel: number | undefined }
  /** `id` indexes the per-external cache of ipBlock results. */
  | { kind: 'ipBlock'; id: number; cidr: Cidr; except: Cidr[] };

/** `peers` undefined = every source/destination, externals included. */
export interface CompiledRule { policy: PolicyRef; index: number; peers: CompiledPeer[] | undefined; ports: CompiledPorts }

/** A direction's rules are undefined when the (defaulted) policyTypes lack that direction. */
export interface CompiledPolicy { ref: PolicyRef; podSelector: number; ingress?: CompiledRule[]; egress?: CompiledRule[] }

export class PolicyCompiler {
  /** ipBlock peers numbered so far: the size of an external endpoint's ipBlock cache. */
  ipBlocks = 0;

  constructor(private readonly selectors: SelectorTable) {}

  compile(policy: NetworkPolicy, namespace: string): CompiledPolicy {
    const { spec } = policy;
    const types = spec.policyTypes !== undefined && spec.policyTypes.length > 0
      ? spec.policyTypes
      : spec.egress !== undefined && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
    const ref = `${namespace}/${policy.metadata.name}`;
    const out: CompiledPolicy = { ref, podSelector: this.selectors.intern(spec.podSelector) };
    const rules = (list: { peers?: NetworkPolicyPeer[]; ports?: CompiledPorts }[] | undefined): CompiledRule[] =>
      (list ?? []).map((r, index) => ({
        policy: ref,
        index,
        peers: r.peers === undefined || r.peers.length === 0 ? undefined : r.peers.map((p) => this.peer(p, namespace)),
        ports: r.ports,
      }));
    if (types.includes('Ingress')) out.ingress = rules(spec.ingress?.map((r) => ({ peers: r.from, ports: compilePorts(r.ports) })));
    if (types.includes('Egress')) out.egress = rules(spec.egress?.map((r) => ({ peers: r.to, ports: compilePorts(r.ports) })));
    return out;
  }

  private peer(p: NetworkPolicyPeer, namespace: string): CompiledPeer {
    if (p.ipBlock !== undefined) {
      const cidr = (text: string): Cidr => {
        const parsed = parseCidr(text);
        if (!parsed.ok) throw new InternalError(`validated CIDR "${text}" did not parse: ${parsed.reason}`);
        return parsed.value;
      };
      return { kind: 'ipBlock', id: this.ipBlocks++, cidr: cidr(p.ipBlock.cidr), except: (p.ipBlock.except ?? []).map(cidr) };
    }
    return {
      kind: 'pods',
      namespace,
      nsSel: p.namespaceSelector === undefined ? undefined : this.selectors.intern(p.namespaceSelector),
      podSel: p.podSelector === undefined ? undefined : this.selectors.intern(p.podSelector),
    };
  }
}
