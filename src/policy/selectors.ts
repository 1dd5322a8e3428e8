// Label selectors exactly as apimachinery evaluates them (k8s.io/apimachinery/pkg/labels):
// matchLabels and matchExpressions are ANDed; In needs the key present with a listed value;
// NotIn matches when the key is absent too; Exists / DoesNotExist test the key only; an empty
// string is a value like any other; a selector with no requirements selects everything.
import type { LabelSelector, SelectorOperator } from '../model.js';
import { compareText } from '../order.js';
import { InternalError } from '../errors.js';

export type Labels = Readonly<Record<string, string>>;

interface Requirement { key: string; operator: SelectorOperator; values: ReadonlySet<string> }

/** A selector compiled once; `key` is canonical, so equal selectors can share cached results. */
export interface CompiledSelector {
  readonly key: string;
  readonly everything: boolean;
  matches(labels: Labels): boolean;
}

const hasOwn = (labels: Labels, key: string): boolean => Object.prototype.hasOwnProperty.call(labels, key);

function requirementMatches(r: Requirement, labels: Labels): boolean {
  const present = hasOwn(labels, r.key);
  switch (r.operator) {
    case 'In':
      return present && r.values.has(labels[r.key] as string);
    case 'NotIn':
      return !present || !r.values.has(labels[r.key] as string);
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
  }
}

function requirementKey(r: Requirement): string {
  return JSON.stringify([r.key, r.operator, [...r.values].sort()]);
}

/** Compiles a selector that validate.ts has already checked. */
export function compileSelector(selector: LabelSelector): CompiledSelector {
  const requirements: Requirement[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    requirements.push({ key, operator: 'In', values: new Set([value]) });
  }
  for (const e of selector.matchExpressions ?? []) {
    requirements.push({ key: e.key, operator: e.operator, values: new Set(e.values ?? []) });
  }
  const byKey = new Map(requirements.map((r) => [requirementKey(r), r]));
  const unique = [...byKey.entries()].sort(([a], [b]) => compareText(a, b));
  const key = `{${unique.map(([k]) => k).join(',')}}`;
  const list = unique.map(([, r]) => r);
  if (list.length === 0) return { key, everything: true, matches: () => true };
  return { key, everything: false, matches: (labels) => list.every((r) => requirementMatches(r, labels)) };
}

// ----- label syntax (apimachinery util/validation: IsQualifiedName, IsValidLabelValue) -----

const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `key` is not a valid label key (a qualified name), or undefined when it is. */
export function labelKeyProblem(key: string): string | undefined {
  const parts = key.split('/');
  const name = parts.length === 2 ? (parts[1] ?? '') : parts[0] ?? '';
  if (parts.length > 2) return `label key "${key}" may contain at most one "/"`;
  if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    if (prefix === '') return `label key "${key}" has an empty prefix before "/"`;
    if (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) {
      return `label key prefix "${prefix}" must be a lowercase DNS subdomain (e.g. example.com)`;
    }
  }
  if (name === '') return `label key "${key}" has an empty name`;
  if (name.length > 63) return `label key name "${name}" is longer than 63 characters`;
  if (!NAME_PART.test(name)) {
    return `label key name "${name}" must consist of alphanumerics, '-', '_' or '.', and start and end with an alphanumeric`;
  }
  return undefined;
}

/** Why `value` is not a valid label value, or undefined when it is (the empty string is valid). */
export function labelValueProblem(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63) return `label value "${value}" is longer than 63 characters`;
  if (!NAME_PART.test(value)) {
    return `label value "${value}" must be empty or consist of alphanumerics, '-', '_' or '.', and start and end with an alphanumeric`;
  }
  return undefined;
}

export function isDns1123Subdomain(text: string): boolean {
  return text.length <= 253 && DNS1123_SUBDOMAIN.test(text);
}

/** Why `name` cannot name a namespace (the API server wants a DNS-1123 label), or undefined when it can. */
export function namespaceNameProblem(name: string): string | undefined {
  return name.length <= 63 && DNS1123_LABEL.test(name) ? undefined : 'must be a lowercase DNS label (e.g. prod)';
}

/**
 * Interns selectors (equal selectors share one id) and caches their results per label set: a
 * cache is one byte per selector (0 = not yet evaluated, 1 = matches, 2 = does not), owned by
 * whoever holds the label set (an endpoint, a namespace). Create caches after interning.
 */
export class SelectorTable {
  private readonly ids = new Map<string, number>();
  private readonly list: CompiledSelector[] = [];

  intern(selector: LabelSelector): number {
    const compiled = compileSelector(selector);
    const known = this.ids.get(compiled.key);
    if (known !== undefined) return known;
    this.list.push(compiled);
    this.ids.set(compiled.key, this.list.length - 1);
    return this.list.length - 1;
  }

  isEverything(id: number): boolean {
    return this.list[id]?.everything ?? false;
  }

  newCache(): Uint8Array {
    return new Uint8Array(this.list.length);
  }

  matches(id: number, labels: Labels, cache: Uint8Array): boolean {
    const hit = cache[id];
    if (hit === 1) return true;
    if (hit === 2) return false;
    const selector = this.list[id];
    if (selector === undefined) throw new InternalError(`selector ${id} was never interned`);
    const result = selector.matches(labels);
    cache[id] = result ? 1 : 2;
    return result;
  }
}
