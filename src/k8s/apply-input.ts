// Reads the manifests `flowpol apply -f` is given (files, directories, `-` for stdin; -f repeatable),
// with the policy loader of src/policy/load.ts (YAML multi-document or JSON, `List`s, directory
// listing) and the engine's validator. Only networking.k8s.io/v1 NetworkPolicy objects with a
// namespace are accepted; anything else is an InputError naming the file, the document number and
// the line (of the bad field itself when the YAML parser places it). Every file is validated before anything is returned, and a namespace/name given twice
// (in one file or across files) is an error naming both places.
import { readFile } from 'node:fs/promises';
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import { formatLocation, InputError, UsageError } from '../errors.js';
import type { InputLocation } from '../errors.js';
import type { NetworkPolicy } from '../model.js';
import { listPolicyFiles, parsePolicyText } from '../policy/load.js';
import { type PolicyWarning, validateNetworkPolicy } from '../policy/validate.js';
import { lineOfPath } from './yaml-lines.js';

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

/** A policy read from a manifest, with where it came from (for error messages and per-policy reports) and what validation warned of. */
export interface LocatedPolicy { policy: NetworkPolicy; key: string; at: InputLocation; warnings: PolicyWarning[] }

/** `items[0].spec.ports[1].port` → ['items', 0, 'spec', 'ports', 1, 'port']. */
function pathSegments(field: string): (string | number)[] {
  return field.split('.').filter((s) => s !== '').flatMap((part) => {
    const [head = '', ...indexes] = part.split('[');
    return [...(head === '' ? [] : [head]), ...indexes.map((i) => Number(i.replace(']', '')))];
  });
}

/**
 * The line of the field at a JSON path in the document that starts at or before `line`, or of its
 * nearest ancestor the parser placed; undefined when the text gives no position.
 */
function lineOfField(text: string, line: number, field: string): number | undefined {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines }) as Document.Parsed[];
  const startOf = (d: Document.Parsed): number => lines.linePos(d.contents?.range?.[0] ?? 0).line;
  const doc = docs.filter((d) => d.contents !== null && startOf(d) <= line).at(-1);
  if (doc === undefined) return undefined;
  return lineOfPath(doc, pathSegments(field), lines);
}

/** The engine's validation, with an error or warning placed at its field's line as `document N: path`. */
function validateAt(text: string, policy: unknown, file: string, line: number, items: string | undefined): { policy: NetworkPolicy; warnings: PolicyWarning[] } {
  const place = (location: InputLocation): InputLocation => {
    if (location.field === undefined) return location;
    const field = location.field.replace(/^\./, '');
    return { file, line: lineOfField(text, line, field) ?? line, field: `${documentAt(text, line)}: ${field}` };
  };
  const warnings: PolicyWarning[] = [];
  try {
    const valid = validateNetworkPolicy(policy, { file, line, ...(items === undefined ? {} : { field: items }) }, warnings);
    return { policy: valid, warnings: warnings.map((w) => ({ ...w, location: place(w.location) })) };
  } catch (err) {
    if (!(err instanceof InputError) || err.location.field === undefined) throw err;
    throw new InputError(place(err.location), err.reason, err.code);
  }
}

/** Validates each NetworkPolicy document of one file, keeping where it came from. */
function parseLocated(text: string, file: string): LocatedPolicy[] {
  const { policies, skipped } = parsePolicyText(text, file);
  const other = skipped[0];
  if (other !== undefined) {
    throw new InputError({ file, line: other.line, field: documentAt(text, other.line) },
      `${other.kind} is not a networking.k8s.io/v1 NetworkPolicy; flowpol apply only applies NetworkPolicies`);
  }
  return policies.map(({ policy, origin }) => {
    const line = origin.line ?? 1;
    const where = `${documentAt(text, line)}${origin.field === undefined ? '' : `: ${origin.field}`}`;
    const namespace = (policy as { metadata?: { namespace?: unknown } }).metadata?.namespace;
    if (typeof namespace !== 'string' || namespace === '') {
      const field = [origin.field, 'metadata.namespace'].filter((f) => f !== undefined).join('.');
      throw new InputError({ file, line, field: `${documentAt(text, line)}: ${field}` }, 'missing namespace (flowpol apply never guesses the namespace)');
    }
    const { policy: p, warnings } = validateAt(text, policy, file, line, origin.field);
    return { policy: p, key: `${namespace}/${p.metadata.name}`, at: { file, line, field: where }, warnings };
  });
}

/** The policies in order; a namespace/name seen twice is an InputError at the second, naming the first. */
function rejectDuplicates(located: LocatedPolicy[]): LocatedPolicy[] {
  const seen = new Map<string, InputLocation>();
  for (const { key, at } of located) {
    const first = seen.get(key);
    if (first !== undefined) {
      throw new InputError(at, `NetworkPolicy ${key} appears twice (also at ${formatLocation(first)})`);
    }
    seen.set(key, at);
  }
  return located;
}

/** Parse manifest text into validated NetworkPolicies, in document order. */
export function parsePolicyManifests(text: string, file: string): NetworkPolicy[] {
  return rejectDuplicates(parseLocated(text, file)).map((l) => l.policy);
}

async function readText(file: string, stdin: NodeJS.ReadableStream): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const c of stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError({ file }, code === 'ENOENT' ? 'file not found' : `cannot read (${code ?? 'error'})`);
  }
}

/**
 * Read the manifests of every path, in argument order: a file, a directory (its .yaml/.yml/.json
 * files below it, sorted) or `-` (stdin, at most once). All are validated before returning; a path
 * that yields no NetworkPolicy is an InputError. Each policy keeps its file, line and document.
 */
export async function readPolicyManifests(paths: readonly string[], stdin: NodeJS.ReadableStream = process.stdin): Promise<LocatedPolicy[]> {
  if (paths.filter((p) => p === '-').length > 1) throw new UsageError('-f - (stdin) can be given only once');
  const located: LocatedPolicy[] = [];
  for (const path of paths) {
    const before = located.length;
    for (const file of path === '-' ? ['-'] : await listPolicyFiles(path)) {
      located.push(...parseLocated(await readText(file, stdin), file));
    }
    if (located.length === before) throw new InputError({ file: path }, 'no NetworkPolicy found');
  }
  return rejectDuplicates(located);
}
