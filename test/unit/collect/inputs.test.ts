// Expanding --input-file arguments.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../../src/errors.js';
import { expandInputs } from '../../../src/collect/inputs.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flowpol-inputs-'));
  await mkdir(join(dir, 'rec', 'node-b'), { recursive: true });
  await mkdir(join(dir, 'empty'));
  await mkdir(join(dir, 'rec', 'archive.json'));
  for (const f of ['rec/archive.json/z.jsonl', 'rec/b.jsonl', 'rec/a.json', 'rec/events.log.gz', 'rec/node-b/x.ndjson', 'rec/notes.txt', 'rec/c.JSONL', 'other.txt']) {
    await writeFile(join(dir, f), '');
  }
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('expandInputs', () => {
  it('expands directories recursively to recordings, sorted, keeping explicit files and stdin', async () => {
    const files = await expandInputs([join(dir, 'rec'), join(dir, 'other.txt'), '-', join(dir, 'rec', 'a.json')]);
    expect(files).toEqual([
      '-',
      join(dir, 'other.txt'),
      join(dir, 'rec', 'a.json'),
      // A directory whose name looks like a recording is walked into, not read as a file.
      join(dir, 'rec', 'archive.json', 'z.jsonl'),
      join(dir, 'rec', 'b.jsonl'),
      join(dir, 'rec', 'c.JSONL'),
      join(dir, 'rec', 'events.log.gz'),
      join(dir, 'rec', 'node-b', 'x.ndjson'),
    ]);
  });

  it('a missing path is an InputError naming it', async () => {
    await expect(expandInputs([join(dir, 'missing.json')])).rejects.toThrow(InputError);
    await expect(expandInputs([join(dir, 'missing.json')])).rejects.toThrow(/missing\.json: cannot read input: no such file or directory/);
  });

  it('a directory without recordings is an InputError', async () => {
    await expect(expandInputs([join(dir, 'empty')])).rejects.toThrow(/holds no recordings/);
  });
});
