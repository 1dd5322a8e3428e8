// Sentences about a whole PolicySet, shared by the YAML header and the CLI's stderr summary.
import { EDGE_NOTE_CODES, type EdgeNote, type EdgeNoteCode, type NamespaceSelection, type PolicySet } from '../model.js';
import { EDGE_NOTE_TEXT } from './edge-notes.js';
import type { GenerateOptions } from './generate.js';
import { hourSpan } from '../hours.js';
import { NAMESPACE_NAME_LABEL } from './workload-selectors.js';

const iso = (ms: number): string => new Date(ms).toISOString();

/** With --since/--until: the whole clock hours the edges were read for (the store counts per hour). */
export function describeWindow(o: GenerateOptions): string | undefined {
  if (o.since === undefined && o.until === undefined) return undefined;
  const { first, last } = hourSpan(o.since, o.until);
  const at = (ms: number, open: string): string => (Number.isFinite(ms) ? iso(ms) : open);
  return `window: ${at(first, 'the first flow')} .. ${at(last, 'the last flow')} (whole clock hours: the database counts edges per hour)`;
}

/** The options that shaped the set, as the flags that would reproduce it. */
export function describeOptions(o: GenerateOptions): string {
  const parts = [
    `--direction ${o.direction}`,
    o.namespaces.length > 0 ? o.namespaces.map((n) => `-n ${n}`).join(' ') : '--all-namespaces',
    `--min-count ${o.minCount}`,
  ];
  if (o.since !== undefined) parts.push(`--since ${iso(o.since)}`);
  if (o.until !== undefined) parts.push(`--until ${iso(o.until)}`);
  if (o.portRanges) parts.push('--port-ranges');
  if (o.alwaysDns) parts.push('--always-dns');
  if (o.namedPorts === true) parts.push('--named-ports');
  parts.push(`--cidr-prefix ${o.cidrPrefix.v4}`, `--cidr-prefix-v6 ${o.cidrPrefix.v6}`);
  return parts.join(' ');
}

const labelsText = (labels: Readonly<Record<string, string>>): string =>
  Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');

/** How peers in one namespace are selected, and why. */
export function describeSelection(s: NamespaceSelection): string {
  const where = s.labelsFrom === 'cluster' ? 'the cluster' : 'flows';
  switch (s.basis) {
    case 'name-label':
      return `${s.namespace}: ${NAMESPACE_NAME_LABEL} (seen on it in ${where})`;
    case 'name-label-assumed':
      return `${s.namespace}: ${NAMESPACE_NAME_LABEL} (its labels were never seen in flows; the API server sets this label on every namespace since Kubernetes 1.21)`;
    case 'observed-labels':
      return `${s.namespace}: its observed labels ${labelsText(s.selector?.matchLabels ?? {})} (${where} showed it without ${NAMESPACE_NAME_LABEL}; a namespace carrying these labels too would also match)`;
    case 'unselectable':
      return `${s.namespace}: cannot be selected (no ${NAMESPACE_NAME_LABEL} label and no label set of its own); its peers are left out, see the notes`;
  }
}

/** One line per note code present: how many edges and flows, and what it means. */
export function summarizeNotes(notes: readonly EdgeNote[]): string[] {
  const totals = new Map<EdgeNoteCode, { edges: number; flows: number }>();
  for (const note of notes) {
    const t = totals.get(note.code) ?? { edges: 0, flows: 0 };
    t.edges += 1;
    t.flows += note.edge.count;
    totals.set(note.code, t);
  }
  if (totals.size === 0) return [];
  const lines = [`notes: ${notes.length} edge${notes.length === 1 ? '' : 's'} not (fully) turned into rules or worth a look:`];
  for (const code of EDGE_NOTE_CODES) {
    const t = totals.get(code);
    if (t !== undefined) lines.push(`  ${code}: ${t.edges} edge${t.edges === 1 ? '' : 's'}, ${t.flows} flow${t.flows === 1 ? '' : 's'} (${EDGE_NOTE_TEXT[code]})`);
  }
  return lines;
}

/** Counts for the CLI's closing line. */
export function countSet(set: PolicySet): { policies: number; namespaces: number; rules: number } {
  const namespaces = new Set(set.policies.map((p) => p.identity.namespace)).size;
  const rules = set.policies.reduce((n, p) => n + p.ingress.length + p.egress.length, 0);
  return { policies: set.policies.length, namespaces, rules };
}
