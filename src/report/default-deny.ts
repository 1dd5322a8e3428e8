// The default-deny a report simulates: the standard `podSelector: {}` policy per namespace, with
// the policyTypes of the chosen direction and no rules, so every pod of the namespace is isolated
// and nothing is admitted on that side until another policy allows it.
import { UsageError } from '../errors.js';
import type { GenerateDirection, NetworkPolicy, PolicyType } from '../model.js';
import { MANAGED_BY_LABEL } from '../policy/generate.js';
import { namespaceNameProblem } from '../policy/selectors.js';

/** The name of every synthesized policy (a prefix no generated or hand-written name is likely to use). */
export const DEFAULT_DENY_NAME = 'flowpol-simulated-default-deny';

/** `--default-deny`: a namespace list, every namespace of the world, or none. */
export type DefaultDenyScope = { kind: 'all' } | { kind: 'none' } | { kind: 'namespaces'; namespaces: string[] };

/** Parses `--default-deny <ns,...>|all|none` (already split on commas). */
export function parseDefaultDenyScope(values: readonly string[]): DefaultDenyScope {
  if (values.length === 0) return { kind: 'none' };
  const special = values.filter((v) => v === 'all' || v === 'none');
  if (special.length > 0 && values.length > 1) {
    throw new UsageError(`--default-deny takes a namespace list, "all" or "none", not a mix (got ${values.join(',')})`);
  }
  if (values[0] === 'all') return { kind: 'all' };
  if (values[0] === 'none') return { kind: 'none' };
  for (const ns of values) {
    const problem = namespaceNameProblem(ns);
    if (problem !== undefined) throw new UsageError(`--default-deny: namespace name "${ns}" ${problem}`);
  }
  return { kind: 'namespaces', namespaces: [...new Set(values)].sort() };
}

/**
 * The namespaces a scope covers; `world` lists every namespace of the world (asked only for
 * `all`, whose names Kubernetes refuses are left out: only a recording can hold them, and no
 * policy can live there; see `unnamableNamespaces`). Sorted.
 */
export function defaultDenyNamespaces(scope: DefaultDenyScope, world: () => readonly string[]): string[] {
  switch (scope.kind) {
    case 'none':
      return [];
    case 'all':
      return [...new Set(world())].filter((ns) => namespaceNameProblem(ns) === undefined).sort();
    case 'namespaces':
      return scope.namespaces;
  }
}

const POLICY_TYPES: Readonly<Record<GenerateDirection, PolicyType[]>> = {
  ingress: ['Ingress'],
  egress: ['Egress'],
  both: ['Ingress', 'Egress'],
};

/** One default-deny policy per namespace (sorted), isolating every pod in `direction`. */
export function defaultDenyPolicies(namespaces: readonly string[], direction: GenerateDirection): NetworkPolicy[] {
  return [...new Set(namespaces)].sort().map((namespace) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: DEFAULT_DENY_NAME, namespace, labels: { ...MANAGED_BY_LABEL } },
    spec: { podSelector: {}, policyTypes: [...POLICY_TYPES[direction]] },
  }));
}

/** The world's namespaces `all` leaves out: names Kubernetes refuses (sorted). */
export function unnamableNamespaces(scope: DefaultDenyScope, world: () => readonly string[]): string[] {
  return scope.kind === 'all' ? [...new Set(world())].filter((ns) => namespaceNameProblem(ns) !== undefined).sort() : [];
}
