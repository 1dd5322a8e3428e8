// PolicySet → text, byte for byte deterministic (no clock, sorted input, fixed YAML options).
// YAML: a multi-document stream `kubectl apply -f` takes, each policy under a comment header
// (the traffic behind it, its notes) and each rule under a comment with its own traffic; the
// stream opens with what applies to the whole set (with an inventory: the cluster mode, and the
// inventory notes of workloads that have no policy; the others head their policy). JSON: a `v1 List` (JSON has no comments; the
// CLI prints the notes on stderr either way).
import type { EdgeNote, GeneratedPolicy, Identity, InventoryNote, PolicySet, PolicyType, Rule, TrafficSummary } from '../model.js';
import { identityKey } from '../identity/identity.js';
import type { GenerateOptions } from './generate.js';
import { describeSelection, describeOptions, describeWindow, summarizeNotes } from './set-summary.js';
import { YamlWriter } from './yaml-writer.js';
import { printableLine } from '../printable.js';

export const MANIFEST_FORMATS = ['yaml', 'json'] as const;
export type ManifestFormat = (typeof MANIFEST_FORMATS)[number];

/** One output file of `--out-dir`. */
export interface ManifestFile { name: string; content: string }

/** File holding the notes no policy carries (with `--out-dir`); kubectl ignores `.txt` files. */
export const NOTES_FILE = 'flowpol-notes.txt';

const DAY_MS = 86_400_000;
const days = new Map<number, string>();
const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** `Date.toISOString`, with the date part memoized per day (rule comments need ~2 per rule). */
function iso(ms: number | undefined): string {
  if (ms === undefined) return '-';
  const t = Math.trunc(ms);
  if (!(t >= 0 && t < 253_402_300_800_000)) return new Date(t).toISOString();
  const day = Math.floor(t / DAY_MS);
  let date = days.get(day);
  if (date === undefined) days.set(day, (date = new Date(day * DAY_MS).toISOString().slice(0, 11)));
  const r = t - day * DAY_MS;
  return `${date}${pad(Math.floor(r / 3_600_000), 2)}:${pad(Math.floor(r / 60_000) % 60, 2)}:${pad(Math.floor(r / 1000) % 60, 2)}.${pad(r % 1000, 3)}Z`;
}
const plural = (n: number, word: string, many = `${word}s`): string => `${n} ${n === 1 ? word : many}`;
/** `#` lines; text from flows (names, labels, DNS names) is kept on its line and free of control characters. */
const comment = (lines: readonly string[]): string => lines.map((l) => (l === '' ? '#' : `# ${printableLine(l)}`)).join('\n');

export function describeTraffic(t: TrafficSummary): string {
  if (t.edges === 0) return 'no observed traffic';
  return `${plural(t.edges, 'edge')}, ${plural(t.flows, 'flow')}, first seen ${iso(t.firstSeen)}, last seen ${iso(t.lastSeen)}`;
}

/** Items keyed by the policy (`ns/name`) of the workloads they concern; '' = no policy carries them. */
function byPolicy<T>(set: PolicySet, items: readonly T[], workloads: (item: T) => readonly Identity[]): Map<string, T[]> {
  const policyOf = new Map(set.policies.map((p) => [identityKey(p.identity), `${p.policy.metadata.namespace}/${p.policy.metadata.name}`]));
  const out = new Map<string, T[]>();
  for (const item of items) {
    const owners = workloads(item).flatMap((id) => policyOf.get(identityKey(id)) ?? []);
    for (const owner of owners.length > 0 ? owners : ['']) {
      const list = out.get(owner);
      if (list === undefined) out.set(owner, [item]);
      else list.push(item);
    }
  }
  return out;
}

/** Notes keyed by the policy (`ns/name`) they belong to; '' = no policy carries them. */
const notesByPolicy = (set: PolicySet): Map<string, EdgeNote[]> => byPolicy(set, set.notes, (n) => n.workloads);

/** Inventory notes keyed the same way (empty without an inventory). */
const inventoryNotesByPolicy = (set: PolicySet): Map<string, InventoryNote[]> =>
  byPolicy(set, set.inventory?.notes ?? [], (n) => [n.identity]);

/** What one policy's file section carries: its edge notes and its inventory notes. */
interface PolicyNotes { edge: readonly EdgeNote[]; inventory: readonly InventoryNote[] }

/** The comment above a rule (after `#`). */
export function ruleComment(rule: Rule): string {
  const added = rule.addedForDns ? ' (cluster DNS added by --always-dns)' : '';
  return ` ${printableLine(describeTraffic(rule.traffic))}${added}`;
}

/** The comment lines above a policy document. */
function policyHeader(generated: GeneratedPolicy, notes: readonly EdgeNote[], inventory: readonly InventoryNote[] = []): string[] {
  const { metadata } = generated.policy;
  const side = (rules: Rule[], type: PolicyType): string => {
    const word = type.toLowerCase();
    if (!(generated.policy.spec.policyTypes ?? []).includes(type)) return `${word}: not restricted (--direction)`;
    if (rules.length === 0) return `${word}: none observed, all denied`;
    return `${word}: ${plural(rules.length, 'rule')}, ${plural(rules.reduce((n, r) => n + r.peers.length, 0), 'peer')}`;
  };
  const lines = [
    `${metadata.namespace}/${metadata.name} for workload ${identityKey(generated.identity)}`,
    `traffic: ${describeTraffic(generated.traffic)}`,
    `${side(generated.ingress, 'Ingress')}; ${side(generated.egress, 'Egress')}`,
  ];
  lines.push(...inventory.map((n) => `cluster: [${n.code}] ${n.message}`));
  if (notes.length > 0) lines.push(`notes (${notes.length}):`, ...notes.map((n) => `  [${n.code}] ${n.message}`));
  return lines;
}

function policyYaml(writer: YamlWriter, generated: GeneratedPolicy, notes: PolicyNotes): string {
  return `${comment(policyHeader(generated, notes.edge, notes.inventory))}\n${writer.policy(generated, ruleComment)}`;
}

/** The set header's cluster lines: the mode, a count per inventory note code, the notes no policy carries. */
function clusterLines(set: PolicySet, unowned: readonly InventoryNote[]): string[] {
  if (set.inventory === undefined) return [];
  const counts = new Map<string, number>();
  for (const n of set.inventory.notes) counts.set(n.code, (counts.get(n.code) ?? 0) + 1);
  const lines = [set.inventory.mode];
  if (counts.size > 0) lines.push(`inventory: ${[...counts].map(([code, n]) => `${code} ${n}`).sort().join(', ')}`);
  if (unowned.length > 0) lines.push(`inventory notes no policy carries (${unowned.length}):`, ...unowned.map((n) => `  [${n.code}] ${n.message}`));
  return lines;
}

function setHeader(set: PolicySet, options: GenerateOptions, unowned: PolicyNotes): string[] {
  const namespaces = new Set(set.policies.map((p) => p.identity.namespace));
  const lines = [
    'NetworkPolicies learned by `flowpol generate` from observed Hubble flows. Review before applying.',
    `options: ${describeOptions(options)}`,
    ...[describeWindow(options)].filter((l) => l !== undefined),
    `${plural(set.policies.length, 'policy', 'policies')} in ${plural(namespaces.size, 'namespace')}`,
    'ipBlock peers are meant to match only addresses outside the cluster (as Cilium enforces them).',
    ...clusterLines(set, unowned.inventory),
  ];
  if (set.namespaces.length > 0) lines.push('namespace selectors:', ...set.namespaces.map((s) => `  ${describeSelection(s)}`));
  lines.push(...summarizeNotes(set.notes));
  if (unowned.edge.length > 0) {
    lines.push(`notes no policy carries (${unowned.edge.length}):`, ...unowned.edge.map((n) => `  [${n.code}] ${n.message}`));
  }
  return lines;
}

/** Every note of the set, keyed by policy (`ns/name`); '' = no policy carries them. */
function allNotes(set: PolicySet): (key: string) => PolicyNotes {
  const edge = notesByPolicy(set);
  const inventory = inventoryNotesByPolicy(set);
  return (key) => ({ edge: edge.get(key) ?? [], inventory: inventory.get(key) ?? [] });
}

const NO_NOTES: PolicyNotes = { edge: [], inventory: [] };

function yamlStream(set: PolicySet, policies: readonly GeneratedPolicy[], options: GenerateOptions, notes: (key: string) => PolicyNotes, unowned: PolicyNotes): string {
  const writer = new YamlWriter();
  const docs = policies.map((p) => policyYaml(writer, p, notes(`${p.policy.metadata.namespace}/${p.policy.metadata.name}`)));
  const header = comment(setHeader(set, options, unowned));
  if (docs.length === 0) return `${header}\n`;
  return `${header}\n#\n${docs.join('---\n')}`;
}

function jsonList(policies: readonly GeneratedPolicy[]): string {
  return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: policies.map((p) => p.policy) }, null, 2)}\n`;
}

/** The whole set as one YAML stream or JSON List. */
export function renderManifests(set: PolicySet, options: GenerateOptions, format: ManifestFormat): string {
  if (format === 'json') return jsonList(set.policies);
  const notes = allNotes(set);
  return yamlStream(set, set.policies, options, notes, notes(''));
}

/** `--out-dir`: one file per namespace (`<ns>.yaml|json`), plus NOTES_FILE when notes have no policy. */
export function renderNamespaceFiles(set: PolicySet, options: GenerateOptions, format: ManifestFormat): ManifestFile[] {
  const byNamespace = new Map<string, GeneratedPolicy[]>();
  for (const p of set.policies) {
    const list = byNamespace.get(p.identity.namespace);
    if (list === undefined) byNamespace.set(p.identity.namespace, [p]);
    else list.push(p);
  }
  const notes = allNotes(set);
  const unowned = notes('');
  const files: ManifestFile[] = [...byNamespace].map(([ns, policies]) => ({
    name: `${ns}.${format}`,
    content: format === 'json' ? jsonList(policies) : yamlStream({ ...set, policies }, policies, options, notes, NO_NOTES),
  }));
  const lines = [...unowned.edge, ...unowned.inventory].map((n) => `[${n.code}] ${n.message}`);
  if (lines.length > 0) {
    const text = [`Notes of flowpol generate that no policy carries (${lines.length}):`, ...lines];
    files.push({ name: NOTES_FILE, content: `${text.join('\n')}\n` });
  }
  return files.sort((a, b) => (a.name < b.name ? -1 : 1));
}
