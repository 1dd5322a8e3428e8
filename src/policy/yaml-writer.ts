// A NetworkPolicy as YAML, written line by line: the same bytes the `yaml` package writes for
// `new Document(policy).toString({ lineWidth: 0 })` with flowpol's comments (a test holds the
// two to byte equality), at a fraction of the cost — a 10k-policy set is ~100 MB of YAML.
// Scalars are quoted by the `yaml` package itself (memoized), so quoting rules are never
// re-implemented here; only the block layout (2-space maps, indented `- ` sequences) is.
import { Document, Scalar as YamlScalar, stringify, visit } from 'yaml';
import type { GeneratedPolicy, Rule } from '../model.js';
import { printableLine } from '../printable.js';
import { InternalError } from '../errors.js';

type Scalar = string | number | boolean | null | undefined;
/** JSON-like data (what a NetworkPolicy is made of). */
type Plain = unknown;

const YAML_OPTIONS = { lineWidth: 0 } as const;
const YAML_1_1 = { lineWidth: 0, version: '1.1' } as const;
const SAFE_BLOCK_LINE = /^[^\s#][^\t\r]*[^\s]$|^[^\s#]$/;

export class YamlWriter {
  private readonly scalars = new Map<string, string>();
  private out: string[] = [];
  private readonly fragments = new WeakMap<object, string>();

  /** The policy document (no header, no `---`), with a comment above each rule. */
  policy(generated: GeneratedPolicy, ruleComment: (rule: Rule) => string): string {
    this.out = [];
    const { spec, ...top } = generated.policy;
    this.map(top, '', '');
    this.out.push('spec:');
    const { ingress, egress, ...head } = spec;
    this.map(head, '  ', '  ');
    this.rules('ingress', 'from', ingress, generated.ingress, ruleComment);
    this.rules('egress', 'to', egress, generated.egress, ruleComment);
    const text = `${this.out.join('\n')}\n`;
    this.out = [];
    return text;
  }

  private rules(
    field: string, peersField: 'from' | 'to', specRules: readonly object[] | undefined,
    rules: readonly Rule[], ruleComment: (rule: Rule) => string,
  ): void {
    if (specRules === undefined) return;
    if (specRules.length === 0) return void this.out.push(`  ${field}: []`);
    this.out.push(`  ${field}:`);
    specRules.forEach((specRule, i) => {
      const rule = rules[i];
      if (rule !== undefined) this.out.push(`    #${ruleComment(rule)}`);
      let first = '    - ';
      for (const [key, value] of Object.entries(specRule) as [string, Plain][]) {
        if (value === undefined) continue;
        if (!Array.isArray(value) || value.length === 0 || rule === undefined) {
          this.entry(key, value, first, '      ');
        } else if (key === peersField) {
          this.out.push(`${first}${this.key(key)}:`);
          value.forEach((peer: Plain, j: number) => {
            this.out.push(this.cached(peer as object, () => this.item(peer, '        ')));
            const names = rule.peers[j]?.names ?? [];
            if (names.length > 0 && 'ipBlock' in (peer as object)) this.out[this.out.length - 1] += ` # ${printableLine(names.join(', '))}`;
          });
        } else {
          this.out.push(`${first}${this.key(key)}:`);
          this.out.push(this.cached(value, () => value.forEach((item: Plain) => this.item(item, '        '))));
        }
        first = '      ';
      }
    });
  }

  /**
   * The lines `render` writes for `value`, rendered once per object: rule peers and port lists
   * are shared between policies (generate caches them), always at the same indentation here.
   */
  private cached(value: object, render: () => void): string {
    let text = this.fragments.get(value);
    if (text === undefined) {
      const outer = this.out;
      this.out = [];
      render();
      text = this.out.join('\n');
      this.out = outer;
      this.fragments.set(value, text);
    }
    return text;
  }

  private map(value: Plain, firstPad: string, pad: string): void {
    let linePad = firstPad;
    for (const [key, v] of Object.entries(value as Record<string, Plain>)) {
      if (v === undefined) continue;
      this.entry(key, v, linePad, pad);
      linePad = pad;
    }
  }

  private entry(key: string, value: Plain, linePad: string, pad: string): void {
    const k = this.key(key);
    if (Array.isArray(value)) {
      if (value.length === 0) return void this.out.push(`${linePad}${k}: []`);
      this.out.push(`${linePad}${k}:`);
      for (const item of value as readonly Plain[]) this.item(item, `${pad}  `);
    } else if (typeof value === 'object' && value !== null) {
      if (Object.keys(value).length === 0) return void this.out.push(`${linePad}${k}: {}`);
      this.out.push(`${linePad}${k}:`);
      this.map(value, `${pad}  `, `${pad}  `);
    } else if (typeof value === 'string' && value.includes('\n')) {
      this.block(key, value, linePad, pad);
    } else {
      this.out.push(`${linePad}${k}: ${this.scalar(value as Scalar)}`);
    }
  }

  private item(item: Plain, pad: string): void {
    if (Array.isArray(item)) throw new InternalError('nested sequences are not written by flowpol');
    if (typeof item === 'object' && item !== null) {
      if (Object.keys(item).length === 0) return void this.out.push(`${pad}- {}`);
      this.map(item, `${pad}- `, `${pad}  `);
    } else {
      this.out.push(`${pad}- ${this.scalar(item as Scalar)}`);
    }
  }

  /** A multi-line string: a `|-` literal block when every line is plain, else what `yaml` writes. */
  private block(key: string, value: string, linePad: string, pad: string): void {
    const lines = value.split('\n');
    if (lines.every((l) => SAFE_BLOCK_LINE.test(l))) {
      this.out.push(`${linePad}${this.key(key)}: |-`, ...lines.map((l) => `${pad}  ${l}`));
      return;
    }
    const [first = '', ...rest] = stringify({ [key]: value }, YAML_OPTIONS).trimEnd().split('\n');
    this.out.push(`${linePad}${first}`, ...rest.map((l) => (l === '' ? l : `${pad}${l}`)));
  }

  private key(key: string): string {
    return this.scalar(key);
  }

  private scalar(value: Scalar): string {
    if (typeof value === 'number') return String(value);
    if (typeof value !== 'string') return stringify(value, YAML_OPTIONS).trimEnd();
    let text = this.scalars.get(value);
    if (text === undefined) this.scalars.set(value, (text = stringText(value)));
    return text;
  }
}

/**
 * A string as a YAML scalar that reads back as this string under YAML 1.2 (this package, flowpol's
 * own loaders) and YAML 1.1 (kubectl: sigs.k8s.io/yaml), quoted when either would take the plain
 * text for something else: `yes`, `on`, `y`, `off` are booleans and `1_000`, `1:20` numbers in
 * 1.1, so a label value `on` written plain would reach the API server as `true`.
 */
function stringText(value: string): string {
  const plain = stringify(value, YAML_OPTIONS).trimEnd();
  if (quoted(plain)) return plain;
  const v11 = stringify(value, YAML_1_1).trimEnd();
  return quoted(v11) ? v11 : plain;
}

const quoted = (text: string): boolean => text.startsWith('"') || text.startsWith("'");

/** Any JSON-like value as YAML that YAML 1.1 (kubectl) and 1.2 read alike: the rule of stringText, for whole documents. */
export function portableYaml(value: unknown): string {
  const doc = new Document(value, { aliasDuplicateObjects: false });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && quoted(stringify(node.value, YAML_1_1))) node.type = YamlScalar.QUOTE_DOUBLE;
    },
  });
  return doc.toString(YAML_OPTIONS);
}
