// Reads the manifests `flowpol apply -f` is given, with the policy loader of src/policy/load.ts
// (YAML multi-document or JSON, `List`s) and the engine's validator. Only networking.k8s.io/v1
// NetworkPolicy objects with a namespace are accepted; anything else is an InputError naming the
// file, the document number and the line.
import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.js';
import type { NetworkPolicy } from '../model.js';
import { parsePolicyText } from '../policy/load.js';
import { validateNetworkPolicy } from '../policy/validate.js';

/** `document N` for the document that holds `line` (1-based, counting `---` separators). */
export function documentAt(text: string, line: number): string {
  let n = 1;
  let content = false;
  for (const l of text.split('\n').slice(0, line - 1)) {
    if (/^---(\s|$)/.test(l)) {
      if (content) n++;
      content = true; // a separator after content, or a leading one, starts the next document
    } else if (l.trim() !== '' && !l.startsWith('#') && !l.startsWith('%')) {
      content = true;
    }
  }
  return `document ${n}`;
}

/** Parse manifest text into validated NetworkPolicies, in document order. */
export function parsePolicyManifests(text: string, file: string): NetworkPolicy[] {
  const { policies, skipped } = parsePolicyText(text, file);
  const other = skipped[0];
  if (other !== undefined) {
    throw new InputError({ file, line: other.line, field: documentAt(text, other.line) },
      `${other.kind} is not a networking.k8s.io/v1 NetworkPolicy; flowpol apply only applies NetworkPolicies`);
  }
  const seen = new Set<string>();
  return policies.map(({ policy, origin }) => {
    const line = origin.line ?? 1;
    const where = `${documentAt(text, line)}${origin.field === undefined ? '' : ` ${origin.field}`}`;
    const namespace = (policy as { metadata?: { namespace?: unknown } }).metadata?.namespace;
    if (typeof namespace !== 'string' || namespace === '') {
      throw new InputError({ file, line, field: `${where}: metadata.namespace` }, 'missing namespace (flowpol apply never guesses the namespace)');
    }
    const p = validateNetworkPolicy(policy, { file, line, field: where });
    const key = `${namespace}/${p.metadata.name}`;
    if (seen.has(key)) throw new InputError({ file, line, field: where }, `NetworkPolicy ${key} appears twice`);
    seen.add(key);
    return p;
  });
}

/** Read a manifest file (`-` = stdin). */
export async function readPolicyManifests(file: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<NetworkPolicy[]> {
  let text: string;
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const c of stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
    text = Buffer.concat(chunks).toString('utf8');
  } else {
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new InputError({ file }, code === 'ENOENT' ? 'file not found' : `cannot read (${code ?? 'error'})`);
    }
  }
  const policies = parsePolicyManifests(text, file);
  if (policies.length === 0) throw new InputError({ file }, 'no NetworkPolicy found');
  return policies;
}
