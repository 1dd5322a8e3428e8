// Reads NetworkPolicies from files the way `kubectl apply -f` takes them: YAML or JSON, several
// documents per file (`---`), `List` / `NetworkPolicyList` objects, and directories (every
// .yaml/.yml/.json below them, in sorted order). Objects of other kinds are skipped and reported,
// and so are paths that yield no NetworkPolicy at all, so the caller can warn. Every policy keeps
// its file and line for error messages.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, isScalar, LineCounter, parseAllDocuments, visit, type Document } from 'yaml';
import { InputError, OperationalError } from '../errors.js';
import type { SourcedPolicy } from './evaluate.js';
import { parseJsonDocument } from './json-document.js';
import type { PolicyOrigin, PolicyWarning } from './validate.js';
import { type FieldLines, fieldLines } from './yaml-lines.js';
import { compareText } from '../order.js';

export interface SkippedObject { file: string; line: number; kind: string }
/** `warnings`: text kubectl would read otherwise (see yaml11Warnings). */
export interface LoadedPolicies { policies: SourcedPolicy[]; skipped: SkippedObject[]; warnings: PolicyWarning[] }
/** `empty`: the paths given (files or directories, in argument order) that yielded no NetworkPolicy at all. */
export interface LoadedPolicyFiles extends LoadedPolicies { empty: string[] }

const POLICY_FILE = /\.(ya?ml|json)$/i;
const LIST_KINDS = new Set(['List', 'NetworkPolicyList']);
/** Plain scalars YAML 1.2 reads as strings and YAML 1.1 (kubectl's sigs.k8s.io/yaml) as booleans. */
const YAML11_BOOLEAN = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;

/**
 * Loads every policy from the given files and directories, in argument order, and says which of
 * them hold none (an empty file, only comments or `---`: what a failed `generate > file` leaves).
 */
export async function loadPolicyFiles(paths: readonly string[]): Promise<LoadedPolicyFiles> {
  const out: LoadedPolicyFiles = { policies: [], skipped: [], warnings: [], empty: [] };
  for (const path of paths) {
    const before = out.policies.length;
    for (const file of await listPolicyFiles(path)) {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        throw new OperationalError('E_READ', `cannot read policy file ${file}: ${(err as Error).message}`, { cause: err });
      }
      const loaded = parsePolicyText(text, file);
      out.policies.push(...loaded.policies);
      out.skipped.push(...loaded.skipped);
      out.warnings.push(...loaded.warnings);
    }
    if (out.policies.length === before) out.empty.push(path);
  }
  return out;
}

/** A file as is; a directory as every .yaml/.yml/.json file below it, sorted. OperationalError if unreadable. */
export async function listPolicyFiles(path: string): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    throw new OperationalError('E_READ', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (!info.isDirectory()) return [path];
  const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => compareText(a.name, b.name));
  const files: string[] = [];
  for (const entry of entries) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) files.push(...(await listPolicyFiles(full)));
    else if (POLICY_FILE.test(entry.name)) files.push(full);
  }
  return files;
}

/** Parses one file's text (YAML or JSON, multi-document). Policies are validated later, by the engine. */
export function parsePolicyText(text: string, file: string): LoadedPolicies {
  const out: LoadedPolicies = { policies: [], skipped: [], warnings: [] };
  const lineOf = fieldLines(text);
  const json = parseJsonDocument(text);
  if (json !== undefined) {
    addDocument(out, { file, line: json.line, lineOf }, json.value, (i) => json.itemLines[i] ?? json.line);
    return out;
  }
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines });
  for (const doc of docs as Document.Parsed[]) {
    const error = doc.errors[0];
    if (error !== undefined) {
      throw new InputError({ file, line: lines.linePos(error.pos[0]).line }, `not valid YAML/JSON: ${error.message.split('\n')[0] ?? ''}`, 'E_POLICY_FILE');
    }
    if (doc.contents === null) continue;
    out.warnings.push(...yaml11Warnings(doc, file, lines));
    const line = lines.linePos(doc.contents.range?.[0] ?? 0).line;
    const itemsNode = isMap(doc.contents) ? doc.contents.get('items', true) : undefined;
    addDocument(out, { file, line, lineOf }, doc.toJS(), (i) => {
      const node = itemsNode !== undefined && typeof itemsNode === 'object' && 'items' in itemsNode ? (itemsNode.items as { range?: [number] }[])[i] : undefined;
      return node?.range === undefined ? line : lines.linePos(node.range[0]).line;
    });
  }
  return out;
}

/**
 * flowpol reads YAML 1.2, where an unquoted `on` or `yes` is a string; kubectl reads YAML 1.1,
 * where it is a boolean, so `app: on` here is an error (or `true`) there. Said, not refused:
 * the file means what flowpol evaluates, and quoting it makes both agree.
 */
function yaml11Warnings(doc: Document.Parsed, file: string, lines: LineCounter): PolicyWarning[] {
  const out: PolicyWarning[] = [];
  visit(doc, (_key, node) => {
    if (!isScalar(node) || node.type !== 'PLAIN' || typeof node.value !== 'string' || !YAML11_BOOLEAN.test(node.value)) return;
    out.push({
      location: { file, line: lines.linePos(node.range?.[0] ?? 0).line },
      message: `unquoted ${node.value} is the string "${node.value}" to flowpol (YAML 1.2) but a boolean to kubectl (YAML 1.1), which would reject or change it; quote it`,
    });
  });
  return out;
}

/** One document's policies (itself, or a List's items, each with its line) and skipped objects. */
function addDocument(out: LoadedPolicies, at: { file: string; line: number; lineOf: FieldLines }, value: unknown, itemLine: (i: number) => number): void {
  if (value === null || value === undefined) return;
  const { file, line } = at;
  // An error inside a policy names the line of its field, in the document that starts at `line`.
  const origin = (start: number, field?: string): PolicyOrigin =>
    ({ file, line: start, ...(field === undefined ? {} : { field }), lineOf: (path) => at.lineOf(line, path) });
  const kind = kindOf(value);
  if (kind === 'NetworkPolicy') {
    out.policies.push({ policy: value, origin: origin(line) });
  } else if (LIST_KINDS.has(kind)) {
    const items = (value as { items?: unknown }).items;
    if (!Array.isArray(items)) throw new InputError({ file, line, field: 'items' }, `a ${kind} needs an items list`, 'E_POLICY_FILE');
    items.forEach((item, i) => {
      if (kindOf(item) === 'NetworkPolicy') out.policies.push({ policy: item, origin: origin(itemLine(i), `items[${i}]`) });
      else out.skipped.push({ file, line: itemLine(i), kind: kindOf(item) });
    });
  } else {
    out.skipped.push({ file, line, kind });
  }
}

function kindOf(value: unknown): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return '(not an object)';
  const kind = (value as { kind?: unknown }).kind;
  return typeof kind === 'string' ? kind : '(no kind)';
}
