// Hubble's flow selection (`hubble observe --pod/--from-pod/--to-pod/--verdict/--label/...`,
// -n) as FlowSelectors — the subset of Hubble's FlowFilter message flowpol implements — and their
// matching. The same selectors go to the server as the GetFlows whitelist, are applied to every
// flow client-side (JSON and gRPC paths alike), and are what `flowpol replay` honours.
import { UsageError } from '../errors.js';
import type { Endpoint, FlowFilter, ObservedVerdict } from '../model.js';
import { parseLabelSelector, type LabelMatcher } from './label-selector.js';

/** One Hubble FlowFilter (subset): every non-empty field must match; values of one field are OR. */
export interface FlowSelector {
  sourcePod: string[];
  destinationPod: string[];
  sourceLabel: string[];
  destinationLabel: string[];
  verdict: ObservedVerdict[];
}

type EndView = Pick<Endpoint, 'namespace' | 'podName' | 'labels'>;
/** What selectors look at (a Flow is one). */
export interface SelectionView { observedVerdict: ObservedVerdict; source: EndView; destination: EndView }

const emptySelector = (): FlowSelector => ({ sourcePod: [], destinationPod: [], sourceLabel: [], destinationLabel: [], verdict: [] });

/**
 * The whitelist the hubble CLI builds for these flags: a "left" filter with the source-side
 * values of --pod/--label/-n and a "right" one with the destination side (one filter when both
 * are equal); the --from-… / --to-… flags and --verdict go to both. [] when nothing narrows the selection.
 */
export function selectorsOf(f: FlowFilter): FlowSelector[] {
  const pods = f.pods ?? [];
  const fromPods = f.fromPods ?? [];
  const toPods = f.toPods ?? [];
  const labels = f.labels ?? [];
  conflict('--pod', pods, '--from-pod', fromPods);
  conflict('--pod', pods, '--to-pod', toPods);
  conflict('--namespace', f.namespaces, '--from-pod', fromPods);
  conflict('--namespace', f.namespaces, '--to-pod', toPods);
  conflict('--label', labels, '--from-label', f.fromLabels ?? []);
  conflict('--label', labels, '--to-label', f.toLabels ?? []);
  for (const p of [...pods, ...fromPods, ...toPods]) podPattern(p);
  for (const p of pods) {
    const ns = p.includes('/') ? podPattern(p).ns : '';
    if (ns !== '' && f.namespaces.length > 0 && !f.namespaces.includes(ns)) {
      throw new UsageError(`namespace conflict: --namespace ${f.namespaces.join(',')} does not contain --pod ${p} (as in hubble observe)`);
    }
  }
  const left = emptySelector();
  const right = emptySelector();
  for (const s of [left, right]) {
    s.sourcePod.push(...fromPods);
    s.destinationPod.push(...toPods);
    s.sourceLabel.push(...(f.fromLabels ?? []));
    s.destinationLabel.push(...(f.toLabels ?? []));
    s.verdict.push(...(f.verdicts ?? []));
  }
  left.sourcePod.push(...pods);
  right.destinationPod.push(...pods);
  left.sourceLabel.push(...labels);
  right.destinationLabel.push(...labels);
  if (f.namespaces.length > 0) {
    left.sourcePod = withNamespaces(left.sourcePod, f.namespaces);
    right.destinationPod = withNamespaces(right.destinationPod, f.namespaces);
  }
  if (isEmpty(left) && isEmpty(right)) return [];
  return JSON.stringify(left) === JSON.stringify(right) ? [left] : [left, right];
}

/** hubble's namespace modifier: bare pod names get each namespace; no pod names → `ns/`. */
function withNamespaces(pods: string[], namespaces: string[]): string[] {
  const names = pods.length === 0 ? [''] : pods;
  return names.flatMap((p) => (p.includes('/') ? [p] : namespaces.map((ns) => `${ns}/${p}`)));
}

const isEmpty = (s: FlowSelector): boolean => Object.values(s).every((v: unknown[]) => v.length === 0);

function conflict(a: string, av: readonly unknown[], b: string, bv: readonly unknown[]): void {
  if (av.length > 0 && bv.length > 0) throw new UsageError(`filters ${a} and ${b} cannot be combined (as in hubble observe)`);
}

/**
 * `ns/prefix`, `ns/`, `prefix` (namespace `default`) or `/prefix` (any namespace), as Hubble's
 * server parses pod filters; an empty `ns` means any namespace.
 */
function podPattern(p: string): { ns: string; prefix: string } {
  const parts = p.split('/');
  if (parts.length === 1) {
    if (p === '') throw new UsageError('pod filter "": expected [namespace/][pod-name-prefix], e.g. shop/web or shop/');
    return { ns: 'default', prefix: p };
  }
  return { ns: parts[0] as string, prefix: parts[1] as string };
}

type EndMatcher = (e: EndView) => boolean;

function podMatcher(patterns: string[]): EndMatcher {
  const parsed = patterns.map(podPattern);
  return (e) => {
    const ns = e.namespace ?? '';
    const pod = e.podName ?? '';
    if (ns === '' && pod === '') return false;
    return parsed.some((p) => (p.ns === '' || p.ns === ns) && (p.prefix === '' || pod.startsWith(p.prefix)));
  };
}

function labelMatcher(selectors: string[], flag: string): EndMatcher {
  const ms: LabelMatcher[] = selectors.map((s) => parseLabelSelector(s, flag));
  return (e) => ms.some((m) => m(e.labels));
}

function compileOne(s: FlowSelector): (v: SelectionView) => boolean {
  const tests: ((v: SelectionView) => boolean)[] = [];
  if (s.sourcePod.length > 0) {
    const m = podMatcher(s.sourcePod);
    tests.push((v) => m(v.source));
  }
  if (s.destinationPod.length > 0) {
    const m = podMatcher(s.destinationPod);
    tests.push((v) => m(v.destination));
  }
  if (s.sourceLabel.length > 0) {
    const m = labelMatcher(s.sourceLabel, 'source label');
    tests.push((v) => m(v.source));
  }
  if (s.destinationLabel.length > 0) {
    const m = labelMatcher(s.destinationLabel, 'destination label');
    tests.push((v) => m(v.destination));
  }
  if (s.verdict.length > 0) {
    const verdicts = new Set(s.verdict);
    tests.push((v) => verdicts.has(v.observedVerdict));
  }
  return (v) => tests.every((t) => t(v));
}

/** Hubble's whitelist/blacklist semantics: kept iff (no whitelist or one matches) and no blacklist entry matches. */
export function compileSelectors(whitelist: readonly FlowSelector[], blacklist: readonly FlowSelector[] = []): (v: SelectionView) => boolean {
  const white = whitelist.map(compileOne);
  const black = blacklist.map(compileOne);
  return (v) => (white.length === 0 || white.some((m) => m(v))) && !black.some((m) => m(v));
}
