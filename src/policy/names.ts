// Stable policy names, derived from the workload rather than from pods or counts:
// `<app>-flowpol`, where <app> is the first naming label the identity carries (NAME_LABELS
// order). Identities of one namespace that would share a name all get an 8-hex suffix hashed
// from their identity key (`web-1a2b3c4d-flowpol`), so a name depends only on the identity and on
// whether another identity of its namespace has the same <app>; never on input order.
import { createHash } from 'node:crypto';
import { identityKey } from '../identity/identity.js';
import type { Identity } from '../model.js';

/** Label keys that name a workload, the most telling first. */
const NAME_LABELS = [
  'app.kubernetes.io/name', 'app', 'k8s-app', 'name', 'app.kubernetes.io/instance', 'app.kubernetes.io/component', 'component',
] as const;

const POLICY_NAME_SUFFIX = '-flowpol';
const MAX_BASE = 40;

/** Lowercase DNS-1123 label text: [a-z0-9-], no leading/trailing '-', at most `max` characters. */
function sanitize(text: string, max: number): string {
  const cleaned = text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+/, '');
  return cleaned.slice(0, max).replace(/-+$/, '');
}

/** The <app> part of a workload's policy name. */
export function baseName(identity: Identity): string {
  for (const key of NAME_LABELS) {
    const value = identity.labels[key];
    if (value !== undefined && sanitize(value, MAX_BASE) !== '') return sanitize(value, MAX_BASE);
  }
  const first = Object.keys(identity.labels).sort()[0];
  if (first !== undefined) {
    const value = identity.labels[first] ?? '';
    const base = sanitize(value === '' ? first : value, MAX_BASE);
    if (base !== '') return base;
  }
  return 'workload';
}

function hashOf(identity: Identity, length: number): string {
  return createHash('sha256').update(identityKey(identity)).digest('hex').slice(0, length);
}

/**
 * Names every identity, unique per namespace. Returns identity key → name. Pass every identity
 * known (not only those that get a policy), so a name does not change with `--namespace`.
 */
export function policyNames(identities: readonly Identity[]): Map<string, string> {
  const groups = new Map<string, Identity[]>();
  for (const identity of identities) {
    const group = `${identity.namespace}\u0000${baseName(identity)}`;
    const list = groups.get(group);
    if (list === undefined) groups.set(group, [identity]);
    else list.push(identity);
  }
  const names = new Map<string, string>();
  const taken = new Set<string>();
  const colliding: Identity[] = [];
  for (const list of groups.values()) {
    const unique = new Map(list.map((id) => [identityKey(id), id]));
    const only = unique.size === 1 ? [...unique.values()][0] : undefined;
    if (only === undefined) {
      colliding.push(...unique.values());
      continue;
    }
    const name = `${baseName(only)}${POLICY_NAME_SUFFIX}`;
    names.set(identityKey(only), name);
    taken.add(`${only.namespace}/${name}`);
  }
  colliding.sort((a, b) => (identityKey(a) < identityKey(b) ? -1 : 1));
  for (const identity of colliding) {
    let length = 8;
    let name = `${baseName(identity)}-${hashOf(identity, length)}${POLICY_NAME_SUFFIX}`;
    while (taken.has(`${identity.namespace}/${name}`) && length < 64) {
      length += 4;
      name = `${baseName(identity)}-${hashOf(identity, length)}${POLICY_NAME_SUFFIX}`;
    }
    names.set(identityKey(identity), name);
    taken.add(`${identity.namespace}/${name}`);
  }
  return names;
}
