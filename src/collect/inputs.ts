// `--input-file` arguments → the list of files to read.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { compareText } from '../order.js';

/** Names a directory scan picks up (optionally gzipped; gzip is detected by content anyway). */
const RECORDING_NAME = /\.(json|jsonl|ndjson|log)(\.gz)?$/i;

/**
 * Expand files/dirs/'-' into a sorted list of files (dir: *.json, *.jsonl, *.ndjson, *.log, and
 * the same with .gz; recursive, sorted by path). Explicit files are kept whatever their name,
 * '-' (stdin) is kept as is; duplicates are removed. Throws InputError for a missing path.
 */
export async function expandInputs(inputs: string[]): Promise<string[]> {
  const files = new Set<string>();
  for (const input of inputs) {
    if (input === '-') {
      files.add(input);
      continue;
    }
    let info;
    try {
      info = await stat(input);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file or directory' : (err as Error).message;
      throw new InputError({ file: input }, `cannot read input: ${why}`, 'E_NO_INPUT');
    }
    if (!info.isDirectory()) {
      files.add(input);
      continue;
    }
    const found = await scan(input);
    if (found.length === 0) {
      throw new InputError({ file: input }, 'directory holds no recordings (*.json, *.jsonl, *.ndjson, *.log, optionally .gz)', 'E_NO_INPUT');
    }
    for (const f of found) files.add(f);
  }
  return [...files].sort((a, b) => (a === '-' ? -1 : b === '-' ? 1 : compareText(a, b)));
}

async function scan(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const out: string[] = [];
  for (const e of entries) {
    if (e.isFile() && RECORDING_NAME.test(e.name)) out.push(join(e.parentPath ?? e.path, e.name));
  }
  return out;
}
