// Reads the manifests `flowpol apply -f` is given (files, directories, `-` for stdin; -f repeatable),
// with the policy loader of src/policy/load.ts (YAML multi-document or JSON, `List`s, directory
// listing) and the engine's validator. Only networking.k8s.io/v1 NetworkPolicy objects with a
// namespace are accepted; anything else is an InputError naming the file, the document number and
// the line (of the bad field itself when the YAML parser places it). Every file is validated before anything is returned, and a namespace/name given twice
// (in one file or across files) is an error naming both places.
import { readFile } from 'node:fs/promises';
import { formatLocation, InputError, UsageError } from '../errors.js';
import type { InputLocation } from '../errors.js';
import type { NetworkPolicy } from '../model.js';
import { listPolicyFiles, parsePolicyText } from '../policy/load.js';
import { locate, type PolicyOrigin, type PolicyWarning, validateNetworkPolicy } from '../policy/validate.js';

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

/** The engine's validation (which places an error or a warning at its field's line), with the field named as `document N: path`. */
function validateAt(text: string, policy: unknown, origin: PolicyOrigin): { policy: NetworkPolicy; warnings: PolicyWarning[] } {
  const line = origin.line ?? 1;
  const place = (location: InputLocation): InputLocation =>
    location.field === undefined ? location : { ...location, field: `${documentAt(text, line)}: ${location.field.replace(/^\./, '')}` };
  const warnings: PolicyWarning[] = [];
  try {
    const valid = validateNetworkPolicy(policy, origin, warnings);
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
      const at = locate(origin, 'metadata.namespace');
      throw new InputError({ ...at, field: `${documentAt(text, line)}: ${at.field ?? ''}` }, 'missing namespace (flowpol apply never guesses the namespace)');
    }
    const { policy: p, warnings } = validateAt(text, policy, origin);
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
