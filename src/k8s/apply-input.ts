// Reads the manifests `flowpol apply -f` is given: YAML (multi-document) or JSON, a `List` of
// items allowed. Only networking.k8s.io/v1 NetworkPolicy objects with a name and a namespace are
// accepted; anything else is an InputError naming the file, document number and line.
import { readFile } from 'node:fs/promises';
import { LineCounter, parseAllDocuments } from 'yaml';
import { InputError } from '../errors.js';
import type { NetworkPolicy } from '../model.js';

interface Located { value: unknown; line: number | undefined; where: string }

function describeKind(o: Record<string, unknown>): string {
  const kind = typeof o.kind === 'string' ? o.kind : '(no kind)';
  const apiVersion = typeof o.apiVersion === 'string' ? o.apiVersion : '(no apiVersion)';
  return `${kind} ${apiVersion}`;
}

function toPolicy(item: Located, file: string): NetworkPolicy {
  const fail = (field: string | undefined, reason: string): never => {
    throw new InputError({ file, line: item.line, field: field === undefined ? item.where : `${item.where}: ${field}` }, reason);
  };
  const o = item.value;
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return fail(undefined, 'expected a Kubernetes object');
  const obj = o as Record<string, unknown>;
  if (obj.apiVersion !== 'networking.k8s.io/v1' || obj.kind !== 'NetworkPolicy') {
    return fail(undefined, `${describeKind(obj)} is not a networking.k8s.io/v1 NetworkPolicy; flowpol apply only applies NetworkPolicies`);
  }
  const meta = obj.metadata as Record<string, unknown> | undefined;
  if (typeof meta?.name !== 'string' || meta.name === '') return fail('metadata.name', 'missing name');
  if (typeof meta.namespace !== 'string' || meta.namespace === '') {
    return fail('metadata.namespace', 'missing namespace (flowpol apply never guesses the namespace)');
  }
  if (obj.spec === null || typeof obj.spec !== 'object') return fail('spec', 'missing spec');
  return obj as unknown as NetworkPolicy;
}

/** Parse manifest text into NetworkPolicies, in document order. */
export function parsePolicyManifests(text: string, file: string): NetworkPolicy[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true });
  if (!Array.isArray(docs)) return []; // an empty stream
  const located: Located[] = [];
  docs.forEach((doc, i) => {
    const where = `document ${i + 1}`;
    const err = doc.errors[0];
    if (err !== undefined) {
      throw new InputError({ file, line: err.linePos?.[0].line, field: where }, `not valid YAML/JSON: ${err.message.split('\n')[0] ?? ''}`);
    }
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) return; // an empty document (e.g. a trailing ---)
    const line = doc.contents?.range === undefined ? undefined : lineCounter.linePos(doc.contents.range[0]).line;
    const o = value as Record<string, unknown>;
    if (typeof o === 'object' && typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items)) {
      o.items.forEach((item, k) => located.push({ value: item, line, where: `${where} items[${k}]` }));
    } else {
      located.push({ value, line, where });
    }
  });
  const seen = new Set<string>();
  return located.map((item) => {
    const p = toPolicy(item, file);
    const key = `${p.metadata.namespace ?? ''}/${p.metadata.name}`;
    if (seen.has(key)) throw new InputError({ file, line: item.line, field: item.where }, `NetworkPolicy ${key} appears twice`);
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
