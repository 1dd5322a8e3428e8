// Kubernetes label selectors over Cilium label strings, as Hubble's `source_label` /
// `destination_label` filters read them: `app=web`, `k8s:app=web` (a `source:` prefix limits the
// label source; without one any source matches), `key`, `!key`, `key!=v`, `key in (a,b)`,
// `key notin (a,b)`; comma-separated requirements must all hold. As in Cilium's label matching,
// the source `any:` is the same as none, and a `cidr:` key selects every `cidr:` label inside it
// (`cidr:10.0.0.0/8` matches `cidr:10.1.2.3/32`; IPv6 as Cilium writes it, `-` for `:`).
import { BlockList, isIP } from 'node:net';
import { UsageError } from '../errors.js';
import { cidrLabelKey, parseLabel } from '../identity/labels.js';

type Op = 'exists' | 'absent' | 'in' | 'notin';
interface Requirement { source: string | undefined; key: string; op: Op; values: readonly string[]; cidr?: CidrKey }
interface CidrKey { block: BlockList; bits: number }

/** A compiled selector: true when the labels (Cilium `source:key=value` strings) satisfy it. */
export type LabelMatcher = (labels: readonly string[]) => boolean;

const KEY = String.raw`(?:[A-Za-z0-9$][A-Za-z0-9_.-]*:)?[A-Za-z0-9][A-Za-z0-9_./-]*`;
const VALUE = String.raw`[A-Za-z0-9_.-]*`;
const EXISTS = new RegExp(`^(!?)\\s*(${KEY})$`);
const EQUALS = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`);
const SET = new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\(([^()]*)\\)$`);

/** Parses a selector; UsageError naming `flag` on anything it does not understand. */
export function parseLabelSelector(text: string, flag: string): LabelMatcher {
  const parts = splitTopLevel(text.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) throw bad(text, flag);
  const reqs = parts.map((p) => requirement(p, text, flag));
  return (labels) => reqs.every((r) => satisfies(r, labels));
}

function requirement(part: string, text: string, flag: string): Requirement {
  let m = EXISTS.exec(part);
  if (m) return { ...key(m[2] as string), op: m[1] === '!' ? 'absent' : 'exists', values: [] };
  m = EQUALS.exec(part);
  if (m) return { ...key(m[1] as string), op: m[2] === '!=' ? 'notin' : 'in', values: [m[3] as string] };
  m = SET.exec(part);
  if (m) {
    const values = (m[3] as string).split(',').map((v) => v.trim());
    if (values.some((v) => !new RegExp(`^${VALUE}$`).test(v))) throw bad(text, flag);
    return { ...key(m[1] as string), op: m[2] as 'in' | 'notin', values };
  }
  throw bad(text, flag);
}

function key(raw: string): { source: string | undefined; key: string; cidr?: CidrKey } {
  const colon = raw.indexOf(':');
  if (colon < 0) return { source: undefined, key: raw };
  const source = raw.slice(0, colon);
  const k = raw.slice(colon + 1);
  const cidr = source === 'cidr' ? cidrKey(k) : undefined;
  return { source: source === 'any' ? undefined : source, key: k, ...(cidr === undefined ? {} : { cidr }) };
}

/** A `cidr:` label key (`10.0.0.0/8`, `2001-db8--/32`: Cilium writes `-` for `:`); undefined when it is not one. */
function cidrParts(k: string): { address: string; type: 'ipv4' | 'ipv6'; bits: number } | undefined {
  const c = cidrLabelKey(k);
  const family = c === undefined ? 0 : isIP(c.address);
  if (c === undefined || family === 0 || !Number.isInteger(c.bits) || c.bits < 0 || c.bits > (family === 4 ? 32 : 128)) return undefined;
  return { address: c.address, type: family === 4 ? 'ipv4' : 'ipv6', bits: c.bits };
}

/** A `cidr:` selector key as a block; undefined when it is not one. */
function cidrKey(k: string): CidrKey | undefined {
  const parts = cidrParts(k);
  if (parts === undefined) return undefined;
  const block = new BlockList();
  block.addSubnet(parts.address, parts.bits, parts.type);
  return { block, bits: parts.bits };
}

/** Whether a `cidr:` label lies inside the requirement's block (prefix at least as long, address inside). */
function insideCidr(c: CidrKey, labels: readonly string[]): boolean {
  for (const raw of labels) {
    const label = raw.startsWith('cidr:') ? cidrParts(raw.slice(5)) : undefined;
    if (label !== undefined && label.bits >= c.bits && c.block.check(label.address, label.type)) return true;
  }
  return false;
}

/** Kubernetes semantics: `!=` and `notin` also hold when the key is absent. */
function satisfies(r: Requirement, labels: readonly string[]): boolean {
  if (r.cidr !== undefined && (r.op === 'exists' || r.op === 'absent')) return insideCidr(r.cidr, labels) === (r.op === 'exists');
  let value: string | undefined;
  let found = false;
  for (const raw of labels) {
    if (!raw.includes(r.key)) continue; // cannot be its key: no need to parse it (this runs per flow)
    const l = parseLabel(raw);
    if (l.key === r.key && (r.source === undefined || l.source === r.source)) {
      found = true;
      value = l.value ?? '';
      break;
    }
  }
  switch (r.op) {
    case 'exists':
      return found;
    case 'absent':
      return !found;
    case 'in':
      return found && r.values.includes(value as string);
    case 'notin':
      return !found || !r.values.includes(value as string);
  }
}

/** Splits on commas outside parentheses. */
function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (text !== '') out.push(text.slice(start).trim());
  return out;
}

const bad = (text: string, flag: string) =>
  new UsageError(`${flag} "${text}": not a label selector; use key=value, source:key=value, key!=value, key, !key, key in (a,b) or key notin (a,b), comma-separated`);
